package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"hookline"
	"hookline/sqlstore"
)

// TestAdmissionOptOuts checks the webhook's opt-out check: an opt-out made
// through the same node counts at once, one made through another handle on
// the database within OptOutCacheTTL, while the send-time lookup sees it at
// once.
func TestAdmissionOptOuts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openStore(t, sqlstore.Config{DataDir: dir})
	other := openStore(t, sqlstore.Config{DataDir: dir}) // another node
	acc, err := db.FindOrCreateAccount(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	check := db.AdmissionOptOuts()
	const a, b = "+12125550001", "+12125550002"
	for range 3 {
		if out, err := check.IsOptedOut(ctx, acc.ID, a); out || err != nil {
			t.Fatalf("empty list: %v, %v", out, err)
		}
	}
	if _, err := db.AddOptOuts(ctx, acc.ID, []string{a}, hookline.OptOutAPI); err != nil {
		t.Fatal(err)
	}
	if out, err := check.IsOptedOut(ctx, acc.ID, a); !out || err != nil {
		t.Fatalf("right after an opt-out through this node: %v, %v; want opted out", out, err)
	}
	if out, err := check.IsOptedOut(ctx, acc.ID, b); out || err != nil {
		t.Fatalf("a phone not on the list: %v, %v", out, err)
	}

	acc2, err := db.FindOrCreateAccount(ctx, "globex")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := check.IsOptedOut(ctx, acc2.ID, b); out || err != nil {
		t.Fatalf("empty list: %v, %v", out, err)
	}
	if _, err := other.AddOptOuts(ctx, acc2.ID, []string{b}, hookline.OptOutAPI); err != nil {
		t.Fatal(err)
	}
	if got, err := db.OptedOutAmong(ctx, acc2.ID, []string{a, b}); err != nil || !got[b] || got[a] {
		t.Fatalf("send-time lookup right after another node's opt-out: %v, %v", got, err)
	}
	deadline := time.Now().Add(sqlstore.OptOutCacheTTL + 2*time.Second)
	for {
		out, err := check.IsOptedOut(ctx, acc2.ID, b)
		if err != nil {
			t.Fatal(err)
		}
		if out {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("another node's opt-out not seen %v later", sqlstore.OptOutCacheTTL+2*time.Second)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
