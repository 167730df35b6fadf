-- Upcall API v1: accounts (an auth token each, kept as its SHA-256 only),
-- their campaigns, contact-list numbers, the numbers of each campaign, calls,
-- and credit. Every row belongs to one account; every query is scoped by it.
-- Datetimes are ISO 8601 in UTC with milliseconds ('2016-07-18T10:49:18.000Z'),
-- so text order is time order.

CREATE TABLE upcall_accounts (
    id             INTEGER PRIMARY KEY,
    -- Lower-case hex SHA-256 of the account's auth_token.
    token_hash     TEXT    NOT NULL UNIQUE,
    currency       TEXT    NOT NULL DEFAULT 'USD',
    credit_balance REAL    NOT NULL DEFAULT 0,
    created_at     TEXT    NOT NULL
);

CREATE TABLE upcall_campaigns (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES upcall_accounts (id),
    name           TEXT    NOT NULL,
    pitch          TEXT,
    language       TEXT,
    status         TEXT    NOT NULL CHECK (status IN ('pending', 'ready', 'paused', 'completed', 'archived')),
    instructions   TEXT,
    start_datetime TEXT,
    end_datetime   TEXT,
    from_number    TEXT,
    -- A JSON array, as later versions of the API show it.
    questions      TEXT    NOT NULL DEFAULT '[]',
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
-- The list, page by page in id order, and each filter within an account.
CREATE INDEX upcall_campaigns_by_account ON upcall_campaigns (account_id, id);
CREATE INDEX upcall_campaigns_by_name ON upcall_campaigns (account_id, name);
CREATE INDEX upcall_campaigns_by_language ON upcall_campaigns (account_id, language);
CREATE INDEX upcall_campaigns_by_status ON upcall_campaigns (account_id, status);
CREATE INDEX upcall_campaigns_by_start ON upcall_campaigns (account_id, start_datetime);
CREATE INDEX upcall_campaigns_by_created ON upcall_campaigns (account_id, created_at);
CREATE INDEX upcall_campaigns_by_updated ON upcall_campaigns (account_id, updated_at);

-- Contact-list entries (`numbers`). address_* are the address's fields.
CREATE TABLE upcall_numbers (
    id                  INTEGER PRIMARY KEY,
    account_id          INTEGER NOT NULL REFERENCES upcall_accounts (id),
    list_id             INTEGER,
    first_name          TEXT,
    last_name           TEXT,
    title               TEXT,
    company             TEXT,
    email               TEXT,
    status              TEXT    NOT NULL CHECK (status IN ('active', 'disabled')),
    phone               TEXT    NOT NULL,
    extension           TEXT,
    address_recipient   TEXT,
    address_line1       TEXT,
    address_line2       TEXT,
    address_city        TEXT,
    address_region      TEXT,
    address_postal_code TEXT,
    address_country     TEXT
);
CREATE INDEX upcall_numbers_by_account ON upcall_numbers (account_id, id);
CREATE INDEX upcall_numbers_by_status ON upcall_numbers (account_id, status);

-- A number inside a campaign (`campaign_numbers`): a copy of the contact's
-- fields at the time it was added, and the campaign's own status for it.
CREATE TABLE upcall_campaign_numbers (
    id                  INTEGER PRIMARY KEY,
    account_id          INTEGER NOT NULL REFERENCES upcall_accounts (id),
    campaign_id         INTEGER NOT NULL REFERENCES upcall_campaigns (id) ON DELETE CASCADE,
    list_contact_id     INTEGER REFERENCES upcall_numbers (id),
    status              TEXT    NOT NULL CHECK (status IN ('untried', 'incompleted', 'dnc', 'failed', 'completed', 'voicemail')),
    first_name          TEXT,
    last_name           TEXT,
    title               TEXT,
    company             TEXT,
    email               TEXT,
    phone               TEXT    NOT NULL,
    extension           TEXT,
    address_recipient   TEXT,
    address_line1       TEXT,
    address_line2       TEXT,
    address_city        TEXT,
    address_region      TEXT,
    address_postal_code TEXT,
    address_country     TEXT,
    UNIQUE (campaign_id, list_contact_id)
);
CREATE INDEX upcall_campaign_numbers_by_campaign ON upcall_campaign_numbers (campaign_id, id);

-- Calls. cost is kept as the API shows it, a decimal text ("0.37").
CREATE TABLE upcall_calls (
    id                 INTEGER PRIMARY KEY,
    account_id         INTEGER NOT NULL REFERENCES upcall_accounts (id),
    campaign_id        INTEGER REFERENCES upcall_campaigns (id) ON DELETE SET NULL,
    campaign_number_id INTEGER REFERENCES upcall_campaign_numbers (id) ON DELETE SET NULL,
    to_number_id       INTEGER,
    note               TEXT,
    status             TEXT    NOT NULL,
    duration           INTEGER NOT NULL DEFAULT 0,
    cost               TEXT    NOT NULL DEFAULT '0.0',
    "from"             TEXT,
    "to"               TEXT,
    transcript         TEXT,
    datetime_called    TEXT,
    cost_currency      TEXT,
    -- JSON: an array of URLs, and {id, name, profile_url}.
    recording_urls     TEXT    NOT NULL DEFAULT '[]',
    caller             TEXT
);
CREATE INDEX upcall_calls_by_account ON upcall_calls (account_id, id);
-- A campaign's calls, page by page; also what deleting a campaign or one of
-- its numbers looks up (the foreign keys set the calls' ids to NULL).
CREATE INDEX upcall_calls_by_campaign ON upcall_calls (campaign_id, id);
CREATE INDEX upcall_calls_by_campaign_number ON upcall_calls (campaign_number_id);
CREATE INDEX upcall_calls_by_status ON upcall_calls (account_id, status);
