-- Upcall demo data: two accounts, so that isolation can be seen. Their
-- tokens (kept here as SHA-256 only) are printed by scripts/dev:
--   account 1: upcall-demo-token-account-1 (USD)
--   account 2: upcall-demo-token-account-2 (EUR)
-- Account 1 has 12 campaigns, two or three in each status, in three languages,
-- six contact-list numbers (all in campaign 101, one in each campaign-number
-- status) and a call in each of the 15 call statuses; account 2 has 3
-- campaigns, 2 numbers and 2 calls. INSERT OR IGNORE: loading it again
-- changes nothing.

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

-- Contact lists: six numbers for account 1 (list 1), two for account 2 (list 2).
INSERT OR IGNORE INTO upcall_numbers (id, account_id, list_id, first_name, last_name, title, company, email, status, phone, extension, address_recipient, address_line1, address_line2, address_city, address_region, address_postal_code, address_country) VALUES
  (301, 1, 1, 'Jane', 'Smith', 'CEO', 'Acme Inc', 'jane@acme.example', 'active', '+16507991144', NULL, NULL, '1 Market St', NULL, 'Palo Alto', 'CA', '94301', 'US'),
  (302, 1, 1, 'Bob', 'Jones', 'Buyer', 'Globex', 'bob@globex.example', 'active', '+16507991145', '12', NULL, '200 Main St', NULL, 'Austin', 'TX', '73301', 'US'),
  (303, 1, 1, 'Chen', 'Li', 'CTO', 'Initech', 'chen@initech.example', 'disabled', '+16507991146', NULL, NULL, '5 Pine Rd', NULL, 'Palo Alto', 'CA', '94303', 'US'),
  (304, 1, 1, 'Maria', 'Garcia', 'Head of sales', 'Umbrella', 'maria@umbrella.example', 'active', '+13125550101', NULL, NULL, '9 Lake St', NULL, 'Chicago', 'IL', '60601', 'US'),
  (305, 1, 1, 'Tom', 'Baker', 'Owner', 'Baker & Sons', 'tom@baker.example', 'active', '+442071234567', '7', NULL, '3 High St', NULL, 'London', NULL, 'EC1A 1AA', 'GB'),
  (306, 1, 1, 'Aiko', 'Sato', 'Engineer', 'Hooli', 'aiko@hooli.example', 'active', '+81312345678', NULL, NULL, '1-1 Chiyoda', NULL, 'Tokyo', NULL, '100-0001', 'JP'),
  (401, 2, 2, 'Louise', 'Martin', 'Gérante', 'Boulangerie Martin', 'louise@martin.example', 'active', '+33142000001', NULL, NULL, '4 rue de la Paix', NULL, 'Paris', NULL, '75002', 'FR'),
  (402, 2, 2, 'Hugo', 'Bernard', 'Acheteur', 'Bernard SA', 'hugo@bernard.example', 'active', '+33142000002', NULL, NULL, '8 quai Voltaire', NULL, 'Lyon', NULL, '69002', 'FR');

-- Each number of account 1 in campaign 101, one in each campaign-number status;
-- account 2's numbers in its campaign 201.
INSERT OR IGNORE INTO upcall_campaign_numbers (id, account_id, campaign_id, list_contact_id, status, first_name, last_name, title, company, email, phone, extension, address_recipient, address_line1, address_line2, address_city, address_region, address_postal_code, address_country)
SELECT 1000 + n.id, n.account_id, CASE n.account_id WHEN 1 THEN 101 ELSE 201 END, n.id,
       CASE n.id WHEN 301 THEN 'untried' WHEN 302 THEN 'incompleted' WHEN 303 THEN 'dnc' WHEN 304 THEN 'failed' WHEN 305 THEN 'completed' WHEN 306 THEN 'voicemail' ELSE 'untried' END,
       n.first_name, n.last_name, n.title, n.company, n.email, n.phone, n.extension, n.address_recipient,
       n.address_line1, n.address_line2, n.address_city, n.address_region, n.address_postal_code, n.address_country
FROM upcall_numbers AS n WHERE n.id IN (301, 302, 303, 304, 305, 306, 401, 402);

