-- +goose Up
-- A message's status history moves into its row: one JSON object per line,
-- {"s": status, "c": error code, "t": unix microseconds}, appended by the
-- same UPDATE that changes the status. Each change then writes the message
-- row only, not also an event row and its index entry.
ALTER TABLE messages ADD COLUMN history TEXT NOT NULL DEFAULT '';
UPDATE messages SET history = (
    SELECT group_concat(json_object('s', e.status, 'c', e.error_code, 't', e.occurred_at) || char(10), '' ORDER BY e.id)
    FROM message_events e WHERE e.message_id = messages.id)
WHERE EXISTS (SELECT 1 FROM message_events e WHERE e.message_id = messages.id);
DROP TABLE message_events;

-- +goose Down
CREATE TABLE message_events (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL,
    status TEXT NOT NULL,
    error_code TEXT NOT NULL DEFAULT '',
    occurred_at INTEGER NOT NULL
);
CREATE INDEX message_events_message ON message_events (message_id, id);
INSERT INTO message_events (message_id, status, error_code, occurred_at)
SELECT m.id, json_extract(j.value, '$.s'), json_extract(j.value, '$.c'), json_extract(j.value, '$.t')
FROM messages m, json_each('[' || rtrim(replace(m.history, char(10), ','), ',') || ']') j
WHERE m.history <> ''
ORDER BY m.id, j.key;
ALTER TABLE messages DROP COLUMN history;
