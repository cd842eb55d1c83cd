// Package sqlstore implements Hookline's services on database/sql, for
// SQLite (the embedded default, through modernc.org/sqlite) and PostgreSQL
// (through pgx's database/sql driver). Every write goes through one writer
// goroutine that group-commits many requests in one transaction; reads use a
// separate pool.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"hookline"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// Dialect names a SQL backend.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Config says which database to open.
type Config struct {
	// DatabaseURL selects PostgreSQL when it starts with postgres:// or
	// postgresql://; otherwise SQLite is used in DataDir.
	DatabaseURL string
	DataDir     string
	// Now is the clock; time.Now when nil.
	Now hookline.Clock
	// MaxBatch bounds how many writes are committed together.
	MaxBatch int
	// JobBatchWait, on SQLite, is how long messages accepted for delivery
	// may wait for later commits to share their delivery job (0: a job per
	// commit).
	JobBatchWait time.Duration
}

// DB is an open Hookline database.
type DB struct {
	dialect Dialect
	// write is the pool every write goes through; on SQLite it has one
	// connection, shared with River.
	write *sql.DB
	// read serves queries; on SQLite it is a separate pool of readers.
	read *sql.DB
	// ckpt checkpoints the SQLite WAL in the background (nil on PostgreSQL).
	ckpt     *sql.DB
	ckptStop chan struct{}
	ckptDone chan struct{}
	now      hookline.Clock
	writer   *writer
	// triggers caches triggers for the webhook path.
	triggers triggerCache
	// optOuts remembers accounts with empty suppression lists, for the
	// webhook's admission check.
	optOuts optOutCache

	// EnqueueDelivery inserts, in the writer's transaction, the job that
	// delivers the messages committed in it. It is set by the wiring
	// before Start; without it messages are stored but nothing delivers them.
	EnqueueDelivery func(ctx context.Context, tx *sql.Tx, messageIDs []string) error
	// EnqueueDeliveryAt schedules delivery of held messages for later.
	EnqueueDeliveryAt func(ctx context.Context, tx *sql.Tx, messageIDs []string, at time.Time) error
	// EnqueueCallbacks inserts, in the writer's transaction, the jobs that
	// send the status callbacks recorded in it (messageIDs may repeat).
	EnqueueCallbacks func(ctx context.Context, tx *sql.Tx, messageIDs []string) error
}

// Open opens the database described by cfg. Call Migrate, then Start.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	db := &DB{now: cfg.Now}
	if db.now == nil {
		db.now = time.Now
	}
	var err error
	if IsPostgresURL(cfg.DatabaseURL) {
		err = db.openPostgres(ctx, cfg.DatabaseURL)
	} else {
		err = db.openSQLite(ctx, cfg.DataDir)
	}
	if err != nil {
		return nil, err
	}
	db.writer = newWriter(db, cfg.MaxBatch, db.dialect == SQLite, cfg.JobBatchWait)
	return db, nil
}

// IsPostgresURL reports whether s names a PostgreSQL database.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

func (db *DB) openSQLite(ctx context.Context, dir string) error {
	if dir == "" {
		dir = "hookline-data"
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(dir, "hookline.db")
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
	db.dialect = SQLite
	var err error
	// The writer never checkpoints inside a commit, which would stall every
	// request waiting on it: the checkpointer copies the log beside it, and
	// the writer finishes the copy between two commits now and then so the
	// log can start over (writer.checkpoint). A log that grew past 64 MiB is
	// cut back to that when it starts over.
	//
	// The connection opens with synchronous=NORMAL, for River's bookkeeping
	// on it; the writer switches it to FULL for each of its own transactions
	// (see writer.durable), so every answered write is fsynced first.
	writeDSN := strings.Replace(dsn, "synchronous(FULL)", "synchronous(NORMAL)", 1)
	if db.write, err = openCached(writeDSN + "&_txlock=immediate&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(67108864)"); err != nil {
		return fmt.Errorf("open sqlite: %w", err)
	}
	// One writer connection: SQLite has one writer at a time, and River
	// shares this pool, so nothing ever waits on SQLITE_BUSY in-process.
	db.write.SetMaxOpenConns(1)
	db.write.SetConnMaxIdleTime(0)
	if db.ckpt, err = sql.Open("sqlite", dsn); err != nil {
		return fmt.Errorf("open sqlite checkpointer: %w", err)
	}
	db.ckpt.SetMaxOpenConns(1)
	if db.read, err = openCached(dsn + "&_pragma=query_only(1)"); err != nil {
		return fmt.Errorf("open sqlite readers: %w", err)
	}
	db.read.SetMaxOpenConns(8)
	db.read.SetMaxIdleConns(8)
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite %s: %w", path, err)
	}
	return nil
}

func (db *DB) openPostgres(ctx context.Context, dsn string) error {
	db.dialect = Postgres
	var err error
	if db.write, err = sql.Open("pgx", dsn); err != nil {
		return fmt.Errorf("open postgres: %w", err)
	}
	db.write.SetMaxOpenConns(20)
	db.write.SetMaxIdleConns(20)
	db.read = db.write
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("ping postgres: %w", err)
	}
	return nil
}

// Dialect returns the backend in use.
func (db *DB) Dialect() Dialect { return db.dialect }

// orFail is the conflict clause of the writer's multi-row statements: "OR
// FAIL " on SQLite, nothing on PostgreSQL (which has no such clause). A
// statement that changes several rows and might stop part-way on a
// constraint (the default, OR ABORT) makes SQLite copy every page it touches
// into a statement journal first, to undo its own part; past 64 KiB that
// journal is a temporary file, opened, written and closed per statement.
// The writer never needs that: an error in a statement aborts the whole
// transaction, which is rolled back and its ops retried one by one.
func (db *DB) orFail() string {
	if db.dialect == SQLite {
		return "OR FAIL "
	}
	return ""
}

// WriteDB returns the pool that River must share.
func (db *DB) WriteDB() *sql.DB { return db.write }

// ReadDB returns the pool used for queries.
func (db *DB) ReadDB() *sql.DB { return db.read }

// Migrate applies the embedded application migrations. On PostgreSQL an
// advisory lock keeps nodes that start at once from racing.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.migrator()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// migrator returns the goose provider of the embedded migrations.
func (db *DB) migrator() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db.write, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Start starts the writer goroutine and, on SQLite, the checkpointer.
func (db *DB) Start() {
	db.writer.start()
	if db.ckpt != nil {
		db.ckptStop, db.ckptDone = make(chan struct{}), make(chan struct{})
		go db.checkpointLoop()
	}
}

// checkpointLoop copies the WAL back into the database file ten times a
// second, so that the writer's own checkpoint (writer.checkpoint), which
// lets the log restart, has little left to copy. PASSIVE mode never blocks
// the writer or readers.
func (db *DB) checkpointLoop() {
	defer close(db.ckptDone)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if _, err := db.ckpt.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
				slog.Warn("wal checkpoint", "err", err)
			}
		case <-db.ckptStop:
			return
		}
	}
}

// Close stops the writer after it has committed what it holds, then closes
// the pools.
func (db *DB) Close() error {
	db.writer.stop()
	if db.ckpt != nil {
		if db.ckptStop != nil {
			close(db.ckptStop)
			<-db.ckptDone
		}
		_, _ = db.ckpt.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
		db.ckpt.Close()
	}
	if db.read != db.write {
		db.read.Close()
	}
	return db.write.Close()
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.read.PingContext(ctx)
}

func (db *DB) micros() int64 { return db.now().UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }
