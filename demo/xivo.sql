-- Demo data for the XiVO API: the document's examples (agents 19 and 20,
-- queues 1 and 2) and a few more. Numbers are chosen so that sorting them as
-- text (the original's order) differs from sorting them as numbers.
-- Applied after the migrations, never to a production database; loading it
-- again changes nothing (INSERT OR IGNORE).

INSERT OR IGNORE INTO xivo_agents (id, firstname, lastname, number, passwd, context, language, numgroup, autologoff, "group", preprocess_subroutine, description) VALUES
    (19, 'Chuck',  'N',       '2123', '',     'default', '',      1, 0, NULL,      NULL,        ''),
    (20, 'Ada',    'Lovelace','2124', '',     'default', 'en_US', 1, 0, NULL,      NULL,        'Support, first line'),
    (21, 'Grace',  'Hopper',  '1001', '4321', 'default', 'en_US', 2, 60, 'support', 'agent-sub', 'Team lead'),
    (22, 'Alan',   'Turing',  '900',  '',     'default', 'fr_FR', 1, 0, NULL,      NULL,        ''),
    (23, 'Edsger', 'Dijkstra','10',   '',     'sales',   'fr_FR', 3, 0, 'sales',   NULL,        'Night shift');

INSERT OR IGNORE INTO xivo_queues (id, name, displayname, number, context, data_quality, hitting_callee, hitting_caller, retries, ring, transfer_user, transfer_call, write_caller, write_calling, url, announceoverride, timeout, preprocess_subroutine, announce_holdtime, waittime, waitratio) VALUES
    (1, 'my_queue',   'My queue',   '2000', 'default', 0, 0, 0, 0, 0, 0, 0, 0, 0, '', '', 0,  'test-subroutine', 0, 0, 0),
    (2, 'your_queue', 'Your queue', '3000', 'default', 1, 1, 1, 5, 0, 1, 1, 0, 0, 'http://intranet/queue', '', 30, NULL, 1, 20, 0),
    (3, 'support',    'Support',    '1500', 'default', 0, 0, 0, 2, 1, 0, 0, 1, 1, '', 'support-welcome', 15, NULL, 0, 0, 0),
    (4, 'overflow',   'Overflow',   '999',  'sales',   0, 0, 0, 0, 0, 0, 0, 0, 0, '', '', 0,  NULL, 0, 0, 0);
