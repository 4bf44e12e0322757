-- Schema 6: passwords by mail, and each account's own time zone. A set-password token is made
-- for an invitation (a key contact registered a contact) or a reset the owner asked for; only
-- its SHA-256 is kept, and it works once, until `expires_at`. Setting a password spends every
-- token of the account. `time_zone` (IANA name) lets mail show a deadline in the reader's zone
-- next to the contract's.
CREATE TABLE password_tokens (
    token_hash BYTEA PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'reset')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_tokens_user ON password_tokens(user_id, purpose, created_at);
ALTER TABLE users ADD COLUMN time_zone TEXT;
-- The pruning job finds finished mail by age.
CREATE INDEX mail_queue_finished ON mail_queue(status, created_at);
CREATE INDEX mail_inbound_age ON mail_inbound(received_at);
