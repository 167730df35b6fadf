-- Call Power demo data: five campaigns, one of each campaign_type and every
-- status (1 congress/both live, 2 executive/exec live, 3 state/upper CA
-- paused, 4 local archived, 5 custom paused); eleven targets (senators,
-- representatives, a president, state senators, council members, a CEO and
-- a front desk without uid); audio recordings of the keys msg_intro,
-- msg_target_intro and msg_closing in several versions, some hidden, and the
-- campaigns' selections (at most one per key); three scheduled calls; and,
-- generated below, 1,400 sessions and about 3,000 calls over the last 60 days
-- before the load (a session every ~62 minutes, the newest ~30 minutes old,
-- so count.json's last_24h and last_week are not 0). Campaign 1 has about
-- half of them. Every call status occurs (completed most often); a call's
-- referral_code is its session's (fb, tw, mail or none), as the import
-- writes it. Times are naive UTC 'YYYY-MM-DDTHH:MM:SS', relative to the
-- load, and nothing is random: loading the file again changes nothing
-- (INSERT OR IGNORE, fixed ids).

INSERT OR IGNORE INTO callpower_campaigns (id, name, campaign_country, campaign_state, campaign_type, campaign_subtype, target_ordering, status, phone_numbers, required_fields, allow_call_in, call_maximum, embed) VALUES
  (1, 'Save net neutrality: call Congress', 'US', NULL, 'congress', 'both', 'upper-first', 'live', '["+12025550142","+14155550142"]', '{"userCountry":"US","userLocation":"postal"}', 1, NULL, '{}'),
  (2, 'Tell the President: clean air now', 'US', NULL, 'executive', 'exec', 'in-order', 'live', '["+12025550177"]', '{"userCountry":"US","userLocation":"postal"}', 0, 1, '{}'),
  (3, 'California SB 100: call your state senator', 'US', 'CA', 'state', 'upper', 'shuffle', 'paused', '["+19165550123"]', '{"userCountry":"US","userLocation":"latlon"}', 0, NULL, '{}'),
  (4, 'Oakland bike lanes: call the council', 'US', NULL, 'local', NULL, 'in-order', 'archived', '["+15105550188"]', '{"userCountry":"US","userLocation":"postal"}', 0, NULL, '{}'),
  (5, 'Ask Acme''s CEO to drop the merger', 'US', NULL, 'custom', NULL, 'in-order', 'paused', '["+16505550111","+16505550112"]', '{"userCountry":"US","userLocation":"postal"}', 1, 2, '{}');

INSERT OR IGNORE INTO callpower_targets (id, uid, title, name, phone_number, district) VALUES
  (1, 'P000001', 'President', 'Alex Morgan', '+12024561111', NULL),
  (2, 'S000101', 'Senator', 'Maria Alvarez', '+12022243553', 'CA'),
  (3, 'S000102', 'Senator', 'Thomas Reed', '+12022243841', 'CA'),
  (4, 'R000201', 'Representative', 'Nancy Park', '+12022254965', 'CA-12'),
  (5, 'R000202', 'Representative', 'Kevin Liu', '+12022252661', 'CA-13'),
  (6, 'CA-SD-09', 'State Senator', 'Robin Hayes', '+19166514009', 'SD-09'),
  (7, 'CA-SD-11', 'State Senator', 'Daniel Cho', '+19166514011', 'SD-11'),
  (8, 'OAK-CC-1', 'Councilmember', 'Priya Shah', '+15102386001', 'District 1'),
  (9, 'OAK-CC-3', 'Councilmember', 'Marcus Bell', '+15102387003', 'District 3'),
  (10, 'ACME-CEO', 'CEO', 'Jordan Blake', '+16505550199', NULL),
  (11, NULL, NULL, 'Acme front desk', '+16505550100', NULL);

INSERT OR IGNORE INTO callpower_audiorecordings (id, key, version, description, file_url, text_to_speech, hidden) VALUES
  (1, 'msg_intro', 1, 'First intro, replaced', NULL, 'Thank you for calling. Please hold.', 1),
  (2, 'msg_intro', 2, 'Intro', NULL, 'Thank you for taking action. We will connect you to your representatives now.', 0),
  (3, 'msg_intro', 3, 'Intro, California', 'https://example.org/audio/intro-ca.mp3', NULL, 0),
  (4, 'msg_target_intro', 1, 'Before each office', NULL, 'You will now be connected to {{title}} {{name}}.', 0),
  (5, 'msg_target_intro', 2, 'Recorded by a volunteer, too quiet', 'https://example.org/audio/target-intro-2.mp3', NULL, 1),
  (6, 'msg_closing', 1, 'Closing', NULL, 'Thank you for calling. Please share this campaign with your friends.', 0),
  (7, 'msg_closing', 2, 'Closing with a text-message opt-in', 'https://example.org/audio/closing-2.mp3', 'Thank you. Press 1 to get a text when we need you again.', 0);

INSERT OR IGNORE INTO callpower_campaign_audio (campaign_id, recording_id) VALUES
  (1, 2), (1, 4), (1, 7),
  (2, 2), (2, 4), (2, 6),
  (3, 3), (3, 4), (3, 7),
  (4, 2), (4, 6);

INSERT OR IGNORE INTO callpower_schedules (id, created_at, campaign_id, user_phone, time_to_call, last_called, num_calls, subscribed) VALUES
  (1, strftime('%Y-%m-%dT%H:%M:%S', 'now', '-20 days'), 1, '+14155550161', '09:00', strftime('%Y-%m-%dT%H:%M:%S', 'now', '-1 days'), 12, 1),
  (2, strftime('%Y-%m-%dT%H:%M:%S', 'now', '-9 days'), 1, '+15105550162', '18:30', NULL, 0, 1),
  (3, strftime('%Y-%m-%dT%H:%M:%S', 'now', '-40 days'), 2, '+12065550163', '12:15', strftime('%Y-%m-%dT%H:%M:%S', 'now', '-31 days'), 5, 0);

-- Sessions 1 to 1,400, in time order, about 3,700 s apart (minus a jitter):
-- campaign by id % 20 (0-9: 1, 10-13: 2, 14-16: 3, 17-18: 4, 19: 5); one in
-- seven only 'initiated' (the caller hung up after the first call).
INSERT OR IGNORE INTO callpower_sessions (id, campaign_id, timestamp, status, queue_delay, referral_code)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1400)
SELECT i,
       CASE WHEN i % 20 < 10 THEN 1 WHEN i % 20 < 14 THEN 2 WHEN i % 20 < 17 THEN 3
            WHEN i % 20 < 19 THEN 4 ELSE 5 END,
       strftime('%Y-%m-%dT%H:%M:%S', 'now', printf('-%d seconds', (1401 - i) * 3700 - (i * 7919) % 2000)),
       CASE WHEN i % 7 = 0 THEN 'initiated' ELSE 'completed' END,
       ((i * 37) % 120) / 4.0,
       CASE i % 6 WHEN 0 THEN 'fb' WHEN 1 THEN 'tw' WHEN 2 THEN 'mail' WHEN 3 THEN 'fb' END
