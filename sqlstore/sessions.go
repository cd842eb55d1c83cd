package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"

	"hookline"
)

// CreateSession starts a session for u. The token has 160 random bits, so
// storing its SHA-256 (like API keys) is enough.
func (db *DB) CreateSession(ctx context.Context, u *hookline.User) (string, *hookline.Session, error) {
	raw := make([]byte, 20)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	token := keyEncoding.EncodeToString(raw)
	now := db.now().UTC()
	s := &hookline.Session{UserID: u.ID, AccountID: u.AccountID, Email: u.Email, CreatedAt: now, ExpiresAt: now.Add(hookline.SessionTTL)}
	err := db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		// Expired sessions are swept here, on a write we make anyway.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, now.UnixMicro()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			hashKey(token), u.ID, now.UnixMicro(), s.ExpiresAt.UnixMicro())
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return token, s, nil
}

// FindSession returns the unexpired session with this token.
func (db *DB) FindSession(ctx context.Context, token string) (*hookline.Session, error) {
	s := &hookline.Session{}
	var created, expires int64
	err := db.read.QueryRowContext(ctx, `SELECT s.user_id, u.account_id, u.email, s.created_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2`,
		hashKey(token), db.micros()).Scan(&s.UserID, &s.AccountID, &s.Email, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hookline.Errorf(hookline.EUnauthorized, "Please sign in.")
	} else if err != nil {
		return nil, err
	}
	s.CreatedAt, s.ExpiresAt = fromMicros(created), fromMicros(expires)
	return s, nil
}

// DeleteSession ends the session with this token; an unknown token is
// already signed out.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	return db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashKey(token))
		return err
	})
}
