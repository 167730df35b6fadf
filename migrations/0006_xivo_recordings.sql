-- XiVO REST API 1.0: recording campaigns and their recordings.
--
-- Dates are text, 'YYYY-MM-DD HH:MM:SS' (UTC), so that text order is time
-- order and the checks below compare them as stored.

CREATE TABLE xivo_recording_campaigns (
    id            INTEGER PRIMARY KEY,
    -- Unique: the `duplicated_name` check and the name filter read this index.
    campaign_name TEXT    NOT NULL UNIQUE,
    activated     INTEGER NOT NULL DEFAULT 1,
    base_filename TEXT    NOT NULL DEFAULT '',
    -- NULL: a campaign without a queue (it records nothing, overlaps nothing).
    queue_id      INTEGER REFERENCES xivo_queues (id),
    start_date    TEXT    NOT NULL,
    end_date      TEXT    NOT NULL
);
-- The `concurrent_campaigns` check (same queue, end_date >= the new start,
-- start_date <= the new end) and the queue_id filter. Ending dates first:
-- campaigns are created for now or later, so the queue's past campaigns (the
-- many) are skipped and only its current and future ones are read.
CREATE INDEX xivo_recording_campaigns_by_queue
    ON xivo_recording_campaigns (queue_id, end_date, start_date);
-- `running=true` across all queues: the campaigns not over yet.
CREATE INDEX xivo_recording_campaigns_by_end
    ON xivo_recording_campaigns (end_date, start_date);

CREATE TABLE xivo_recordings (
    -- The caller's unique key (Asterisk's call id), unique across campaigns.
    cid         TEXT    PRIMARY KEY NOT NULL,
    campaign_id INTEGER NOT NULL REFERENCES xivo_recording_campaigns (id),
    agent_id    INTEGER NOT NULL REFERENCES xivo_agents (id),
    start_time  TEXT,
    end_time    TEXT,
    caller      TEXT,
    callee      TEXT,
    client_id   TEXT,
    filename    TEXT
);
-- A campaign's recordings in cid order (the list and its paging), and the
-- `campaign_not_empty` check.
CREATE INDEX xivo_recordings_by_campaign ON xivo_recordings (campaign_id, cid);
-- The search: by caller, or by the agent (whose number is the key).
CREATE INDEX xivo_recordings_by_caller ON xivo_recordings (campaign_id, caller);
CREATE INDEX xivo_recordings_by_agent ON xivo_recordings (campaign_id, agent_id);
