-- Demo data for the XiVO recording campaigns and recordings, over
-- demo/xivo.sql's agents and queues (this file is loaded after it: file-name
-- order). Campaign 1 is over; campaign 2 runs from a week before the load
-- to a year after it (dates relative to 'now', so that it is running
-- whenever the demo is loaded). Dates are UTC, 'YYYY-MM-DD HH:MM:SS'.
-- Applied after the migrations, never to a production database; loading it
-- again changes nothing (INSERT OR IGNORE).

INSERT OR IGNORE INTO xivo_recording_campaigns (id, campaign_name, activated, base_filename, queue_id, start_date, end_date) VALUES
    (1, 'winter-sales', 1, 'winter-sales-file-', 2, '2013-01-07 08:00:00', '2013-01-31 18:00:00'),
    (2, 'support-quality', 1, 'support-quality-file-', 3,
        strftime('%Y-%m-%d 00:00:00', 'now', '-7 days'),
        strftime('%Y-%m-%d 23:59:59', 'now', '+365 days'));

INSERT OR IGNORE INTO xivo_recordings (cid, campaign_id, agent_id, start_time, end_time, caller, callee, client_id, filename) VALUES
    ('1357545600.1', 1, 19, '2013-01-07 08:12:40', '2013-01-07 08:15:02', '0231156897', '3000', 'client-17', 'winter-sales-file-1357545600.1.wav'),
    ('1357549200.7', 1, 20, '2013-01-07 09:03:11', '2013-01-07 09:11:45', '0611111111', '3000', 'client-42', 'winter-sales-file-1357549200.7.wav'),
    ('1357632000.3', 1, 19, '2013-01-08 08:00:05', '2013-01-08 08:02:30', '0611111111', '3000', NULL,        'winter-sales-file-1357632000.3.wav'),
    ('demo-support-1', 2, 21,
        strftime('%Y-%m-%d 09:30:00', 'now', '-2 days'), strftime('%Y-%m-%d 09:34:12', 'now', '-2 days'),
        '0478000000', '1500', 'ticket-881', 'support-quality-file-demo-support-1.wav'),
    ('demo-support-2', 2, 22,
        strftime('%Y-%m-%d 14:05:00', 'now', '-1 days'), strftime('%Y-%m-%d 14:21:37', 'now', '-1 days'),
        '0231156897', '1500', 'ticket-902', 'support-quality-file-demo-support-2.wav');
