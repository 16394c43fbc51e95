-- Nộp tiền: a collector's day closes into a remittance batch; the SI office confirms receipt of
-- the money or flags a difference. Receipts point at the batch that remitted them.
CREATE TABLE remittances (
    id            INTEGER PRIMARY KEY,
    province_code TEXT    NOT NULL,
    unit_path     TEXT    NOT NULL,
    collector_id  INTEGER NOT NULL REFERENCES users(id),
    collector     TEXT    NOT NULL,
    day           TEXT    NOT NULL,
    receipts      INTEGER NOT NULL,
    total         INTEGER NOT NULL,
    totals_json   TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('submitted','confirmed','flagged')),
    submitted_at  TEXT    NOT NULL,
    received      INTEGER,
    reviewed_by   TEXT    NOT NULL DEFAULT '',
    reviewed_at   TEXT,
    note          TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX remittances_collector ON remittances (collector_id, day);
CREATE INDEX remittances_path ON remittances (unit_path, status);
ALTER TABLE receipts ADD COLUMN remittance_id INTEGER REFERENCES remittances(id);
CREATE INDEX receipts_remittance ON receipts (remittance_id);
