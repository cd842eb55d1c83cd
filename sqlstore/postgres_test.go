package sqlstore_test

import (
	"testing"

	"hookline"
	"hookline/internal/pgtest"
	"hookline/sqlstore"
	"hookline/storetest"
)

// TestPostgresConformance runs the store suite on PostgreSQL, one fresh
// database per test.
func TestPostgresConformance(t *testing.T) {
	pgtest.Skip(t)
	t.Parallel()
	storetest.Run(t, func(t *testing.T, now hookline.Clock) storetest.Store {
		return openStore(t, sqlstore.Config{DatabaseURL: pgtest.URL(t), Now: now})
	})
}
