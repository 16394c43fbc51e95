-- Legal parameters (effective-dated), seeded from the bundled file; administrators add versions.
-- A version is never deleted: a new one closes the open-ended predecessor (effective_to).
CREATE TABLE rule_parameters (
    id             INTEGER PRIMARY KEY,
    key            TEXT    NOT NULL,
    effective_from TEXT    NOT NULL,
    effective_to   TEXT,
    value          INTEGER NOT NULL,
    legal_basis    TEXT    NOT NULL,
    confidence     TEXT    NOT NULL CHECK (confidence IN ('V','S','U')),
    source         TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    UNIQUE (key, effective_from)
);
