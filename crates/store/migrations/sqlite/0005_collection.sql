-- Enrolment, payments and receipts (issue 9). Money and legal records are never deleted:
-- a receipt is voided (voided_at, void_reason), a participation ended (ended_on, end_reason).

-- Quyển biên lai / dãy số biên lai điện tử issued to one collector. `next_no` is the number the
-- next receipt takes (số hiện tại + 1); taking one is an UPDATE … RETURNING inside the payment's
-- transaction, so a rolled-back payment gives its number back and numbers have no gaps.
CREATE TABLE receipt_books (
    id            INTEGER PRIMARY KEY,
    province_code TEXT    NOT NULL,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    unit_path     TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('paper','electronic')),
    series        TEXT    NOT NULL,
    book_no       TEXT    NOT NULL DEFAULT '',
    first_no      INTEGER NOT NULL,
    last_no       INTEGER NOT NULL,
    next_no       INTEGER NOT NULL,
    collector_id  INTEGER NOT NULL REFERENCES users(id),
    issued_by     TEXT    NOT NULL,
    issued_at     TEXT    NOT NULL,
    closed_at     TEXT,
    CHECK (first_no >= 1 AND last_no >= first_no AND next_no >= first_no AND next_no <= last_no + 1)
);
CREATE INDEX receipt_books_collector ON receipt_books (collector_id);
CREATE INDEX receipt_books_series ON receipt_books (series, first_no);

-- Tham gia: a person in a scheme over a period. VSI and household HI are enrolled here; the
-- other schemes and HI groups are imported from lists. paid_through is derived from the valid
-- receipt lines, in the same transaction as each payment and void.
CREATE TABLE participations (
    id                  INTEGER PRIMARY KEY,
    province_code       TEXT    NOT NULL,
    person_id           INTEGER NOT NULL REFERENCES persons(id),
    scheme              TEXT    NOT NULL CHECK (scheme IN ('vsi','hi_household','csi','ui','hi')),
    grp                 TEXT    NOT NULL DEFAULT '',
    source              TEXT    NOT NULL CHECK (source IN ('enrolled','imported')),
    household_id        INTEGER REFERENCES households(id),
    started_on          TEXT    NOT NULL,
    income              INTEGER,
    mode_months         INTEGER,
    category            TEXT,
    category_reason     TEXT    NOT NULL DEFAULT '',
    category_document   TEXT    NOT NULL DEFAULT '',
    local_group         TEXT,
    prior_support_months INTEGER NOT NULL DEFAULT 0,
    paid_through        TEXT,
    valid_to            TEXT,
    ended_on            TEXT,
    end_reason          TEXT    NOT NULL DEFAULT '',
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL
);
CREATE UNIQUE INDEX participations_open ON participations (person_id, scheme) WHERE ended_on IS NULL;
CREATE INDEX participations_person ON participations (person_id);
CREATE INDEX participations_household ON participations (household_id) WHERE household_id IS NOT NULL;
CREATE INDEX participations_due ON participations (scheme, paid_through) WHERE ended_on IS NULL;

-- History of the chosen income, mode and category of a VSI participation (never rewritten).
CREATE TABLE participation_terms (
    id               INTEGER PRIMARY KEY,
    participation_id INTEGER NOT NULL REFERENCES participations(id),
    from_month       TEXT    NOT NULL,
    income           INTEGER NOT NULL,
    mode_months      INTEGER NOT NULL,
    category         TEXT    NOT NULL,
    reason           TEXT    NOT NULL DEFAULT '',
    actor            TEXT    NOT NULL,
    at               TEXT    NOT NULL
);
CREATE INDEX participation_terms_of ON participation_terms (participation_id, id);

-- One retried or double-clicked submission pays once: the request id is taken first.
CREATE TABLE payment_requests (
    request_id   TEXT    PRIMARY KEY,
    collector_id INTEGER NOT NULL,
    fingerprint  TEXT    NOT NULL,
    at           TEXT    NOT NULL
);

-- Biên lai thu tiền (C45-BB). series + number is unique whatever the books say.
CREATE TABLE receipts (
    id              INTEGER PRIMARY KEY,
    province_code   TEXT    NOT NULL,
    unit_path       TEXT    NOT NULL,
    book_id         INTEGER NOT NULL REFERENCES receipt_books(id),
    series          TEXT    NOT NULL,
    book_no         TEXT    NOT NULL DEFAULT '',
    number          INTEGER NOT NULL,
    code            TEXT    NOT NULL UNIQUE,
    request_id      TEXT    NOT NULL REFERENCES payment_requests(request_id),
    collector_id    INTEGER NOT NULL REFERENCES users(id),
    collector       TEXT    NOT NULL,
    payer_person_id INTEGER NOT NULL REFERENCES persons(id),
    payer_name      TEXT    NOT NULL,
    payer_si_number TEXT    NOT NULL DEFAULT '',
    payer_address   TEXT    NOT NULL,
    scheme          TEXT    NOT NULL,
    mode_months     INTEGER NOT NULL,
    content         TEXT    NOT NULL,
    amount          INTEGER NOT NULL,
    paid_on         TEXT    NOT NULL,
    at              TEXT    NOT NULL,
    voided_at       TEXT,
    void_reason     TEXT    NOT NULL DEFAULT '',
    voided_by       TEXT    NOT NULL DEFAULT '',
    UNIQUE (series, number)
);
CREATE INDEX receipts_request ON receipts (request_id);
CREATE INDEX receipts_collector_day ON receipts (collector_id, paid_on);
CREATE INDEX receipts_payer ON receipts (payer_person_id);

-- What a receipt paid for: one line per participation (person × scheme).
CREATE TABLE receipt_lines (
    receipt_id        INTEGER NOT NULL REFERENCES receipts(id),
    participation_id  INTEGER NOT NULL REFERENCES participations(id),
    person_id         INTEGER NOT NULL REFERENCES persons(id),
    ordinal           INTEGER NOT NULL,
    covers_from       TEXT    NOT NULL,
    covers_to         TEXT    NOT NULL,
    months            INTEGER NOT NULL,
    income            INTEGER,
    gross             INTEGER NOT NULL,
    state_support     INTEGER NOT NULL,
    local_support     INTEGER NOT NULL,
    discount          INTEGER NOT NULL,
    supported_months  INTEGER NOT NULL,
    amount            INTEGER NOT NULL,
    PRIMARY KEY (receipt_id, participation_id)
);
CREATE INDEX receipt_lines_participation ON receipt_lines (participation_id);

-- Who paid a receipt's amount: the person, a community model's fund, a sponsor.
CREATE TABLE receipt_sources (
    receipt_id INTEGER NOT NULL REFERENCES receipts(id),
    source     TEXT    NOT NULL CHECK (source IN ('person','fund','sponsor')),
    name       TEXT    NOT NULL DEFAULT '',
    amount     INTEGER NOT NULL,
    PRIMARY KEY (receipt_id, source, name)
);
