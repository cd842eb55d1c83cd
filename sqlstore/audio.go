package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"github.com/google/uuid"

	"hookline"
)

var _ hookline.AudioService = (*DB)(nil)

const audioColumns = `id, account_id, sha256, size, duration_ms, source_url, created_at`

func scanAudio(row interface{ Scan(...any) error }) (*hookline.Audio, error) {
	a := &hookline.Audio{}
	var created int64
	if err := row.Scan(&a.ID, &a.AccountID, &a.SHA256, &a.Size, &a.DurationMS, &a.SourceURL, &created); err != nil {
		return nil, err
	}
	a.Duration = time.Duration(a.DurationMS) * time.Millisecond
	a.CreatedAt = fromMicros(created)
	return a, nil
}

func errAudioNotFound() error {
	return hookline.Errorf(hookline.ENotFound, "No audio of this account has this ID.")
}

// CreateAudio stores data as the account's audio unless the account already
// has audio with the same SHA-256, in which case that one is returned: the
// unique (account_id, sha256) key and ON CONFLICT make concurrent uploads
// of one file store a single row. The caller validates data and fills
// a.SHA256, a.Duration and a.SourceURL; Size is set from data.
func (db *DB) CreateAudio(ctx context.Context, a *hookline.Audio, data []byte) (*hookline.Audio, error) {
	if a.AccountID == 0 || len(a.SHA256) != 64 || len(data) == 0 {
		return nil, errors.New("create audio: account, sha256 and data are required")
	}
	var out *hookline.Audio
	err := db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO audio (id, account_id, sha256, size, duration_ms, source_url, data, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (account_id, sha256) DO NOTHING`,
			uuid.NewString(), a.AccountID, a.SHA256, int64(len(data)), a.Duration.Milliseconds(), a.SourceURL, data, db.micros())
		if err != nil {
			return err
		}
		out, err = scanAudio(tx.QueryRowContext(ctx, `SELECT `+audioColumns+` FROM audio WHERE account_id = $1 AND sha256 = $2`, a.AccountID, a.SHA256))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindAudioByID returns the account's audio, or not_found. An accountID of
// 0 finds any account's audio (the delivery path, which knows the id from a
// message already checked).
func (db *DB) FindAudioByID(ctx context.Context, accountID int64, id string) (*hookline.Audio, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, errAudioNotFound()
	}
	a, err := scanAudio(db.read.QueryRowContext(ctx, `SELECT `+audioColumns+` FROM audio WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && accountID != 0 && a.AccountID != accountID) {
		return nil, errAudioNotFound()
	}
	return a, err
}

// AudioData returns the MP3 bytes of an audio, or not_found.
func (db *DB) AudioData(ctx context.Context, id string) ([]byte, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, errAudioNotFound()
	}
	var data []byte
	err := db.read.QueryRowContext(ctx, `SELECT data FROM audio WHERE id = $1`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errAudioNotFound()
	}
	return data, err
}

// checkAudioOwner refuses an audio_id that names no audio of the account.
// Trigger writes call it in their transaction before writing anything, so
// its *hookline.Error is a clean refusal.
func (db *DB) checkAudioOwner(ctx context.Context, tx *sql.Tx, accountID int64, audioID string) error {
	if audioID == "" {
		return nil
	}
	errUnknown := hookline.Errorf(hookline.EInvalidParameter, "audio_id names no audio of this account; upload it with POST /api/v1/audio first.")
	if _, err := uuid.Parse(audioID); err != nil {
		return errUnknown
	}
	var n int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM audio WHERE id = $1 AND account_id = $2`, audioID, accountID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return errUnknown
	}
	return err
}

// ServerSecret returns the deployment-wide secret with the name, creating a
// random 256-bit one on first use. Every node reads the same value, so
// what one node signs another verifies.
func (db *DB) ServerSecret(ctx context.Context, name string) ([]byte, error) {
	var s string
	err := db.read.QueryRowContext(ctx, `SELECT secret FROM server_secrets WHERE name = $1`, name).Scan(&s)
	if err == nil {
		return hex.DecodeString(s)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	err = db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO server_secrets (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
			name, hex.EncodeToString(raw), db.micros()); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT secret FROM server_secrets WHERE name = $1`, name).Scan(&s)
	})
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(s)
}
