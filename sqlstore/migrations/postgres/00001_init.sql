-- +goose Up
CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE triggers (
    id TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    audio_id TEXT NOT NULL DEFAULT '',
    from_addr TEXT NOT NULL DEFAULT '',
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    status_callback_url TEXT NOT NULL DEFAULT '',
    settings TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX triggers_account ON triggers (account_id, created_at);

CREATE TABLE contacts (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    phone TEXT NOT NULL,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, phone)
);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    trigger_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    phone TEXT NOT NULL,
    from_addr TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    encoding TEXT NOT NULL DEFAULT '',
    segments BIGINT NOT NULL DEFAULT 0,
    audio_id TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    error_code TEXT NOT NULL DEFAULT '',
    carrier TEXT NOT NULL DEFAULT '',
    carrier_id TEXT NOT NULL DEFAULT '',
    scheduled_for BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX messages_account ON messages (account_id, created_at DESC, id DESC);
CREATE INDEX messages_carrier_id ON messages (carrier_id) WHERE carrier_id <> '';

CREATE TABLE message_events (
    id BIGSERIAL PRIMARY KEY,
    message_id TEXT NOT NULL,
    status TEXT NOT NULL,
    error_code TEXT NOT NULL DEFAULT '',
    occurred_at BIGINT NOT NULL
);
CREATE INDEX message_events_message ON message_events (message_id, id);

CREATE TABLE idempotency_keys (
    account_id BIGINT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    message_id TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, key)
);

CREATE TABLE pending_receipts (
    carrier_id TEXT NOT NULL,
    status TEXT NOT NULL,
    error_code TEXT NOT NULL DEFAULT '',
    occurred_at BIGINT NOT NULL
);
CREATE INDEX pending_receipts_carrier_id ON pending_receipts (carrier_id);

CREATE TABLE simulator_inbox (
    id BIGSERIAL PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    phone TEXT NOT NULL,
    from_addr TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    audio_id TEXT NOT NULL DEFAULT '',
    duration_ms BIGINT NOT NULL DEFAULT 0,
    received_at BIGINT NOT NULL,
    receipt_status TEXT NOT NULL DEFAULT '',
    receipt_at BIGINT
);
CREATE INDEX simulator_inbox_pending ON simulator_inbox (receipt_at) WHERE receipt_at IS NULL;

CREATE TABLE audio (
    id TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    source_url TEXT NOT NULL DEFAULT '',
    data BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, sha256)
);

-- +goose Down
DROP TABLE audio;
DROP TABLE simulator_inbox;
DROP TABLE pending_receipts;
DROP TABLE idempotency_keys;
DROP TABLE message_events;
DROP TABLE messages;
DROP TABLE contacts;
DROP TABLE triggers;
DROP TABLE api_keys;
DROP TABLE accounts;
