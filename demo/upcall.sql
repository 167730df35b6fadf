-- Upcall demo data: two accounts, so that isolation can be seen. Their
-- tokens (kept here as SHA-256 only) are printed by scripts/dev:
--   account 1: upcall-demo-token-account-1 (USD)
--   account 2: upcall-demo-token-account-2 (EUR)
-- Account 1 has 12 campaigns, two or three in each status, in three languages;
-- account 2 has 3. INSERT OR IGNORE: loading it again changes nothing.

INSERT OR IGNORE INTO upcall_accounts (id, token_hash, currency, credit_balance, created_at) VALUES
  (1, 'cd9cea1281ce8468fc4abdc390ed25242d17b25f3e12e988821f317ac4e06964', 'USD', 20, '2016-07-01T09:00:00.000Z'),
  (2, '552c17b6d852a981b16e1aa873f5c7e0e1d99d74c721478f43ea09b6d21113b5', 'EUR', 5, '2016-07-01T09:00:00.000Z');

INSERT OR IGNORE INTO upcall_campaigns (id, account_id, name, pitch, language, status, instructions, start_datetime, end_datetime, from_number, created_at, updated_at) VALUES
  (101, 1, 'Spring survey', 'Be friendly', 'en', 'pending', 'Call people and ask about product satisfaction', '2016-08-01T08:00:00.000Z', '2016-08-08T18:00:00.000Z', '+16501231234', '2016-07-01T09:00:00.000Z', '2016-07-11T15:30:00.000Z'),
  (102, 1, 'Renewals', 'Be friendly', 'fr', 'ready', 'Call people and ask about product satisfaction', '2016-08-02T08:00:00.000Z', '2016-08-09T18:00:00.000Z', '+16501231234', '2016-07-02T09:00:00.000Z', '2016-07-12T15:30:00.000Z'),
  (103, 1, 'Product feedback', 'Be friendly', 'es', 'paused', 'Call people and ask about product satisfaction', '2016-08-03T08:00:00.000Z', '2016-08-10T18:00:00.000Z', '+16501231234', '2016-07-03T09:00:00.000Z', '2016-07-13T15:30:00.000Z'),
  (104, 1, 'Event invitations', 'Be friendly', 'en', 'completed', 'Call people and ask about product satisfaction', '2016-08-04T08:00:00.000Z', '2016-08-11T18:00:00.000Z', '+16501231234', '2016-07-04T09:00:00.000Z', '2016-07-14T15:30:00.000Z'),
  (105, 1, 'Lead qualification', 'Be friendly', 'fr', 'archived', 'Call people and ask about product satisfaction', '2016-08-05T08:00:00.000Z', '2016-08-12T18:00:00.000Z', '+16501231234', '2016-07-05T09:00:00.000Z', '2016-07-15T15:30:00.000Z'),
  (106, 1, 'Win-back', 'Be friendly', 'es', 'pending', 'Call people and ask about product satisfaction', '2016-08-06T08:00:00.000Z', '2016-08-13T18:00:00.000Z', '+16501231234', '2016-07-06T09:00:00.000Z', '2016-07-16T15:30:00.000Z'),
  (107, 1, 'Onboarding calls', 'Be friendly', 'en', 'ready', 'Call people and ask about product satisfaction', '2016-08-07T08:00:00.000Z', '2016-08-14T18:00:00.000Z', '+16501231234', '2016-07-07T09:00:00.000Z', '2016-07-17T15:30:00.000Z'),
  (108, 1, 'Satisfaction check', 'Be friendly', 'fr', 'paused', 'Call people and ask about product satisfaction', '2016-08-08T08:00:00.000Z', '2016-08-15T18:00:00.000Z', '+16501231234', '2016-07-08T09:00:00.000Z', '2016-07-18T15:30:00.000Z'),
  (109, 1, 'Webinar follow-up', 'Be friendly', 'es', 'completed', 'Call people and ask about product satisfaction', '2016-08-09T08:00:00.000Z', '2016-08-16T18:00:00.000Z', '+16501231234', '2016-07-09T09:00:00.000Z', '2016-07-19T15:30:00.000Z'),
  (110, 1, 'Price update', 'Be friendly', 'en', 'archived', 'Call people and ask about product satisfaction', '2016-08-10T08:00:00.000Z', '2016-08-17T18:00:00.000Z', '+16501231234', '2016-07-10T09:00:00.000Z', '2016-07-20T15:30:00.000Z'),
  (111, 1, 'Beta testers', 'Be friendly', 'fr', 'pending', 'Call people and ask about product satisfaction', '2016-08-11T08:00:00.000Z', '2016-08-18T18:00:00.000Z', '+16501231234', '2016-07-11T09:00:00.000Z', '2016-07-21T15:30:00.000Z'),
  (112, 1, 'Holiday greetings', 'Be friendly', 'es', 'ready', 'Call people and ask about product satisfaction', '2016-08-12T08:00:00.000Z', '2016-08-19T18:00:00.000Z', '+16501231234', '2016-07-12T09:00:00.000Z', '2016-07-22T15:30:00.000Z'),
  (201, 2, 'Relances clients', 'Soyez aimable', 'fr', 'ready', 'Appeler les clients', '2016-09-03T08:00:00.000Z', '2016-09-08T18:00:00.000Z', '+33184880000', '2016-08-03T09:00:00.000Z', '2016-08-03T09:00:00.000Z'),
  (202, 2, 'Enquête qualité', 'Soyez aimable', 'fr', 'pending', 'Appeler les clients', '2016-09-04T08:00:00.000Z', '2016-09-09T18:00:00.000Z', '+33184880000', '2016-08-04T09:00:00.000Z', '2016-08-04T09:00:00.000Z'),
  (203, 2, 'Invitations salon', 'Soyez aimable', 'fr', 'completed', 'Appeler les clients', '2016-09-05T08:00:00.000Z', '2016-09-10T18:00:00.000Z', '+33184880000', '2016-08-05T09:00:00.000Z', '2016-08-05T09:00:00.000Z');
