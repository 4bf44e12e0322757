-- Schema 5: incoming mail. The Message-IDs of the incoming mails already taken, so that a
-- message the MTA delivers twice is handled once (`outcome` says what became of it:
-- `processing` while it is being handled); and when each address last got an automatic answer
-- (a refusal), so that nobody gets more than one an hour and two systems can never mail each
-- other forever.
CREATE TABLE mail_inbound (
    message_id TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL,
    outcome TEXT NOT NULL DEFAULT 'processing'
);
CREATE TABLE mail_answered (
    address TEXT PRIMARY KEY,
    answered_at BIGINT NOT NULL
);
