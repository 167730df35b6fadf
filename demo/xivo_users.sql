-- Demo data for the XiVO users and voicemails: the document's examples (users
-- 1 John Doe with line 44500 and 2 Alice Houet, voicemails 1 and 2, user 67
-- and voicemail 37 of the PUT examples, voicemail 17 attached to nobody) and
-- users with neither a line nor a voicemail, or a line only. Applied after
-- the migrations, never to a production database; loading it again changes
-- nothing (INSERT OR IGNORE).

INSERT OR IGNORE INTO xivo_voicemails (id, email, fullname, mailbox, password, attach, skipcheckpass, deleteaftersend) VALUES
    (1,  'foo@bar.com',             'John Doe',        '123',  '123',  1, 0, 0),
    (2,  'xivo@avencall.com',       'Alice Houet',     '456',  '456',  0, 0, 0),
    (17, '',                        'Standby mailbox', '1017', '1017', 1, 0, 0),
    (37, 'jean.dupond@example.com', 'Jean Dupond',     '1037', '1037', 1, 0, 1);

INSERT OR IGNORE INTO xivo_users (id, firstname, lastname, callerid, username, password, enableclient, musiconhold, outcallerid, mobilephonenumber, userfield, timezone, language, description, email, ctiprofileid, voicemailid, agentid, entityid, line_number) VALUES
    (1,  'John',  'Doe',    'John Doe',    '1234',    '1234', 1, 'my_music', '1234',    '0611111111', '',       'Europe/Paris',    'fr_FR', 'une description', 'john.doe@bar.com',        1,    1,    19,   1, '44500'),
    (2,  'Alice', 'Houet',  'Alice Houet', '',        '',     0, 'default',  'default', '',           '',       'Europe/Paris',    'fr_FR', '',                'alice.houet@example.com', NULL, 2,    NULL, 1, NULL),
    (3,  'Grace', 'Hopper', 'Grace Hopper','ghopper', '4321', 1, 'default',  'default', '0622222222', 'team-a', 'America/New_York','en_US', 'Team lead',       'grace@example.com',       2,    NULL, 21,   1, '44503'),
    (4,  'Alan',  'Turing', 'Alan Turing', '',        '',     0, 'default',  'default', '',           '',       'Europe/London',   'en_US', '',                '',                        NULL, NULL, NULL, 1, NULL),
    (67, 'Jean',  'Dupond', 'Jean Dupond', 'jdupond', '6767', 1, 'default',  'default', '',           '',       'Europe/Paris',    'fr_FR', '',                'jean.dupond@example.com', 1,    37,   NULL, 1, '44567');
