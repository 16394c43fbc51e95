-- Imports run as background jobs (issue 12, item 2): the upload is kept on disk, the job's
-- state here. The row is also the import's ledger: `written_rows` is the file row through
-- which the write is committed, updated in the same transaction as each chunk it writes, so a
-- job interrupted by a restart resumes after it (rows already written are unchanged on the
-- re-run, as a re-import changes nothing).
CREATE TABLE import_jobs (
    id                 INTEGER PRIMARY KEY,
    kind               TEXT    NOT NULL,
    user_id            INTEGER NULL,
    username           TEXT    NOT NULL,
    filename           TEXT    NOT NULL,
    mode               TEXT    NOT NULL,
    state              TEXT    NOT NULL,
    stage              TEXT    NOT NULL DEFAULT '',
    done_rows          INTEGER NOT NULL DEFAULT 0,
    total_rows         INTEGER NOT NULL DEFAULT 0,
    written_rows       INTEGER NOT NULL DEFAULT 0,
    created            INTEGER NOT NULL DEFAULT 0,
    updated            INTEGER NOT NULL DEFAULT 0,
    unchanged          INTEGER NOT NULL DEFAULT 0,
    households_created INTEGER NOT NULL DEFAULT 0,
    report             TEXT    NULL,
    error_vi           TEXT    NULL,
    error_en           TEXT    NULL,
    runner             TEXT    NULL,
    heartbeat_at       TEXT    NULL,
    attempts           INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT    NOT NULL,
    started_at         TEXT    NULL,
    finished_at        TEXT    NULL
);
CREATE INDEX import_jobs_state ON import_jobs (state, id);
CREATE INDEX import_jobs_user ON import_jobs (user_id, id);
