// Package pgtest gives tests a fresh PostgreSQL database each, on the
// throwaway cluster named by HOOKLINE_TEST_POSTGRES_URL (scripts/test.sh
// starts one). Tests that need PostgreSQL skip when it is not set, unless
// HOOKLINE_REQUIRE_PEERS=1 makes a missing peer a failure.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// EnvURL names the variable holding the cluster's URL.
const EnvURL = "HOOKLINE_TEST_POSTGRES_URL"

// Available reports whether a test cluster is configured.
func Available() bool { return os.Getenv(EnvURL) != "" }

// Skip skips t when no cluster is configured, or fails it when peers are
// required.
func Skip(t testing.TB) {
	t.Helper()
	if Available() {
		return
	}
	if os.Getenv("HOOKLINE_REQUIRE_PEERS") == "1" {
		t.Fatalf("%s is not set and HOOKLINE_REQUIRE_PEERS=1", EnvURL)
	}
	t.Skipf("%s is not set; run scripts/test.sh for PostgreSQL tests", EnvURL)
}

// URL creates an empty database named hl_<random> and returns its URL. The
// database is dropped (with any connections still open) when t ends, so
// tests can run in parallel without seeing each other's rows.
func URL(t testing.TB) string {
	t.Helper()
	Skip(t)
	base := os.Getenv(EnvURL)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvURL, err)
	}
	raw := make([]byte, 8)
	_, _ = rand.Read(raw)
	name := "hl_" + hex.EncodeToString(raw)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", EnvURL, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
