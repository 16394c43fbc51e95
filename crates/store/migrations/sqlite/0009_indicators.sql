-- Coverage indicators against targets (issue 11).
--
-- Live coverage is kept as month-keyed deltas: each person contributes spans of months to
-- series (population, working age, compulsory/voluntary SI, UI, HI, …), and each span adds +1
-- at its first month and -1 after its last to the person's unit and every unit above it. A
-- series' value in month M for a unit is the sum of its deltas up to M. The unit of work
-- recomputes the spans of every person a change touched and applies the difference in the
-- same transaction; `ansinh indicators rebuild --verify` recomputes them all from the records.
-- Months are integers YYYYMM.

-- What each person contributes now (the rebuild's unit of comparison). Derived and rebuilt
-- whole, so no foreign keys: a rebuild writes millions of rows and the checks dominated it.
CREATE TABLE coverage_spans (
    person_id  INTEGER NOT NULL,
    series     TEXT    NOT NULL,
    from_month INTEGER NOT NULL,
    to_month   INTEGER,
    unit_id    INTEGER NOT NULL,
    PRIMARY KEY (person_id, series, from_month)
);

-- Deltas per unit (the person's unit and each ancestor, the root included) × series × month.
CREATE TABLE coverage_deltas (
    unit_id   INTEGER NOT NULL,
    series    TEXT    NOT NULL,
    month     INTEGER NOT NULL,
    delta     INTEGER NOT NULL,
    PRIMARY KEY (unit_id, series, month)
);

-- Official denominators (labour force of working age, population) per unit and year, with
-- their source. Never rewritten: a new figure supersedes the old one.
CREATE TABLE indicator_denominators (
    id            INTEGER PRIMARY KEY,
    province_code TEXT    NOT NULL,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    unit_path     TEXT    NOT NULL,
    year          INTEGER NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('labour_force','population')),
    value         INTEGER NOT NULL CHECK (value > 0),
    source        TEXT    NOT NULL,
    entered_by    TEXT    NOT NULL,
    entered_at    TEXT    NOT NULL,
    superseded_at TEXT
);
CREATE UNIQUE INDEX indicator_denominators_current ON indicator_denominators (unit_id, year, kind) WHERE superseded_at IS NULL;
CREATE INDEX indicator_denominators_path ON indicator_denominators (unit_path, year);

-- Targets per unit × year × indicator (a rate in basis points: 3150 = 31.50 %), with the
-- resolution that set them. Never rewritten: a new target supersedes the old one.
CREATE TABLE indicator_targets (
    id            INTEGER PRIMARY KEY,
    province_code TEXT    NOT NULL,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    unit_path     TEXT    NOT NULL,
    year          INTEGER NOT NULL,
    indicator     TEXT    NOT NULL,
    rate_bp       INTEGER NOT NULL CHECK (rate_bp >= 0 AND rate_bp <= 10000),
    resolution    TEXT    NOT NULL,
    note          TEXT    NOT NULL DEFAULT '',
    entered_by    TEXT    NOT NULL,
    entered_at    TEXT    NOT NULL,
    superseded_at TEXT
);
CREATE UNIQUE INDEX indicator_targets_current ON indicator_targets (unit_id, year, indicator) WHERE superseded_at IS NULL;
CREATE INDEX indicator_targets_path ON indicator_targets (unit_path, year);

-- A month's indicators of a province frozen for history (every unit's numerators,
-- denominators and targets as JSON), so a past report is reproduced exactly.
CREATE TABLE indicator_snapshots (
    id            INTEGER PRIMARY KEY,
    province_code TEXT    NOT NULL,
    unit_path     TEXT    NOT NULL,
    month         INTEGER NOT NULL,
    body          TEXT    NOT NULL,
    taken_by      TEXT    NOT NULL,
    taken_at      TEXT    NOT NULL,
    UNIQUE (province_code, month)
);

-- Bumped by every commit that changes what the indicators show (coverage, targets,
-- denominators, places): a dashboard computed at version v stays right while the version is v,
-- so readers may keep it (the version is read before the dashboard is computed).
CREATE TABLE indicator_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO indicator_version (id, version) VALUES (1, 0);
