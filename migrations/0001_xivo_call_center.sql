-- XiVO REST API 1.0: call-center agents and queues.
-- Lists are sorted by number (as text), so each table has an index on it.

CREATE TABLE xivo_agents (
    id                    INTEGER PRIMARY KEY,
    firstname             TEXT    NOT NULL DEFAULT '',
    lastname              TEXT    NOT NULL DEFAULT '',
    number                TEXT    NOT NULL,
    passwd                TEXT    NOT NULL DEFAULT '',
    context               TEXT    NOT NULL DEFAULT 'default',
    language              TEXT    NOT NULL DEFAULT '',
    numgroup              INTEGER NOT NULL DEFAULT 1,
    autologoff            INTEGER NOT NULL DEFAULT 0,
    "group"               TEXT,
    preprocess_subroutine TEXT,
    description           TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX xivo_agents_by_number ON xivo_agents (number, id);

CREATE TABLE xivo_queues (
    id                    INTEGER PRIMARY KEY,
    name                  TEXT    NOT NULL UNIQUE,
    displayname           TEXT    NOT NULL,
    number                TEXT    NOT NULL DEFAULT '',
    context               TEXT    NOT NULL DEFAULT 'default',
    data_quality          INTEGER NOT NULL DEFAULT 0,
    hitting_callee        INTEGER NOT NULL DEFAULT 0,
    hitting_caller        INTEGER NOT NULL DEFAULT 0,
    retries               INTEGER NOT NULL DEFAULT 0,
    ring                  INTEGER NOT NULL DEFAULT 0,
    transfer_user         INTEGER NOT NULL DEFAULT 0,
    transfer_call         INTEGER NOT NULL DEFAULT 0,
    write_caller          INTEGER NOT NULL DEFAULT 0,
    write_calling         INTEGER NOT NULL DEFAULT 0,
    url                   TEXT    NOT NULL DEFAULT '',
    announceoverride      TEXT    NOT NULL DEFAULT '',
    timeout               INTEGER NOT NULL DEFAULT 0,
    preprocess_subroutine TEXT,
    announce_holdtime     INTEGER NOT NULL DEFAULT 0,
    waittime              INTEGER NOT NULL DEFAULT 0,
    waitratio             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX xivo_queues_by_number ON xivo_queues (number, id);