FROM n;

-- Calls: one per target of the session's campaign, in order (an initiated
-- session has its first only), 95 s apart after the queue delay. Campaign
-- 1's callers call both senators and one of two representatives. Status by
-- a fixed hash of session and position, out of 40: 24 completed, 5
-- no-answer, 3 busy, 2 failed, 2 canceled, 1 each queued, ringing,
-- in-progress and unknown; durations 0 but for completed calls (those still
-- under way have none yet). call_id: 'CA' and 32 lowercase hex digits, four
-- bijections of the call's id modulo 2^32 (unique).
INSERT OR IGNORE INTO callpower_calls (id, timestamp, campaign_id, target_id, session_id, call_id, status, duration, referral_code)
WITH targets (campaign_id, position, target_id, parity) AS (
  VALUES (1, 1, 2, NULL), (1, 2, 3, NULL), (1, 3, 4, 0), (1, 3, 5, 1),
         (2, 1, 1, NULL),
         (3, 1, 6, 0), (3, 1, 7, 1), (3, 2, 7, 0), (3, 2, 6, 1),
         (4, 1, 8, NULL), (4, 2, 9, NULL),
         (5, 1, 10, NULL), (5, 2, 11, NULL)
),
dialed AS (
  SELECT row_number() OVER (ORDER BY s.id, t.position) AS id, s.id AS session_id,
         s.campaign_id, t.target_id, t.position, s.timestamp, s.queue_delay, s.referral_code,
         (s.id * 37 + (s.id / 20) * 11 + t.position * 7) % 40 AS h
  FROM callpower_sessions AS s
  JOIN targets AS t ON t.campaign_id = s.campaign_id
   AND (t.parity IS NULL OR t.parity = s.id % 2)
   AND (s.status = 'completed' OR t.position = 1)
  WHERE s.id BETWEEN 1 AND 1400
),
statused AS (
  SELECT *, CASE WHEN h < 24 THEN 'completed' WHEN h < 29 THEN 'no-answer' WHEN h < 32 THEN 'busy'
                 WHEN h < 34 THEN 'failed' WHEN h < 36 THEN 'canceled' WHEN h = 36 THEN 'queued'
                 WHEN h = 37 THEN 'ringing' WHEN h = 38 THEN 'in-progress' ELSE 'unknown' END AS status
  FROM dialed
)
SELECT id,
       strftime('%Y-%m-%dT%H:%M:%S', timestamp,
                printf('+%d seconds', CAST(queue_delay AS INTEGER) + (position - 1) * 95)),
       campaign_id, target_id, session_id,
       printf('CA%08x%08x%08x%08x', (id * 2654435761) % 4294967296,
              (id * 2246822519 + 3266489917) % 4294967296,
              (id * 3266489917 + 668265263) % 4294967296,
              (id * 374761393 + 2654435761) % 4294967296),
       status,
       CASE status WHEN 'completed' THEN 25 + (id * 7919) % 575
                   WHEN 'queued' THEN NULL WHEN 'ringing' THEN NULL WHEN 'in-progress' THEN NULL
                   ELSE 0 END,
       referral_code
FROM statused;
