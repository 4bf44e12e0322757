-- Schema 3: failed logins, counted here rather than in each instance's memory so that the
-- throttle holds whichever instance the load balancer picks (`account` is the lower-cased
-- e-mail address, `address` the client address); and leases for background work done by one
-- instance at a time (held by `holder` until `expires_at`, renewed by its holder, taken over
-- by another instance once it lapses).
CREATE TABLE login_failures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_account ON login_failures (account, at);
CREATE INDEX login_failures_address ON login_failures (address, at);
CREATE INDEX login_failures_at ON login_failures (at);

CREATE TABLE leases (
    job TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
