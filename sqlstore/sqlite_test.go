package sqlstore_test

import (
	"context"
	"testing"

	"hookline"
	"hookline/sqlstore"
	"hookline/storetest"
)

// openStore opens, migrates and starts a store and closes it when t ends.
func openStore(t *testing.T, cfg sqlstore.Config) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	db.Start()
	return db
}

// TestSQLiteConformance runs the store suite on SQLite.
func TestSQLiteConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, now hookline.Clock) storetest.Store {
		return openStore(t, sqlstore.Config{DataDir: t.TempDir(), Now: now})
	})
}
