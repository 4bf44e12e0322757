-- Schema 4: e-mail. Each account's language for mail and what case mail it wants (`all` of its
-- organisation's cases, `mine`: cases it opened or is CC'd on, `none`); and the outgoing mail
-- queue, filled in the same transaction as the event a mail is about and emptied by the
-- sender (one instance at a time, under the `mail-sender` lease).
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'zh-CN'));
ALTER TABLE users ADD COLUMN mail TEXT NOT NULL DEFAULT 'mine' CHECK (mail IN ('all', 'mine', 'none'));
CREATE TABLE mail_queue (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    case_number INTEGER REFERENCES cases(number),
    to_address TEXT NOT NULL,
    -- The recipient's account, when the address is one: its reply address names it.
    account_id INTEGER REFERENCES users(id),
    lang TEXT NOT NULL,
    payload TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    sent_at INTEGER
);
CREATE INDEX mail_queue_due ON mail_queue(status, next_attempt_at);
