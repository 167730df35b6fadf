-- XiVO REST API 1.0: voicemails, and users with their line and voicemail.
-- Columns are named as the API's properties. A user's line is one column
-- (the API shows only its number); a voicemail belongs to one user at most,
-- and deleting it dissociates it (the user's deletion with ?deleteVoicemail
-- deletes the voicemail first, then the user, in one batch). Ids are never
-- reused (AUTOINCREMENT), so a Location once given never names another user.

CREATE TABLE xivo_voicemails (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    email           TEXT    NOT NULL DEFAULT '',
    fullname        TEXT    NOT NULL DEFAULT '',
    mailbox         TEXT    NOT NULL DEFAULT '',
    password        TEXT    NOT NULL DEFAULT '',
    attach          INTEGER NOT NULL DEFAULT 0 CHECK (attach IN (0, 1)),
    skipcheckpass   INTEGER NOT NULL DEFAULT 0 CHECK (skipcheckpass IN (0, 1)),
    deleteaftersend INTEGER NOT NULL DEFAULT 0 CHECK (deleteaftersend IN (0, 1))
);

CREATE TABLE xivo_users (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    firstname         TEXT    NOT NULL,
    lastname          TEXT    NOT NULL DEFAULT '',
    callerid          TEXT    NOT NULL DEFAULT '',
    username          TEXT    NOT NULL DEFAULT '',
    password          TEXT    NOT NULL DEFAULT '',
    enableclient      INTEGER NOT NULL DEFAULT 0 CHECK (enableclient IN (0, 1)),
    musiconhold       TEXT    NOT NULL DEFAULT 'default',
    outcallerid       TEXT    NOT NULL DEFAULT 'default',
    mobilephonenumber TEXT    NOT NULL DEFAULT '',
    userfield         TEXT    NOT NULL DEFAULT '',
    timezone          TEXT    NOT NULL DEFAULT '',
    language          TEXT    NOT NULL DEFAULT '',
    description       TEXT    NOT NULL DEFAULT '',
    email             TEXT    NOT NULL DEFAULT '',
    -- CTI profiles, agents and entities are referred to, not checked.
    ctiprofileid      INTEGER,
    voicemailid       INTEGER REFERENCES xivo_voicemails (id) ON DELETE SET NULL,
    agentid           INTEGER,
    entityid          INTEGER,
    -- The user's line, shown as {"number": line_number}; NULL: no line.
    line_number       TEXT
);
-- One user per voicemail (NULLs are distinct); also the index of the
-- voicemail's owner, for the rename and the checks.
CREATE UNIQUE INDEX xivo_users_by_voicemail ON xivo_users (voicemailid);
