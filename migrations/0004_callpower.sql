-- Call Power: campaigns, targets, sessions (a caller's visit), calls (one per
-- target dialed), audio recordings and the campaigns that selected them, and
-- scheduled calls. Timestamps are naive UTC, 'YYYY-MM-DDTHH:MM:SS' (the
-- original's form), so text order is time order. JSON columns hold the lists
-- and objects the API shows as they are.

CREATE TABLE callpower_campaigns (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL,
    campaign_country TEXT    NOT NULL DEFAULT 'US',
    campaign_state   TEXT,
    campaign_type    TEXT    NOT NULL,
    campaign_subtype TEXT,
    target_ordering  TEXT    NOT NULL DEFAULT 'in-order',
    status           TEXT    NOT NULL DEFAULT 'paused',
    phone_numbers    TEXT    NOT NULL DEFAULT '[]',
    required_fields  TEXT    NOT NULL DEFAULT '{}',
    allow_call_in    INTEGER NOT NULL DEFAULT 0,
    call_maximum     INTEGER,
    embed            TEXT    NOT NULL DEFAULT '{}'
);

CREATE TABLE callpower_targets (
    id           INTEGER PRIMARY KEY,
    -- The political data's key ('S000101'): target_calls.json groups by it.
    uid          TEXT,
    name         TEXT    NOT NULL,
    title        TEXT,
    phone_number TEXT,
    district     TEXT
);

CREATE TABLE callpower_sessions (
    id            INTEGER PRIMARY KEY,
    campaign_id   INTEGER NOT NULL REFERENCES callpower_campaigns (id),
    timestamp     TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'initiated',
    -- Seconds the caller waited before the first call.
    queue_delay   REAL,
    referral_code TEXT
);
-- stats.json: the campaign's sessions, by status.
CREATE INDEX callpower_sessions_by_campaign ON callpower_sessions (campaign_id, status, queue_delay);

CREATE TABLE callpower_calls (
    id            INTEGER PRIMARY KEY,
    timestamp     TEXT    NOT NULL,
    campaign_id   INTEGER NOT NULL REFERENCES callpower_campaigns (id),
    target_id     INTEGER REFERENCES callpower_targets (id),
    session_id    INTEGER REFERENCES callpower_sessions (id),
    -- Twilio's call SID: the import is idempotent on it.
    call_id       TEXT    UNIQUE,
    status        TEXT    NOT NULL,
    duration      INTEGER,
    -- The session's referral code, copied when the call is written, so that
    -- count.json reads one index of one table.
    referral_code TEXT
);
-- date_calls.json and target_calls.json of one campaign, over a period.
CREATE INDEX callpower_calls_by_campaign_time ON callpower_calls (campaign_id, timestamp, status, target_id);
-- count.json and stats.json: completed calls, recent ones, by referral code.
CREATE INDEX callpower_calls_by_campaign_status ON callpower_calls (campaign_id, status, timestamp, referral_code);
-- stats.json: calls per session.
CREATE INDEX callpower_calls_by_campaign_session ON callpower_calls (campaign_id, session_id);
-- An imported session's calls, whose copy of its referral code is rewritten.
CREATE INDEX callpower_calls_by_session ON callpower_calls (session_id);
-- date_calls.json of every campaign.
CREATE INDEX callpower_calls_by_time ON callpower_calls (timestamp, status);
-- Searches on a target's calls.
CREATE INDEX callpower_calls_by_target ON callpower_calls (target_id);

CREATE TABLE callpower_audiorecordings (
    id             INTEGER PRIMARY KEY,
    key            TEXT    NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    description    TEXT,
    file_url       TEXT,
    text_to_speech TEXT,
    hidden         INTEGER NOT NULL DEFAULT 0
);

-- The recordings each campaign selected: its audio_msgs, one per key.
CREATE TABLE callpower_campaign_audio (
    campaign_id  INTEGER NOT NULL REFERENCES callpower_campaigns (id),
    recording_id INTEGER NOT NULL REFERENCES callpower_audiorecordings (id),
    PRIMARY KEY (campaign_id, recording_id)
) WITHOUT ROWID;
CREATE INDEX callpower_campaign_audio_by_recording ON callpower_campaign_audio (recording_id, campaign_id);

CREATE TABLE callpower_schedules (
    id           INTEGER PRIMARY KEY,
    created_at   TEXT    NOT NULL,
    campaign_id  INTEGER NOT NULL REFERENCES callpower_campaigns (id),
    user_phone   TEXT    NOT NULL,
    time_to_call TEXT,
    last_called  TEXT,
    num_calls    INTEGER NOT NULL DEFAULT 0,
    subscribed   INTEGER NOT NULL DEFAULT 1
);
