-- +goose Up
-- server_secrets holds secrets shared by every node of a deployment, such
-- as the key that signs public voicemail media URLs.
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE server_secrets;
