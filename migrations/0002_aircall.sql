-- Aircall phone test API: calls, their notes, registered users, and the ids of
-- refresh tokens already used (each refresh token works once).

-- created_at is ISO 8601 in UTC with milliseconds ('2024-05-01T09:30:00.000Z'),
-- so text order is time order. is_archived is 0 or 1.
CREATE TABLE aircall_calls (
    id          TEXT    PRIMARY KEY,
    direction   TEXT    NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    "from"      TEXT    NOT NULL,
    "to"        TEXT    NOT NULL,
    duration    INTEGER NOT NULL,
    is_archived INTEGER NOT NULL DEFAULT 0 CHECK (is_archived IN (0, 1)),
    call_type   TEXT    NOT NULL CHECK (call_type IN ('missed', 'answered', 'voicemail')),
    via         TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);
-- GET /calls: newest first, paged.
CREATE INDEX aircall_calls_by_created_at ON aircall_calls (created_at, id);

-- A note is a row: notes added at the same moment are all kept. seq orders
-- them: the newest note has the highest seq (notes are never deleted).
CREATE TABLE aircall_notes (
    seq        INTEGER PRIMARY KEY,
    id         TEXT    NOT NULL UNIQUE,
    call_id    TEXT    NOT NULL REFERENCES aircall_calls (id),
    content    TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
-- The notes of a call, newest first.
CREATE INDEX aircall_notes_by_call ON aircall_notes (call_id, seq);

-- Users for AIRCALL_LOGIN=registered (see docs/aircall.md for adding one).
-- password_hash: 'pbkdf2-sha256$<iterations>$<salt>$<hash>'.
CREATE TABLE aircall_users (
    username      TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL
);

-- The ids (jti) of refresh tokens already exchanged. A refresh is allowed only
-- when its INSERT adds the row (the primary key refuses a second one); rows
-- are dropped once their token has expired.
CREATE TABLE aircall_spent_refresh_tokens (
    jti        TEXT    PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE INDEX aircall_spent_refresh_tokens_by_expiry ON aircall_spent_refresh_tokens (expires_at);
