-- The model of SPEC §1–8.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE orgs (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    deployment TEXT NOT NULL,
    subscription TEXT NOT NULL,
    annual_spend REAL,
    calendar TEXT NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    org_id INTEGER REFERENCES orgs(id),
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('contact', 'engineer')),
    key_contact INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    removed_at INTEGER
);
CREATE INDEX users_org ON users(org_id);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    access_hash BLOB NOT NULL UNIQUE,
    access_expires INTEGER NOT NULL,
    refresh_hash BLOB NOT NULL UNIQUE,
    refresh_expires INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE kb_articles (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    locale TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    kind TEXT NOT NULL,
    product TEXT NOT NULL,
    versions TEXT NOT NULL,
    tags TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE cases (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    opened_by INTEGER NOT NULL REFERENCES users(id),
    type TEXT NOT NULL,
    severity INTEGER NOT NULL,
    environment TEXT NOT NULL,
    product TEXT NOT NULL,
    version TEXT NOT NULL,
    subject TEXT NOT NULL,
    situation TEXT NOT NULL,
    impact TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    first_response_at INTEGER,
    due_at INTEGER,
    assignee_id INTEGER REFERENCES users(id),
    cc TEXT NOT NULL DEFAULT '[]',
    maint_start INTEGER,
    maint_end INTEGER
);
CREATE INDEX cases_org ON cases(org_id, number);
CREATE INDEX cases_org_status ON cases(org_id, status, number);
CREATE INDEX cases_status_due ON cases(status, due_at);
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    case_number INTEGER NOT NULL REFERENCES cases(number),
    author_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX comments_case ON comments(case_number, id);
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    case_number INTEGER NOT NULL REFERENCES cases(number),
    comment_id INTEGER REFERENCES comments(id),
    uploaded_by INTEGER NOT NULL REFERENCES users(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX attachments_case ON attachments(case_number);
CREATE TABLE callbacks (
    id INTEGER PRIMARY KEY,
    case_number INTEGER NOT NULL REFERENCES cases(number),
    requested_by INTEGER NOT NULL REFERENCES users(id),
    windows TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX callbacks_case ON callbacks(case_number);
CREATE TABLE idempotency (
    user_id INTEGER NOT NULL,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash BLOB NOT NULL,
    result INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, scope, key)
);
