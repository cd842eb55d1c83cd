-- +goose Up
CREATE TABLE opt_outs (
    account_id INTEGER NOT NULL,
    phone TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, phone)
);
CREATE INDEX opt_outs_created ON opt_outs (account_id, created_at DESC, phone DESC);

CREATE TABLE inbound_messages (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    from_phone TEXT NOT NULL,
    to_addr TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    keyword TEXT NOT NULL DEFAULT '',
    carrier TEXT NOT NULL DEFAULT '',
    carrier_id TEXT NOT NULL DEFAULT '',
    received_at INTEGER NOT NULL
);
CREATE INDEX inbound_messages_account ON inbound_messages (account_id, id DESC);
CREATE INDEX inbound_messages_phone ON inbound_messages (account_id, from_phone, id DESC);

CREATE TABLE compliance_settings (
    account_id INTEGER PRIMARY KEY,
    settings TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE INDEX messages_phone_any ON messages (phone, created_at);

-- +goose Down
DROP INDEX messages_phone_any;
DROP TABLE compliance_settings;
DROP TABLE inbound_messages;
DROP TABLE opt_outs;
