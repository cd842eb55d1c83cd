// Package hookline holds the domain types of Hookline, their validation, and
// the interfaces of the services and carriers around them. It imports no I/O
// package: storage, HTTP, carriers and audio live in subpackages, wired
// together in cmd/hookline.
package hookline

import (
	"context"
	"time"
)

// Account is a tenant. Every trigger, message, contact, opt-out and audio
// belongs to exactly one account.
type Account struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// APIKey is a named credential of an account. Only a hash of the secret is
// stored; the secret itself is shown once at creation.
type APIKey struct {
	ID        int64      `json:"id"`
	AccountID int64      `json:"account_id"`
	Name      string     `json:"name"`
	Prefix    string     `json:"prefix"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// AccountService manages accounts and their API keys.
type AccountService interface {
	// FindOrCreateAccount returns the account with the name, creating it.
	FindOrCreateAccount(ctx context.Context, name string) (*Account, error)
	// CreateAPIKey creates a key and returns its secret, shown only once.
	CreateAPIKey(ctx context.Context, accountID int64, name string) (secret string, key *APIKey, err error)
	// Authenticate returns the account that owns an unrevoked key with this
	// secret, or an EUnauthorized error.
	Authenticate(ctx context.Context, secret string) (*Account, error)
	FindAPIKeys(ctx context.Context, accountID int64) ([]*APIKey, error)
	RevokeAPIKey(ctx context.Context, accountID, keyID int64) error
}

// Clock returns the current time. Services take one so tests need not sleep.
type Clock func() time.Time
