package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"

	"hookline"
)

var _ hookline.CallbackStore = (*DB)(nil)

// callbackTarget is what a status change needs to queue a callback.
type callbackTarget struct {
	AccountID int64
	MessageID string
	TriggerID string
	Phone     string
	URL       string
}

// recordCallback queues one status callback in the writer's transaction,
// so a status change never commits without its callback nor the reverse.
// The job that sends it is inserted by the writer at commit (EnqueueCallbacks).
func (db *DB) recordCallback(ctx context.Context, tx *sql.Tx, b *batch, t callbackTarget, status hookline.MessageStatus, code string, at int64) error {
	if t.URL == "" {
		return nil
	}
	var seq int64
	err := tx.QueryRowContext(ctx, `INSERT INTO callback_outbox (message_id, account_id, last_seq) VALUES ($1, $2, 1)
		ON CONFLICT (message_id) DO UPDATE SET last_seq = callback_outbox.last_seq + 1 RETURNING last_seq`, t.MessageID, t.AccountID).Scan(&seq)
	if err != nil {
		return err
	}
	p := hookline.CallbackPayload{EventID: uuid.NewString(), MessageID: t.MessageID, TriggerID: t.TriggerID, Phone: t.Phone,
		Status: status, ErrorCode: code, OccurredAt: fromMicros(at)}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO callback_events (message_id, seq, event_id, url, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		t.MessageID, seq, p.EventID, t.URL, string(body), db.micros()); err != nil {
		return err
	}
	b.callbacks = append(b.callbacks, t.MessageID)
	return nil
}

// maxLeasedEvents bounds the events one lease hands out; a message has a
// handful of status changes, so this is only a guard.
const maxLeasedEvents = 100

// LeaseCallbacks takes the message's pending callbacks for jobID for d, or
// returns nil when another job holds an unexpired lease on them.
func (db *DB) LeaseCallbacks(ctx context.Context, messageID string, jobID int64, d time.Duration) (*hookline.CallbackLease, error) {
	var lease *hookline.CallbackLease
	err := db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		now := db.micros()
		l := &hookline.CallbackLease{MessageID: messageID}
		var blocked, sent int64
		err := tx.QueryRowContext(ctx, `UPDATE callback_outbox SET lease_job = $1, lease_until = $2
			WHERE message_id = $3 AND (lease_until < $4 OR lease_job = $1) RETURNING account_id, owner_job, blocked_until, sent_seq`,
			jobID, now+d.Microseconds(), messageID, now).Scan(&l.AccountID, &l.OwnerJob, &blocked, &sent)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		if blocked > 0 {
			l.BlockedUntil = fromMicros(blocked)
		}
		if l.Events, err = pendingCallbacks(ctx, tx, messageID, sent); err != nil {
			return err
		}
		lease = l
		return nil
	})
	return lease, err
}

func pendingCallbacks(ctx context.Context, tx *sql.Tx, messageID string, after int64) ([]hookline.CallbackEvent, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, event_id, url, body, created_at FROM callback_events WHERE message_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
		messageID, after, maxLeasedEvents)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []hookline.CallbackEvent
	for rows.Next() {
		e := hookline.CallbackEvent{MessageID: messageID}
		var body string
		var created int64
		if err := rows.Scan(&e.Seq, &e.EventID, &e.URL, &body, &created); err != nil {
			return nil, err
		}
		e.Body, e.CreatedAt = []byte(body), fromMicros(created)
		out = append(out, e)
	}
	return out, rows.Err()
}

// ReleaseCallbacks ends a job's lease, moves the message's cursor past the
// acknowledged events (deleting them) and records who owns the retries.
func (db *DB) ReleaseCallbacks(ctx context.Context, r hookline.CallbackRelease) error {
	return db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		var retryAt int64
		if r.Failing {
			retryAt = r.RetryAt.UnixMicro()
		}
		_, err := tx.ExecContext(ctx, `UPDATE callback_outbox SET
				sent_seq = CASE WHEN sent_seq < $1 THEN $1 ELSE sent_seq END,
				lease_job = 0, lease_until = 0,
				owner_job = CASE WHEN $2 THEN $3 WHEN owner_job = $3 THEN 0 ELSE owner_job END,
				blocked_until = CASE WHEN $2 THEN $4 WHEN owner_job = $3 THEN 0 ELSE blocked_until END
			WHERE message_id = $5 AND lease_job = $3`, r.SentSeq, r.Failing, r.JobID, retryAt, r.MessageID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM callback_events WHERE message_id = $1 AND seq <= $2`, r.MessageID, r.SentSeq)
		return err
	})
}

// CountPendingCallbacks counts callbacks not yet acknowledged, for metrics.
func (db *DB) CountPendingCallbacks(ctx context.Context) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM callback_events`).Scan(&n)
	return n, err
}
