package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"hash/fnv"
	"time"

	"hookline"
)

// reschedule holds a message until c.ScheduledFor: the gate found it outside
// its send window at send time. The message's delivery job for that time is
// inserted in this same transaction, so a held message is never left without
// one.
func (db *DB) reschedule(ctx context.Context, tx *sql.Tx, b *batch, cb callbackTarget, cur hookline.MessageStatus, c hookline.StatusChange, at time.Time) error {
	when := c.ScheduledFor.UTC()
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET status = $1, scheduled_for = $2, updated_at = $3 WHERE id = $4`,
		hookline.StatusScheduled, when.UnixMicro(), at.UnixMicro(), c.MessageID); err != nil {
		return err
	}
	if cur != hookline.StatusScheduled {
		if err := db.appendHistory(ctx, tx, c.MessageID, hookline.StatusScheduled, "", at.UnixMicro()); err != nil {
			return err
		}
		if err := db.recordCallback(ctx, tx, b, cb, hookline.StatusScheduled, "", at.UnixMicro()); err != nil {
			return err
		}
	}
	if b.scheduled == nil {
		b.scheduled = map[time.Time][]string{}
	}
	b.scheduled[when] = append(b.scheduled[when], c.MessageID)
	return nil
}

// checkFrequencyCap refuses a message when the trigger already has fc.Max
// messages (other than canceled ones) to the phone inside the cap's period,
// saying when the oldest of them leaves the period (Retry-After). It runs in
// the writer's transaction, right before the insert: on one node the writer
// is the only one writing, so count and insert cannot interleave; on
// PostgreSQL a transaction-scoped advisory lock on (trigger, phone) keeps
// nodes sharing the database from both passing the count.
func (db *DB) checkFrequencyCap(ctx context.Context, tx *sql.Tx, m *hookline.Message, fc *hookline.FrequencyCap, now int64) error {
	if fc == nil || fc.Duration() <= 0 {
		return nil
	}
	if db.dialect == Postgres {
		h := fnv.New64a()
		h.Write([]byte("frequency_cap\x00" + m.TriggerID + "\x00" + m.Phone))
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(h.Sum64())); err != nil {
			return err
		}
	}
	// The Max-th newest message in the period is the one that must leave it
	// before another may go; none means the cap has room.
	period := fc.Duration().Microseconds()
	var oldest int64
	var n int
	err := tx.QueryRowContext(ctx, `SELECT created_at, COUNT(*) OVER () FROM messages
		WHERE account_id = $1 AND phone = $2 AND created_at > $3 AND trigger_id = $4 AND status <> $5
		ORDER BY created_at DESC LIMIT 1 OFFSET $6`,
		m.AccountID, m.Phone, now-period, m.TriggerID, hookline.StatusCanceled, fc.Max-1).Scan(&oldest, &n)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	return &hookline.RetryAfterError{
		Err:   hookline.Errorf(hookline.EFrequencyCapped, "This trigger already sent %d message(s) to this phone in the last %s, its frequency cap.", n, fc.Period),
		After: time.Duration(oldest+period-now) * time.Microsecond,
	}
}
