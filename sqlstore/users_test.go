package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"hookline"
	"hookline/sqlstore"
)

// TestUsersAndSessions covers sign-in: passwords, duplicate e-mails, and
// sessions that are found by token, expire and end at sign-out.
func TestUsersAndSessions(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	db := openStore(t, sqlstore.Config{DataDir: t.TempDir(), Now: func() time.Time { return now }})
	ctx := context.Background()
	a, err := db.FindOrCreateAccount(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	u := &hookline.User{AccountID: a.ID, Email: " Ada@Example.com "}
	if err := db.CreateUser(ctx, u, "correct horse"); err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || u.Email != "ada@example.com" {
		t.Fatalf("created %+v", u)
	}
	for _, tc := range []struct {
		name, email, password, code string
	}{
		{"duplicate", "ADA@example.com", "another password", hookline.EConflict},
		{"short password", "bob@example.com", "short", hookline.EInvalid},
		{"bad email", "bob", "long enough pw", hookline.EInvalidEmail},
	} {
		if err := db.CreateUser(ctx, &hookline.User{AccountID: a.ID, Email: tc.email}, tc.password); hookline.ErrorCode(err) != tc.code {
			t.Errorf("%s: got %v, want %s", tc.name, err, tc.code)
		}
	}
	for _, tc := range []struct{ email, password string }{{"ada@example.com", "wrong"}, {"nobody@example.com", "correct horse"}} {
		if _, err := db.AuthenticateUser(ctx, tc.email, tc.password); hookline.ErrorCode(err) != hookline.EUnauthorized {
			t.Errorf("%s/%s: got %v, want unauthorized", tc.email, tc.password, err)
		}
	}
	got, err := db.AuthenticateUser(ctx, "ADA@example.com", "correct horse")
	if err != nil || got.ID != u.ID || got.AccountID != a.ID {
		t.Fatalf("authenticate: %+v %v", got, err)
	}
	token, s, err := db.CreateSession(ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Add(hookline.SessionTTL); !s.ExpiresAt.Equal(want) {
		t.Errorf("expires %v, want %v", s.ExpiresAt, want)
	}
	found, err := db.FindSession(ctx, token)
	if err != nil || found.UserID != u.ID || found.AccountID != a.ID || found.Email != u.Email {
		t.Fatalf("find session: %+v %v", found, err)
	}
	if _, err := db.FindSession(ctx, token+"x"); hookline.ErrorCode(err) != hookline.EUnauthorized {
		t.Errorf("wrong token: %v", err)
	}
	now = now.Add(hookline.SessionTTL + time.Second)
	if _, err := db.FindSession(ctx, token); hookline.ErrorCode(err) != hookline.EUnauthorized {
		t.Errorf("expired session: %v", err)
	}
	token2, _, err := db.CreateSession(ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSession(ctx, token2); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindSession(ctx, token2); hookline.ErrorCode(err) != hookline.EUnauthorized {
		t.Errorf("deleted session: %v", err)
	}
}
