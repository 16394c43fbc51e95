-- Community social-security models (mô hình an sinh cộng đồng), their members and funds,
-- outreach campaigns and door-to-door visits, and the day each inter-family group first reached
-- 100 % (issue 10). Fund entries are never rewritten: a correction is a reversing entry.

CREATE TABLE community_models (
    id              INTEGER PRIMARY KEY,
    province_code   TEXT    NOT NULL,
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    unit_path       TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('tree_pledge','savings','garden','full_group','sponsor','other')),
    name            TEXT    NOT NULL,
    organisation    TEXT    NOT NULL,
    launched_on     TEXT    NOT NULL,
    goal_members    INTEGER NOT NULL DEFAULT 0,
    goal_enrolments INTEGER NOT NULL DEFAULT 0,
    goal_rate       INTEGER NOT NULL DEFAULT 0,
    status          TEXT    NOT NULL CHECK (status IN ('active','paused','closed')),
    income_months   TEXT    NOT NULL DEFAULT '',
    income_note     TEXT    NOT NULL DEFAULT '',
    rules           TEXT    NOT NULL DEFAULT '',
    template_id     INTEGER REFERENCES community_models(id),
    created_by      TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX community_models_path ON community_models (unit_path);

-- The villages and groups a model covers (none: the whole commune).
CREATE TABLE model_places (
    model_id  INTEGER NOT NULL REFERENCES community_models(id),
    unit_id   INTEGER NOT NULL REFERENCES units(id),
    unit_path TEXT    NOT NULL,
    PRIMARY KEY (model_id, unit_id)
);

CREATE TABLE model_members (
    id            INTEGER PRIMARY KEY,
    model_id      INTEGER NOT NULL REFERENCES community_models(id),
    province_code TEXT    NOT NULL,
    unit_path     TEXT    NOT NULL,
    household_id  INTEGER REFERENCES households(id),
    person_id     INTEGER REFERENCES persons(id),
    joined_on     TEXT    NOT NULL,
    left_on       TEXT,
    leave_reason  TEXT    NOT NULL DEFAULT '',
    pledge_qty    INTEGER NOT NULL DEFAULT 0,
    pledge_unit   TEXT    NOT NULL DEFAULT '',
    pledge_value  INTEGER NOT NULL DEFAULT 0,
    pays_vsi      BOOLEAN NOT NULL,
    pays_hi       BOOLEAN NOT NULL,
    created_at    TEXT    NOT NULL,
    CHECK (household_id IS NOT NULL OR person_id IS NOT NULL)
);
CREATE INDEX model_members_model ON model_members (model_id);
CREATE INDEX model_members_person ON model_members (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX model_members_household ON model_members (household_id) WHERE household_id IS NOT NULL;

-- Sổ quỹ: amount > 0 comes in, < 0 goes out. member_id NULL is the common pool.
CREATE TABLE fund_entries (
    id            INTEGER PRIMARY KEY,
    model_id      INTEGER NOT NULL REFERENCES community_models(id),
    province_code TEXT    NOT NULL,
    unit_path     TEXT    NOT NULL,
    member_id     INTEGER REFERENCES model_members(id),
    kind          TEXT    NOT NULL CHECK (kind IN ('sale','savings','donation','other_income','contribution','reversal')),
    amount        INTEGER NOT NULL CHECK (amount <> 0),
    on_date       TEXT    NOT NULL,
    note          TEXT    NOT NULL DEFAULT '',
    receipt_id    INTEGER REFERENCES receipts(id),
    reverses_id   INTEGER REFERENCES fund_entries(id),
    actor         TEXT    NOT NULL,
    at            TEXT    NOT NULL
);
CREATE INDEX fund_entries_model ON fund_entries (model_id, id);
CREATE INDEX fund_entries_receipt ON fund_entries (receipt_id) WHERE receipt_id IS NOT NULL;
CREATE UNIQUE INDEX fund_entries_reversed_once ON fund_entries (reverses_id) WHERE reverses_id IS NOT NULL;

-- Derived: the balance of each pool (member_key 0 = common), written in the entry's transaction
-- by a conditional UPDATE; the CHECK is the last line against a negative balance.
CREATE TABLE fund_balances (
    model_id   INTEGER NOT NULL REFERENCES community_models(id),
    member_key INTEGER NOT NULL,
    balance    INTEGER NOT NULL CHECK (balance >= 0),
    PRIMARY KEY (model_id, member_key)
);

CREATE TABLE campaigns (
    id                INTEGER PRIMARY KEY,
    province_code     TEXT    NOT NULL,
    unit_path         TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    starts_on         TEXT    NOT NULL,
    ends_on           TEXT    NOT NULL,
    target_visits     INTEGER NOT NULL DEFAULT 0,
    target_enrolments INTEGER NOT NULL DEFAULT 0,
    teams             TEXT    NOT NULL DEFAULT '',
    note              TEXT    NOT NULL DEFAULT '',
    created_by        TEXT    NOT NULL,
    created_at        TEXT    NOT NULL
);
CREATE INDEX campaigns_path ON campaigns (unit_path);

CREATE TABLE campaign_units (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    unit_path   TEXT    NOT NULL,
    PRIMARY KEY (campaign_id, unit_id)
);

CREATE TABLE campaign_members (
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    organisation TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, user_id)
);

-- Một lần đến nhà. client_id is chosen by the phone, so a visit sent twice (offline, then
-- again when back online) is stored once.
CREATE TABLE visits (
    id            INTEGER PRIMARY KEY,
    client_id     TEXT    NOT NULL UNIQUE,
    province_code TEXT    NOT NULL,
    unit_path     TEXT    NOT NULL,
    campaign_id   INTEGER REFERENCES campaigns(id),
    model_id      INTEGER REFERENCES community_models(id),
    household_id  INTEGER REFERENCES households(id),
    person_id     INTEGER REFERENCES persons(id),
    visited_on    TEXT    NOT NULL,
    visitor_id    INTEGER NOT NULL REFERENCES users(id),
    visitor       TEXT    NOT NULL,
    outcome       TEXT    NOT NULL CHECK (outcome IN ('enrolled','will_enrol','undecided','refused','not_home','not_eligible')),
    reason        TEXT    NOT NULL DEFAULT '',
    note          TEXT    NOT NULL DEFAULT '',
    follow_up_on  TEXT,
    at            TEXT    NOT NULL
);
CREATE INDEX visits_person ON visits (person_id, visited_on);
CREATE INDEX visits_household ON visits (household_id, visited_on);
CREATE INDEX visits_campaign ON visits (campaign_id, visited_on);
CREATE INDEX visits_path ON visits (unit_path);

-- The day an inter-family group (or village) first had every working-age worker insured; kept
-- when the rate later drops (dropped_on says when it last did).
CREATE TABLE group_milestones (
    unit_id    INTEGER PRIMARY KEY REFERENCES units(id),
    unit_path  TEXT    NOT NULL,
    reached_on TEXT    NOT NULL,
    workers    INTEGER NOT NULL,
    dropped_on TEXT,
    at         TEXT    NOT NULL
);
