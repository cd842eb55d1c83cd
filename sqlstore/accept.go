package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"hookline"
)

// IdempotencyWindow is how long an Idempotency-Key is remembered.
const IdempotencyWindow = 24 * time.Hour

// Accept commits a webhook submission: the contact upsert, the message, its
// first event, the idempotency record and the delivery job, all in one
// group-committed transaction. It returns only once that is durable.
func (db *DB) Accept(ctx context.Context, s *hookline.Submission) (*hookline.Acceptance, error) {
	if plain(s) {
		return db.acceptPlain(ctx, s)
	}
	var acc *hookline.Acceptance
	err := db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, b *batch) error {
		var err error
		acc, err = db.accept(ctx, tx, b, s)
		return err
	})
	return acc, err
}

func (db *DB) accept(ctx context.Context, tx *sql.Tx, b *batch, s *hookline.Submission) (*hookline.Acceptance, error) {
	m := s.Message
	now := db.micros()
	if s.IdempotencyKey != "" {
		acc, err := db.replay(ctx, tx, m.AccountID, s, now)
		if acc != nil || err != nil {
			return acc, err
		}
	}
	if err := db.checkRateLimit(ctx, tx, m.TriggerID, s.RateLimit); err != nil {
		return nil, err
	}
	if err := db.checkFrequencyCap(ctx, tx, m, s.FrequencyCap, now); err != nil {
		return nil, err
	}
	if err := db.upsertContact(ctx, tx, s.Contact, now); err != nil {
		return nil, err
	}
	var scheduled any
	if m.ScheduledFor != nil {
		scheduled = m.ScheduledFor.UnixMicro()
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO messages (id, account_id, trigger_id, kind, phone, from_addr, body, encoding, segments, audio_id, status, scheduled_for, created_at, updated_at, history)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)`,
		m.ID, m.AccountID, m.TriggerID, m.Kind, m.Phone, m.From, m.Body, m.Encoding, m.Segments, m.AudioID, m.Status, scheduled, now, historyEntry(m.Status, "", now)); err != nil {
		return nil, err
	}
	cb := callbackTarget{AccountID: m.AccountID, MessageID: m.ID, TriggerID: m.TriggerID, Phone: m.Phone, URL: s.CallbackURL}
	if err := db.recordCallback(ctx, tx, b, cb, m.Status, "", now); err != nil {
		return nil, err
	}
	if s.IdempotencyKey != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (account_id, key, request_hash, message_id, status, created_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (account_id, key) DO UPDATE SET request_hash = excluded.request_hash, message_id = excluded.message_id, status = excluded.status, created_at = excluded.created_at`,
			m.AccountID, s.IdempotencyKey, s.RequestHash, m.ID, m.Status, now); err != nil {
			return nil, err
		}
	}
	return b.accepted(m, now), nil
}

// replay answers a request whose idempotency key was seen in the window: the
// first answer again, or a conflict when the request differs.
func (db *DB) replay(ctx context.Context, tx *sql.Tx, accountID int64, s *hookline.Submission, now int64) (*hookline.Acceptance, error) {
	var hash, id, status string
	var created int64
	err := tx.QueryRowContext(ctx, `SELECT request_hash, message_id, status, created_at FROM idempotency_keys WHERE account_id = $1 AND key = $2`,
		accountID, s.IdempotencyKey).Scan(&hash, &id, &status, &created)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && now-created > IdempotencyWindow.Microseconds()) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if hash != s.RequestHash {
		return nil, hookline.Errorf(hookline.EIdempotencyConflict, "This Idempotency-Key was already used with a different request.")
	}
	return &hookline.Acceptance{MessageID: id, Status: hookline.MessageStatus(status), Replayed: true}, nil
}

func (db *DB) upsertContact(ctx context.Context, tx *sql.Tx, c *hookline.Contact, now int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO contacts (account_id, phone, first_name, last_name, email, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (account_id, phone) DO UPDATE SET
			first_name = CASE WHEN excluded.first_name <> '' THEN excluded.first_name ELSE contacts.first_name END,
			last_name = CASE WHEN excluded.last_name <> '' THEN excluded.last_name ELSE contacts.last_name END,
			email = CASE WHEN excluded.email <> '' THEN excluded.email ELSE contacts.email END,
			updated_at = excluded.updated_at`,
		c.AccountID, c.Phone, c.First, c.Last, c.Email, now)
	return err
}

// appendHistory records a status change in the message's history.
func (db *DB) appendHistory(ctx context.Context, tx *sql.Tx, messageID string, status hookline.MessageStatus, code string, at int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE messages SET history = history || $1 WHERE id = $2`, historyEntry(status, code, at), messageID)
	return err
}
