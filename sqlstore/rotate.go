package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/google/uuid"

	"hookline"
)

// RotateTrigger gives the account's trigger a new random id, which is its
// webhook URL: whoever knew the old URL can no longer send. Its messages
// follow it to the new id so history and status callbacks stay attached.
func (db *DB) RotateTrigger(ctx context.Context, accountID int64, id string) (*hookline.Trigger, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, errTriggerNotFound()
	}
	newID := uuid.NewString()
	err := db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, b *batch) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM triggers WHERE id = $1 AND account_id = $2`, id, accountID).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return errTriggerNotFound()
		} else if err != nil {
			return err
		}
		db.triggers.invalidate()
		if _, err := tx.ExecContext(ctx, `UPDATE triggers SET id = $1, updated_at = $2 WHERE id = $3`, newID, db.micros(), id); err != nil {
			return err
		}
		b.clearStates = true // the cached states name the old trigger id
		_, err = tx.ExecContext(ctx, `UPDATE messages SET trigger_id = $1 WHERE trigger_id = $2 AND account_id = $3`, newID, id, accountID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return db.FindTriggerByID(ctx, accountID, newID)
}
