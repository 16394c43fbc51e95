-- Nhắc đóng — reminders to people whose paid period ends soon or ended; a reminder is closed
-- by the payment that follows it, so the list can tell how many reminders turned into payments.
CREATE TABLE reminders (
    id               INTEGER PRIMARY KEY,
    province_code    TEXT    NOT NULL,
    unit_path        TEXT    NOT NULL,
    participation_id INTEGER NOT NULL REFERENCES participations(id),
    person_id        INTEGER NOT NULL REFERENCES persons(id),
    collector_id     INTEGER NOT NULL REFERENCES users(id),
    phone            TEXT,
    message          TEXT    NOT NULL,
    amount           INTEGER NOT NULL,
    deadline         TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    closed_by        INTEGER REFERENCES receipts(id),
    closed_at        TEXT
);
CREATE UNIQUE INDEX reminders_open ON reminders (participation_id) WHERE closed_at IS NULL;
CREATE INDEX reminders_collector ON reminders (collector_id, id);
