package hookline

import (
	"context"
	"strings"
	"time"
)

// User is a person who signs in to the dashboard. A user belongs to one
// account and sees only its triggers, messages and contacts.
type User struct {
	ID        int64     `json:"id"`
	AccountID int64     `json:"account_id"`
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"created_at"`
}

// Session is a signed-in browser. Only a hash of its token is stored, so a
// copy of the database does not let anyone sign in; the token itself lives in
// the browser's cookie. Sessions are rows, not memory, so any node of a
// deployment can serve any request.
type Session struct {
	UserID    int64
	AccountID int64
	Email     string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SessionTTL is how long a session lasts after sign-in.
const SessionTTL = 14 * 24 * time.Hour

// MinPasswordLength is the shortest password a user may have.
const MinPasswordLength = 8

// UserService manages dashboard users and their sessions.
type UserService interface {
	// CreateUser stores u with a slow hash of password; EConflict when the
	// e-mail address is taken.
	CreateUser(ctx context.Context, u *User, password string) error
	// AuthenticateUser returns the user with this e-mail and password, or
	// EUnauthorized without saying which of the two was wrong.
	AuthenticateUser(ctx context.Context, email, password string) (*User, error)
	// CreateSession starts a session for the user and returns its token.
	CreateSession(ctx context.Context, u *User) (token string, s *Session, err error)
	// FindSession returns the unexpired session with this token, or
	// EUnauthorized.
	FindSession(ctx context.Context, token string) (*Session, error)
	// DeleteSession ends the session with this token (sign out).
	DeleteSession(ctx context.Context, token string) error
}

// ValidateNewUser checks a user's e-mail and password before creation and
// normalises the e-mail to lower case, so sign-in is case-insensitive.
func ValidateNewUser(u *User, password string) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if err := ValidateEmail(u.Email); err != nil {
		return err
	}
	if len(password) < MinPasswordLength {
		return Errorf(EInvalid, "A password is at least %d characters.", MinPasswordLength)
	} else if len(password) > 72 {
		return Errorf(EInvalid, "A password is at most 72 bytes.")
	}
	return nil
}
