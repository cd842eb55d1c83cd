package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"hookline"
)

// checkRateLimit counts one webhook call against the trigger's fixed-window
// limit, in the writer's transaction: the counter lives in the shared
// database, so the limit holds across every node. It runs before the
// accept writes anything else, so a refusal leaves only the counter changed.
func (db *DB) checkRateLimit(ctx context.Context, tx *sql.Tx, triggerID string, l *hookline.RateLimit) error {
	if l == nil || l.Requests <= 0 || l.WindowSeconds <= 0 {
		return nil
	}
	window := int64(l.WindowSeconds) * 1e6
	now := db.micros()
	start := now - now%window
	var n int64
	err := tx.QueryRowContext(ctx, `INSERT INTO trigger_rate_windows (trigger_id, window_start, count) VALUES ($1, $2, 1)
		ON CONFLICT (trigger_id, window_start) DO UPDATE SET count = trigger_rate_windows.count + 1 RETURNING count`, triggerID, start).Scan(&n)
	if err != nil {
		return err
	}
	if n == 1 {
		// A new window: forget the trigger's older ones.
		if _, err := tx.ExecContext(ctx, `DELETE FROM trigger_rate_windows WHERE trigger_id = $1 AND window_start < $2`, triggerID, start); err != nil {
			return err
		}
	}
	if n <= int64(l.Requests) {
		return nil
	}
	after := time.Duration(start+window-now) * time.Microsecond
	return &hookline.RetryAfterError{
		Err:   hookline.Errorf(hookline.ERateLimited, "This trigger accepts at most %d calls per %d seconds; retry later.", l.Requests, l.WindowSeconds),
		After: after,
	}
}
