-- +goose Up
-- A message's status history moves into its row: one JSON object per line,
-- {"s": status, "c": error code, "t": unix microseconds}, appended by the
-- same UPDATE that changes the status. Each change then writes the message
-- row only, not also an event row and its index entry.
ALTER TABLE messages ADD COLUMN history TEXT NOT NULL DEFAULT '';
UPDATE messages m SET history = e.h
FROM (SELECT message_id, string_agg(json_build_object('s', status, 'c', error_code, 't', occurred_at)::text || E'\n', '' ORDER BY id) AS h
      FROM message_events GROUP BY message_id) e
WHERE e.message_id = m.id;
DROP TABLE message_events;

-- +goose Down
CREATE TABLE message_events (
    id BIGSERIAL PRIMARY KEY,
    message_id TEXT NOT NULL,
    status TEXT NOT NULL,
    error_code TEXT NOT NULL DEFAULT '',
    occurred_at BIGINT NOT NULL
);
CREATE INDEX message_events_message ON message_events (message_id, id);
INSERT INTO message_events (message_id, status, error_code, occurred_at)
SELECT m.id, l.line::json->>'s', l.line::json->>'c', (l.line::json->>'t')::bigint
FROM messages m CROSS JOIN LATERAL unnest(string_to_array(rtrim(m.history, E'\n'), E'\n')) WITH ORDINALITY AS l(line, n)
WHERE m.history <> ''
ORDER BY m.id, l.n;
ALTER TABLE messages DROP COLUMN history;
