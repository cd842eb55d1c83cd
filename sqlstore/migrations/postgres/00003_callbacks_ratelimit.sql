-- +goose Up
-- callback_outbox is the per-message cursor of status callbacks: last_seq is
-- the newest event, sent_seq the last one the receiver acknowledged. The
-- lease keeps two jobs (on any node) from sending one message's events at
-- once; owner_job and blocked_until let the failing job own the retries.
CREATE TABLE callback_outbox (
    message_id TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    last_seq BIGINT NOT NULL DEFAULT 0,
    sent_seq BIGINT NOT NULL DEFAULT 0,
    lease_job BIGINT NOT NULL DEFAULT 0,
    lease_until BIGINT NOT NULL DEFAULT 0,
    owner_job BIGINT NOT NULL DEFAULT 0,
    blocked_until BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE callback_events (
    message_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    event_id TEXT NOT NULL,
    url TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (message_id, seq)
);

CREATE TABLE signing_secrets (
    account_id BIGINT PRIMARY KEY,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- trigger_rate_windows counts webhook calls per trigger in fixed windows,
-- in the shared database so a limit holds across nodes.
CREATE TABLE trigger_rate_windows (
    trigger_id TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (trigger_id, window_start)
);

-- +goose Down
DROP TABLE trigger_rate_windows;
DROP TABLE signing_secrets;
DROP TABLE callback_events;
DROP TABLE callback_outbox;
