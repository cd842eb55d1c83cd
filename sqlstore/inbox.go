package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"hookline"
)

var _ hookline.InboxStore = (*DB)(nil)

// inboxReq is simulated deliveries waiting in the writer.
type inboxReq struct {
	es    []*hookline.InboxEntry
	added []bool
}

// AddInboxEntry stores a simulated delivery once per message.
func (db *DB) AddInboxEntry(ctx context.Context, e *hookline.InboxEntry) (bool, error) {
	added, err := db.AddInboxEntries(ctx, []*hookline.InboxEntry{e})
	if err != nil {
		return false, err
	}
	return added[0], nil
}

// AddInboxEntries stores simulated deliveries once per message. Entries that
// reach the writer together, from one call or several, are inserted by a few
// statements.
func (db *DB) AddInboxEntries(ctx context.Context, es []*hookline.InboxEntry) ([]bool, error) {
	req := &inboxReq{es: es, added: make([]bool, len(es))}
	if len(es) == 0 {
		return req.added, nil
	}
	err := db.writer.submit(ctx, &op{inbox: req, fn: func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		return db.addInboxBulk(ctx, tx, []*inboxReq{req})
	}})
	return req.added, err
}

// addInboxBulk inserts entries, skipping messages already delivered, and
// marks which were new.
func (db *DB) addInboxBulk(ctx context.Context, tx *sql.Tx, reqs []*inboxReq) error {
	type slot struct {
		r *inboxReq
		i int
	}
	var rows []any
	byID := map[string]slot{}
	for _, r := range reqs {
		for i, e := range r.es {
			if _, dup := byID[e.MessageID]; dup {
				continue
			}
			byID[e.MessageID] = slot{r, i}
			rows = append(rows, e.MessageID, e.Phone, e.From, e.Kind, e.Body, e.AudioID, e.DurationMS, e.ReceivedAt.UnixMicro())
		}
	}
	return db.chunked(rows, 8, 100, 0, func(marks string, args []any) error {
		rs, err := tx.QueryContext(ctx, `INSERT `+db.orFail()+`INTO simulator_inbox (message_id, phone, from_addr, kind, body, audio_id, duration_ms, received_at) VALUES `+marks+`
			ON CONFLICT (message_id) DO NOTHING RETURNING message_id`, args...)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var id string
			if err := rs.Scan(&id); err != nil {
				return err
			}
			s := byID[id]
			s.r.added[s.i] = true
		}
		return rs.Err()
	})
}

const inboxColumns = `id, message_id, phone, from_addr, kind, body, audio_id, duration_ms, received_at, receipt_status`

func (db *DB) queryInbox(ctx context.Context, q string, args ...any) ([]*hookline.InboxEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+inboxColumns+` FROM simulator_inbox `+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*hookline.InboxEntry{}
	for rows.Next() {
		e := &hookline.InboxEntry{}
		var at int64
		if err := rows.Scan(&e.ID, &e.MessageID, &e.Phone, &e.From, &e.Kind, &e.Body, &e.AudioID, &e.DurationMS, &at, &e.ReceiptStatus); err != nil {
			return nil, err
		}
		e.ReceivedAt = fromMicros(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// FindInbox returns what a simulated phone received from the account's
// messages, oldest first.
func (db *DB) FindInbox(ctx context.Context, accountID int64, phone string) ([]*hookline.InboxEntry, error) {
	return db.queryInbox(ctx, `WHERE phone = $1 AND message_id IN (SELECT id FROM messages WHERE account_id = $2 AND phone = $1) ORDER BY id`, phone, accountID)
}

// PendingReceipts returns entries whose delivery report is still due.
func (db *DB) PendingReceipts(ctx context.Context) ([]*hookline.InboxEntry, error) {
	return db.queryInbox(ctx, `WHERE receipt_at IS NULL ORDER BY id`)
}

// DueReceipts returns the message ids of entries received before cutoff
// whose delivery report was not sent. It reads the simulator_inbox_pending
// partial index, which holds only the entries still owed a report, so a
// sweep costs little however large the inbox grows.
func (db *DB) DueReceipts(ctx context.Context, cutoff time.Time, limit int) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT message_id FROM simulator_inbox WHERE receipt_at IS NULL AND received_at < $1 LIMIT $2`, cutoff.UnixMicro(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// MarkReceipted records that the entries' delivery reports were sent.
func (db *DB) MarkReceipted(ctx context.Context, messageIDs []string, status hookline.MessageStatus) error {
	args := make([]any, len(messageIDs))
	for i, id := range messageIDs {
		args[i] = id
	}
	return db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		now := db.micros()
		return db.chunked(args, 1, 500, 2, func(marks string, chunk []any) error {
			_, err := tx.ExecContext(ctx, `UPDATE `+db.orFail()+`simulator_inbox SET receipt_status = $1, receipt_at = $2 WHERE message_id IN (`+marks+`)`,
				append([]any{status, now}, chunk...)...)
			return err
		})
	})
}