-- Calls: one of account 1 in each of the 15 statuses, to its campaign 101's numbers; two of account 2.
INSERT OR IGNORE INTO upcall_calls (id, account_id, campaign_id, campaign_number_id, to_number_id, note, status, duration, cost, "from", "to", transcript, datetime_called, cost_currency, recording_urls, caller) VALUES
  (501, 1, 101, 1301, 301, 'Call 1: completed', 'completed', 20, '0.04', '+16501231234', '+16507991144', NULL, '2016-08-01T10:00:00.000Z', 'USD', '[]', '{"id": 77, "name": "Sam Caller", "profile_url": "https://upcall.example/callers/77"}'),
  (502, 1, 101, 1302, 302, 'Call 2: completed fu call', 'completed_fu_call', 33, '0.07', '+16501231234', '+16507991145', NULL, '2016-08-02T10:00:00.000Z', 'USD', '[]', '{"id": 77, "name": "Sam Caller", "profile_url": "https://upcall.example/callers/77"}'),
  (503, 1, 101, 1303, 303, 'Call 3: completed fu email', 'completed_fu_email', 46, '0.09', '+16501231234', '+16507991146', NULL, '2016-08-03T10:00:00.000Z', 'USD', '[]', '{"id": 77, "name": "Sam Caller", "profile_url": "https://upcall.example/callers/77"}'),
  (504, 1, 101, 1304, 304, 'Call 4: completed fu inperson', 'completed_fu_inperson', 59, '0.12', '+16501231234', '+13125550101', NULL, '2016-08-04T10:00:00.000Z', 'USD', '[]', '{"id": 77, "name": "Sam Caller", "profile_url": "https://upcall.example/callers/77"}'),
  (505, 1, 101, 1305, 305, 'Call 5: call back later', 'call_back_later', 72, '0.14', '+16501231234', '+442071234567', NULL, '2016-08-05T10:00:00.000Z', 'USD', '[]', '{"id": 77, "name": "Sam Caller", "profile_url": "https://upcall.example/callers/77"}'),
  (506, 1, 101, 1306, 306, 'Call 6: busy', 'busy', 0, '0.0', '+16501231234', '+81312345678', NULL, '2016-08-06T10:00:00.000Z', 'USD', '[]', '{"id": 77, "name": "Sam Caller", "profile_url": "https://upcall.example/callers/77"}'),
  (507, 1, 101, 1301, 301, 'Call 7: no answer', 'no_answer', 0, '0.0', '+16501231234', '+16507991144', NULL, '2016-08-07T10:00:00.000Z', 'USD', '[]', '{"id": 77, "name": "Sam Caller", "profile_url": "https://upcall.example/callers/77"}'),
  (508, 1, 101, 1302, 302, 'Call 8: voicemail', 'voicemail', 111, '0.22', '+16501231234', '+16507991145', NULL, '2016-08-08T10:00:00.000Z', 'USD', '[]', '{"id": 77, "name": "Sam Caller", "profile_url": "https://upcall.example/callers/77"}'),
  (509, 1, 101, 1303, 303, 'Call 9: hungup', 'hungup', 124, '0.25', '+16501231234', '+16507991146', NULL, '2016-08-09T10:00:00.000Z', 'USD', '[]', '{"id": 77, "name": "Sam Caller", "profile_url": "https://upcall.example/callers/77"}'),
  (510, 1, 101, 1304, 304, 'Call 10: not interested', 'not_interested', 137, '0.27', '+16501231234', '+13125550101', NULL, '2016-08-10T10:00:00.000Z', 'USD', '[]', '{"id": 77, "name": "Sam Caller", "profile_url": "https://upcall.example/callers/77"}'),
  (511, 1, 101, 1305, 305, 'Call 11: dnc', 'dnc', 150, '0.30', '+16501231234', '+442071234567', NULL, '2016-08-11T10:00:00.000Z', 'USD', '[]', '{"id": 77, "name": "Sam Caller", "profile_url": "https://upcall.example/callers/77"}'),
  (512, 1, 101, 1306, 306, 'Call 12: no service', 'no_service', 0, '0.0', '+16501231234', '+81312345678', NULL, '2016-08-12T10:00:00.000Z', 'USD', '[]', '{"id": 77, "name": "Sam Caller", "profile_url": "https://upcall.example/callers/77"}'),
  (513, 1, 101, 1301, 301, 'Call 13: technical issue', 'technical_issue', 176, '0.35', '+16501231234', '+16507991144', NULL, '2016-08-13T10:00:00.000Z', 'USD', '[]', '{"id": 77, "name": "Sam Caller", "profile_url": "https://upcall.example/callers/77"}'),
  (514, 1, 101, 1302, 302, 'Call 14: wrong number', 'wrong_number', 189, '0.38', '+16501231234', '+16507991145', NULL, '2016-08-14T10:00:00.000Z', 'USD', '[]', '{"id": 77, "name": "Sam Caller", "profile_url": "https://upcall.example/callers/77"}'),
  (515, 1, 101, 1303, 303, 'Call 15: untried', 'untried', 0, '0.0', '+16501231234', '+16507991146', NULL, '2016-08-15T10:00:00.000Z', 'USD', '[]', '{"id": 77, "name": "Sam Caller", "profile_url": "https://upcall.example/callers/77"}'),
  (601, 2, 201, 1401, 401, 'Rappeler lundi', 'call_back_later', 45, '0.09', '+33184880000', '+33142000001', NULL, '2016-09-05T10:00:00.000Z', 'EUR', '[]', NULL),
  (602, 2, 201, 1402, 402, NULL, 'completed', 120, '0.24', '+33184880000', '+33142000002', NULL, '2016-09-06T10:00:00.000Z', 'EUR', '[]', NULL);
