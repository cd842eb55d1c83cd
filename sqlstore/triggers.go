package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"hookline"
)

var _ hookline.TriggerService = (*DB)(nil)

const triggerColumns = `id, account_id, kind, name, body, audio_id, from_addr, enabled, status_callback_url, created_at, updated_at, settings`

func scanTrigger(row interface{ Scan(...any) error }) (*hookline.Trigger, error) {
	t := &hookline.Trigger{}
	var created, updated int64
	var settings string
	if err := row.Scan(&t.ID, &t.AccountID, &t.Kind, &t.Name, &t.Body, &t.AudioID, &t.From, &t.Enabled, &t.StatusCallbackURL, &created, &updated, &settings); err != nil {
		return nil, err
	}
	var err error
	if t.TriggerSettings, err = hookline.ParseTriggerSettings(settings); err != nil {
		return nil, fmt.Errorf("trigger %s settings: %w", t.ID, err)
	}
	t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
	return t, nil
}

func errTriggerNotFound() error {
	return hookline.Errorf(hookline.ETriggerNotFound, "No enabled trigger has this ID.")
}

// FindTriggerByID returns the trigger; accountID 0 matches any account.
func (db *DB) FindTriggerByID(ctx context.Context, accountID int64, id string) (*hookline.Trigger, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, errTriggerNotFound()
	}
	now := time.Now()
	if accountID == 0 {
		if t, ok := db.triggers.get(id, now); ok {
			return t, nil
		}
	}
	gen := db.triggers.gen.Load()
	t, err := scanTrigger(db.read.QueryRowContext(ctx, `SELECT `+triggerColumns+` FROM triggers WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && accountID != 0 && t.AccountID != accountID) {
		return nil, errTriggerNotFound()
	} else if err != nil {
		return nil, err
	}
	db.triggers.put(t, gen, now)
	return t, nil
}

// FindTriggers lists the account's triggers, oldest first.
func (db *DB) FindTriggers(ctx context.Context, f hookline.TriggerFilter) ([]*hookline.Trigger, error) {
	q := `SELECT ` + triggerColumns + ` FROM triggers WHERE account_id = $1`
	args := []any{f.AccountID}
	if f.Kind != "" {
		q += ` AND kind = $2`
		args = append(args, f.Kind)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ts := []*hookline.Trigger{}
	for rows.Next() {
		t, err := scanTrigger(rows)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, rows.Err()
}

// CreateTrigger validates t, gives it a random UUID v4 and stores it.
func (db *DB) CreateTrigger(ctx context.Context, t *hookline.Trigger) error {
	if err := t.Validate(); err != nil {
		return err
	}
	t.ID = uuid.NewString()
	t.CreatedAt = db.now().UTC()
	t.UpdatedAt = t.CreatedAt
	return db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		if err := db.checkAudioOwner(ctx, tx, t.AccountID, t.AudioID); err != nil {
			return err
		}
		settings, err := json.Marshal(t.TriggerSettings)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO triggers (`+triggerColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			t.ID, t.AccountID, t.Kind, t.Name, t.Body, t.AudioID, t.From, t.Enabled, t.StatusCallbackURL, t.CreatedAt.UnixMicro(), t.UpdatedAt.UnixMicro(), string(settings))
		return err
	})
}

// UpdateTrigger applies upd to the account's trigger.
func (db *DB) UpdateTrigger(ctx context.Context, accountID int64, id string, upd hookline.TriggerUpdate) (*hookline.Trigger, error) {
	var t *hookline.Trigger
	err := db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		var err error
		t, err = scanTrigger(tx.QueryRowContext(ctx, `SELECT `+triggerColumns+` FROM triggers WHERE id = $1 AND account_id = $2`, id, accountID))
		if errors.Is(err, sql.ErrNoRows) {
			return errTriggerNotFound()
		} else if err != nil {
			return err
		}
		upd.Apply(t)
		if err := t.Validate(); err != nil {
			return err
		}
		if upd.AudioID != nil {
			if err := db.checkAudioOwner(ctx, tx, accountID, t.AudioID); err != nil {
				return err
			}
		}
		t.UpdatedAt = db.now().UTC()
		settings, err := json.Marshal(t.TriggerSettings)
		if err != nil {
			return err
		}
		db.triggers.invalidate()
		_, err = tx.ExecContext(ctx, `UPDATE triggers SET name = $1, body = $2, audio_id = $3, from_addr = $4, enabled = $5, status_callback_url = $6, updated_at = $7, settings = $8 WHERE id = $9`,
			t.Name, t.Body, t.AudioID, t.From, t.Enabled, t.StatusCallbackURL, t.UpdatedAt.UnixMicro(), string(settings), t.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteTrigger deletes the account's trigger. Its messages are kept.
func (db *DB) DeleteTrigger(ctx context.Context, accountID int64, id string) error {
	return db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		db.triggers.invalidate()
		res, err := tx.ExecContext(ctx, `DELETE FROM triggers WHERE id = $1 AND account_id = $2`, id, accountID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errTriggerNotFound()
		}
		return nil
	})
}
