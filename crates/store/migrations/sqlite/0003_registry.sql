-- Population registry: households, persons, moves, poverty status, dismissed duplicates.
-- Large tables carry province_code; scope filters use the denormalised unit_path.

CREATE TABLE households (
    id                   INTEGER PRIMARY KEY,
    province_code        TEXT    NOT NULL,
    code                 TEXT    NOT NULL,
    commune_id           INTEGER NOT NULL REFERENCES units(id),
    unit_id              INTEGER NOT NULL REFERENCES units(id),
    unit_path            TEXT    NOT NULL,
    head_person_id       INTEGER,
    ethnic_minority_area BOOLEAN NOT NULL DEFAULT FALSE,
    island               BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL,
    UNIQUE (commune_id, code)
);
CREATE INDEX households_path ON households (unit_path);

CREATE TABLE household_poverty (
    household_id  INTEGER NOT NULL REFERENCES households(id),
    province_code TEXT    NOT NULL,
    year          INTEGER NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('poor','near_poor','none')),
    decision      TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (household_id, year)
);

CREATE TABLE persons (
    id              INTEGER PRIMARY KEY,
    province_code   TEXT    NOT NULL,
    cccd            TEXT    NOT NULL UNIQUE,
    old_si_number   TEXT,
    full_name       TEXT    NOT NULL,
    name_key        TEXT    NOT NULL,
    given_key       TEXT    NOT NULL,
    sort_key        BLOB    NOT NULL,
    birth_date      TEXT    NOT NULL,
    birth_year_only BOOLEAN NOT NULL,
    sex             TEXT    NOT NULL CHECK (sex IN ('male','female')),
    ethnicity       TEXT    NOT NULL,
    phone           TEXT,
    occupation      TEXT    NOT NULL,
    household_id    INTEGER REFERENCES households(id),
    relation        TEXT,
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    unit_path       TEXT    NOT NULL,
    commune_id      INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX persons_name ON persons (name_key);
CREATE INDEX persons_sort ON persons (sort_key);
CREATE INDEX persons_path ON persons (unit_path);
CREATE INDEX persons_household ON persons (household_id);
CREATE INDEX persons_phone ON persons (phone);
CREATE INDEX persons_commune_name ON persons (commune_id, name_key);
CREATE INDEX persons_commune_sort ON persons (commune_id, sort_key);

-- History of moves between households and places (never rewritten).
CREATE TABLE person_moves (
    id                INTEGER PRIMARY KEY,
    province_code     TEXT    NOT NULL,
    person_id         INTEGER NOT NULL REFERENCES persons(id),
    from_household_id INTEGER,
    to_household_id   INTEGER,
    from_unit_id      INTEGER NOT NULL,
    to_unit_id        INTEGER NOT NULL,
    moved_on          TEXT    NOT NULL,
    reason            TEXT    NOT NULL DEFAULT '',
    actor             TEXT    NOT NULL,
    at                TEXT    NOT NULL
);
CREATE INDEX person_moves_person ON person_moves (person_id, id);

-- Pairs a person looked at and judged not to be the same (probable-duplicate list).
CREATE TABLE duplicate_dismissals (
    person_a INTEGER NOT NULL,
    person_b INTEGER NOT NULL,
    actor    TEXT    NOT NULL,
    at       TEXT    NOT NULL,
    PRIMARY KEY (person_a, person_b)
);
