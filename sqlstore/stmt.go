package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// stmt returns the prepared statement of query bound to tx, or nil when it is
// not prepared yet. The SQLite driver has no statement cache of its own, so
// without this every statement of the hot path would be parsed again for
// each request. A statement cannot be prepared while the writer's
// transaction holds the pool's only connection, so a miss is noted and the
// writer prepares it between transactions. PostgreSQL's driver caches
// statements itself.
func (db *DB) stmt(ctx context.Context, tx *sql.Tx, query string) *sql.Stmt {
	if db.dialect != SQLite {
		return nil
	}
	if s, ok := db.stmts.Load(query); ok {
		return tx.StmtContext(ctx, s.(*sql.Stmt))
	}
	db.wanted.Store(query, struct{}{})
	return nil
}

// prepareWanted prepares the statements that missed the cache. The writer
// calls it when it holds no transaction.
func (db *DB) prepareWanted(ctx context.Context) {
	db.wanted.Range(func(k, _ any) bool {
		q := k.(string)
		db.wanted.Delete(q)
		if s, err := db.write.PrepareContext(ctx, q); err == nil {
			db.stmts.Store(q, s)
		}
		return true
	})
}

// closeStmts closes the cached statements.
func (db *DB) closeStmts() {
	for _, m := range []*sync.Map{&db.stmts, &db.readStmts} {
		m.Range(func(k, v any) bool {
			v.(*sql.Stmt).Close()
			m.Delete(k)
			return true
		})
	}
}

// exec runs query in tx, prepared when it can be.
func (db *DB) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if s := db.stmt(ctx, tx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, query, args...)
}

// queryRow runs a single-row query in tx, prepared when it can be.
func (db *DB) queryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if s := db.stmt(ctx, tx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

// query runs a query in tx, prepared when it can be.
func (db *DB) query(ctx context.Context, tx *sql.Tx, query string, args ...any) (*sql.Rows, error) {
	if s := db.stmt(ctx, tx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, query, args...)
}

// readRow runs a single-row query on the read pool, prepared once.
func (db *DB) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	if db.dialect != SQLite {
		return db.read.QueryRowContext(ctx, query, args...)
	}
	s, ok := db.readStmts.Load(query)
	if !ok {
		ps, err := db.read.PrepareContext(ctx, query)
		if err != nil {
			return db.read.QueryRowContext(ctx, query, args...)
		}
		if prev, loaded := db.readStmts.LoadOrStore(query, ps); loaded {
			ps.Close()
			s = prev
		} else {
			s = ps
		}
	}
	return s.(*sql.Stmt).QueryRowContext(ctx, args...)
}
