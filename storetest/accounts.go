package storetest

import (
	"testing"

	"hookline"
)

func testAccounts(t *testing.T, open Opener) {
	c := newClock()
	s := open(t, c.Now)
	start := c.Now()
	a := mustAccount(t, s, "acme")
	c.Add(1e9)
	again := mustAccount(t, s, " acme ")
	if again.ID != a.ID || !again.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("second FindOrCreateAccount = %+v, want %+v", again, a)
	}
	if !a.CreatedAt.Equal(start) {
		t.Fatalf("created_at = %v", a.CreatedAt)
	}
	other := mustAccount(t, s, "globex")
	if other.ID == a.ID {
		t.Fatalf("two accounts share id %d", a.ID)
	}
	_, err := s.FindOrCreateAccount(ctx, "  ")
	wantCode(t, err, hookline.EInvalid)
}

func testAPIKeys(t *testing.T, open Opener) {
	s := open(t, newClock().Now)
	a := mustAccount(t, s, "acme")
	b := mustAccount(t, s, "globex")
	secret, k, err := s.CreateAPIKey(ctx, a.ID, "ci")
	must(t, err)
	got, err := s.Authenticate(ctx, secret)
	must(t, err)
	if got.ID != a.ID || got.Name != "acme" {
		t.Fatalf("Authenticate = %+v, want account %d", got, a.ID)
	}
	_, err = s.Authenticate(ctx, secret+"x")
	wantCode(t, err, hookline.EUnauthorized)

	keys, err := s.FindAPIKeys(ctx, a.ID)
	must(t, err)
	if len(keys) != 1 || keys[0].ID != k.ID || keys[0].Name != "ci" || keys[0].RevokedAt != nil {
		t.Fatalf("FindAPIKeys = %+v", keys)
	}
	// Another account can neither see nor revoke the key.
	wantCode(t, s.RevokeAPIKey(ctx, b.ID, k.ID), hookline.ENotFound)
	must(t, s.RevokeAPIKey(ctx, a.ID, k.ID))
	wantCode(t, s.RevokeAPIKey(ctx, a.ID, k.ID), hookline.ENotFound)
	_, err = s.Authenticate(ctx, secret)
	wantCode(t, err, hookline.EUnauthorized)
	keys, err = s.FindAPIKeys(ctx, a.ID)
	must(t, err)
	if len(keys) != 1 || keys[0].RevokedAt == nil {
		t.Fatalf("after revoke FindAPIKeys = %+v, want revoked_at set", keys)
	}
}
