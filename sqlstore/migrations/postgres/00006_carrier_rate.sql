-- +goose Up
-- carrier_rate holds the token buckets of throughput limits that hold across
-- every node of a deployment (such as --smpp-throughput): tokens left at
-- updated_at (unix microseconds), and how many the last reservation got.
CREATE TABLE carrier_rate (
    name TEXT PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    updated_at BIGINT NOT NULL,
    granted BIGINT NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE carrier_rate;
