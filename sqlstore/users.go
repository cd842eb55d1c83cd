package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"hookline"
)

var _ hookline.UserService = (*DB)(nil)

// bcryptCost is bcrypt's default: about 50 ms a guess here, slow enough to
// make a stolen table expensive to crack and fast enough to sign in.
const bcryptCost = bcrypt.DefaultCost

// dummyHash is compared against when the e-mail is unknown, so a failed
// sign-in takes as long whether or not the address has an account.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("hookline-dummy-password"), bcryptCost)

// CreateUser stores u with a bcrypt hash of password.
func (db *DB) CreateUser(ctx context.Context, u *hookline.User, password string) error {
	if err := hookline.ValidateNewUser(u, password); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return err
	}
	u.CreatedAt = db.now().UTC()
	return db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email = $1`, u.Email).Scan(&n); err != nil {
			return err
		} else if n > 0 {
			return hookline.Errorf(hookline.EConflict, "A user with the e-mail %q already exists.", u.Email)
		}
		return tx.QueryRowContext(ctx, `INSERT INTO users (account_id, email, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			u.AccountID, u.Email, string(hash), u.CreatedAt.UnixMicro()).Scan(&u.ID)
	})
}

// AuthenticateUser checks an e-mail and password.
func (db *DB) AuthenticateUser(ctx context.Context, email, password string) (*hookline.User, error) {
	u := &hookline.User{}
	var hash string
	var created int64
	err := db.read.QueryRowContext(ctx, `SELECT id, account_id, email, password_hash, created_at FROM users WHERE email = $1`,
		strings.ToLower(strings.TrimSpace(email))).Scan(&u.ID, &u.AccountID, &u.Email, &hash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return nil, errBadLogin()
	} else if err != nil {
		return nil, err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return nil, errBadLogin()
	}
	u.CreatedAt = fromMicros(created)
	return u, nil
}

func errBadLogin() error {
	return hookline.Errorf(hookline.EUnauthorized, "The e-mail address or password is wrong.")
}
