-- +goose Up
-- Nothing on PostgreSQL: nodes share it, so each commit inserts its own
-- delivery job (see the SQLite migration of the same number).
SELECT 1;

-- +goose Down
SELECT 1;
