package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"strings"

	"hookline"
)

var _ hookline.AccountService = (*DB)(nil)

// FindOrCreateAccount returns the account with the name, creating it.
func (db *DB) FindOrCreateAccount(ctx context.Context, name string) (*hookline.Account, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, hookline.Errorf(hookline.EInvalid, "An account needs a name.")
	}
	a := &hookline.Account{Name: name}
	err := db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		now := db.micros()
		if _, err := tx.ExecContext(ctx, `INSERT INTO accounts (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, now); err != nil {
			return err
		}
		var created int64
		if err := tx.QueryRowContext(ctx, `SELECT id, created_at FROM accounts WHERE name = $1`, name).Scan(&a.ID, &created); err != nil {
			return err
		}
		a.CreatedAt = fromMicros(created)
		return nil
	})
	return a, err
}

// keyEncoding writes API key secrets in lower-case base32 without padding.
var keyEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// hashKey hashes an API key secret. The secrets are 160 random bits, so a
// fast hash is enough: there is no password to guess.
func hashKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateAPIKey creates a key for the account and returns its secret.
func (db *DB) CreateAPIKey(ctx context.Context, accountID int64, name string) (string, *hookline.APIKey, error) {
	raw := make([]byte, 20)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	secret := "hk_" + keyEncoding.EncodeToString(raw)
	if name == "" {
		name = "default"
	}
	k := &hookline.APIKey{AccountID: accountID, Name: name, Prefix: secret[:7], CreatedAt: db.now().UTC()}
	err := db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		return tx.QueryRowContext(ctx, `INSERT INTO api_keys (account_id, name, prefix, hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			accountID, name, k.Prefix, hashKey(secret), k.CreatedAt.UnixMicro()).Scan(&k.ID)
	})
	if err != nil {
		return "", nil, err
	}
	return secret, k, nil
}

// Authenticate returns the account owning an unrevoked key with secret.
func (db *DB) Authenticate(ctx context.Context, secret string) (*hookline.Account, error) {
	a := &hookline.Account{}
	var created int64
	err := db.read.QueryRowContext(ctx, `SELECT a.id, a.name, a.created_at FROM api_keys k JOIN accounts a ON a.id = k.account_id
		WHERE k.hash = $1 AND k.revoked_at IS NULL`, hashKey(secret)).Scan(&a.ID, &a.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hookline.Errorf(hookline.EUnauthorized, "The API key is missing, wrong or revoked.")
	} else if err != nil {
		return nil, err
	}
	a.CreatedAt = fromMicros(created)
	return a, nil
}

// FindAPIKeys lists the account's keys, without secrets.
func (db *DB) FindAPIKeys(ctx context.Context, accountID int64) ([]*hookline.APIKey, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, prefix, created_at, revoked_at FROM api_keys WHERE account_id = $1 ORDER BY id`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []*hookline.APIKey
	for rows.Next() {
		k := &hookline.APIKey{AccountID: accountID}
		var created int64
		var revoked sql.NullInt64
		if err := rows.Scan(&k.ID, &k.Name, &k.Prefix, &created, &revoked); err != nil {
			return nil, err
		}
		k.CreatedAt = fromMicros(created)
		if revoked.Valid {
			t := fromMicros(revoked.Int64)
			k.RevokedAt = &t
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// RevokeAPIKey revokes one of the account's keys.
func (db *DB) RevokeAPIKey(ctx context.Context, accountID, keyID int64) error {
	return db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL`, db.micros(), keyID, accountID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return hookline.Errorf(hookline.ENotFound, "No such API key.")
		}
		return nil
	})
}
