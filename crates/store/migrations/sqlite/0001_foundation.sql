-- Foundation: administrative units, users, sessions, API tokens, audit (SQLite).
-- Dates are ISO text (sqlx chrono encoding); ids are INTEGER PRIMARY KEY (rowid).

CREATE TABLE units (
    id            INTEGER PRIMARY KEY,
    code          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    name_key      TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    level         TEXT    NOT NULL CHECK (level IN ('country','province','district','commune','village','group')),
    parent_id     INTEGER REFERENCES units(id),
    path          TEXT    NOT NULL,
    province_code TEXT    NOT NULL,
    valid_from    TEXT,
    valid_to      TEXT,
    local_seq     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX units_parent ON units (parent_id);
CREATE INDEX units_code ON units (code);
CREATE INDEX units_path ON units (path);
CREATE INDEX units_name_key ON units (name_key);

CREATE TABLE unit_successors (
    old_id INTEGER NOT NULL REFERENCES units(id),
    new_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (old_id, new_id)
);
CREATE INDEX unit_successors_new ON unit_successors (new_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TEXT    NOT NULL
);

CREATE TABLE user_grants (
    user_id INTEGER NOT NULL REFERENCES users(id),
    role    TEXT    NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (user_id, role, unit_id)
);
CREATE INDEX user_grants_unit ON user_grants (unit_id);

CREATE TABLE sessions (
    id_hash    TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    label        TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    prefix       TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Append-only: no UPDATE or DELETE is ever issued on this table; triggers make sure.
CREATE TABLE audit (
    id            INTEGER PRIMARY KEY,
    province_code TEXT    NOT NULL,
    unit_path     TEXT    NOT NULL,
    actor_id      INTEGER,
    actor         TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    entity        TEXT    NOT NULL,
    entity_id     TEXT    NOT NULL,
    before_json   TEXT,
    after_json    TEXT,
    at            TEXT    NOT NULL
);
CREATE INDEX audit_path ON audit (unit_path, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
