-- +goose Up
-- On SQLite the writer lets messages accepted over several commits share one
-- delivery job. through_rowid is the last message row covered by a job, or
-- not meant for one now: it moves in the transaction that inserts the job,
-- so after a crash the queued messages past it are exactly those accepted
-- but not yet given to a job, and start-up gives them one.
CREATE TABLE delivery_outbox (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    through_rowid INTEGER NOT NULL
);
INSERT INTO delivery_outbox (id, through_rowid) VALUES (1, COALESCE((SELECT MAX(rowid) FROM messages), 0));

-- +goose Down
DROP TABLE delivery_outbox;
