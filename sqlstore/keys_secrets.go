package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
)

// RotateSigningSecret creates or replaces the account's status-callback
// signing secret and returns it; it cannot be read back through the API.
// The secret is kept in clear because signing needs it (HMAC).
func (db *DB) RotateSigningSecret(ctx context.Context, accountID int64) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	secret := "whsec_" + hex.EncodeToString(raw)
	err := db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO signing_secrets (account_id, secret, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (account_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at`, accountID, secret, db.micros())
		return err
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// SigningSecret returns the account's signing secret, or "" if it has none.
func (db *DB) SigningSecret(ctx context.Context, accountID int64) (string, error) {
	var s string
	err := db.read.QueryRowContext(ctx, `SELECT secret FROM signing_secrets WHERE account_id = $1`, accountID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return s, err
}
