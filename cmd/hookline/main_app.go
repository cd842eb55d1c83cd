package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"hookline"
	"hookline/carrier/simulator"
	"hookline/compliance"
	"hookline/jobs"
	"hookline/server"
	"hookline/sqlstore"
	"hookline/voicemail"
)

// Main is a running Hookline node: the database, the job queue, the
// carriers and the HTTP server. Tests run it in-process on port 0.
type Main struct {
	Config Config
	Logger *slog.Logger

	DB     *sqlstore.DB
	River  *river.Client[*sql.Tx]
	Sim    *simulator.Carrier
	Server *server.Server
	// Metrics are the node's Prometheus metrics, served at /metrics.
	Metrics *server.Metrics
	HTTP    *http.Server
	// Voicemail resolves, stores and transcodes voicemail audio.
	Voicemail *voicemail.Service
	ln        net.Listener
	lock      *os.File
	// URL is where the server listens, like http://127.0.0.1:8080.
	URL string

	// Inbound applies texts phones send back (STOP, HELP, ...), whatever
	// the carrier.
	Inbound  *compliance.Inbound
	carriers carrierSet
}

// NewMain returns a node with the given config.
func NewMain(cfg Config) *Main {
	return &Main{Config: cfg, Logger: slog.Default()}
}

// openDB opens and migrates the database (application and River tables).
func openDB(ctx context.Context, cfg Config) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, sqlstore.Config{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, JobBatchWait: cfg.JobBatchWait})
	if err != nil {
		return nil, err
	}
	// The writer starts first so that Close, on a failed migration, has a
	// writer to stop; nothing writes through it before Migrate returns.
	db.Start()
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := migrateRiver(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// riverDriverT is River's driver over database/sql, for either backend.
type riverDriverT = riverdriver.Driver[*sql.Tx]

func riverDriver(db *sqlstore.DB) riverDriverT {
	if db.Dialect() == sqlstore.Postgres {
		return riverdatabasesql.New(db.WriteDB())
	}
	return riversqlite.New(db.WriteDB())
}

// riverMigrateLock is the PostgreSQL advisory lock key ("hklnrivr") that
// serialises River's migrations when several nodes start at once:
// rivermigrate takes no lock of its own.
const riverMigrateLock int64 = 0x686b6c6e72697672

func migrateRiver(ctx context.Context, db *sqlstore.DB) error {
	m, err := rivermigrate.New(riverDriver(db), nil)
	if err != nil {
		return fmt.Errorf("river migrator: %w", err)
	}
	if db.Dialect() != sqlstore.Postgres {
		if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
			return fmt.Errorf("river migrate: %w", err)
		}
		return nil
	}
	// A session lock held on one connection while the migrations run on
	// others: River's migrations cannot share one transaction (one adds an
	// enum value that a later one uses).
	conn, err := db.WriteDB().Conn(ctx)
	if err != nil {
		return fmt.Errorf("river migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", riverMigrateLock); err != nil {
		return fmt.Errorf("river migrate lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", riverMigrateLock)
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrate: %w", err)
	}
	return nil
}

// Run opens everything and starts serving; it returns once the node is up.
func (m *Main) Run(ctx context.Context) (err error) {
	cfg := m.Config
	if !sqlstore.IsPostgresURL(cfg.DatabaseURL) {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return err
		}
		if m.lock, err = lockDataDir(cfg.DataDir); err != nil {
			return err
		}
	}
	if m.DB, err = openDB(ctx, cfg); err != nil {
		return err
	}
	if err := m.startCarriers(ctx); err != nil {
		return err
	}
	if m.Voicemail, err = m.newVoicemail(ctx); err != nil {
		return err
	}
	if err := m.startRiver(ctx); err != nil {
		return err
	}
	return m.startHTTP()
}

func (m *Main) startRiver(ctx context.Context) error {
	workers := river.NewWorkers()
	m.Metrics = server.NewMetrics(opsSource{m})
	if err := m.addCallbackWorker(workers); err != nil {
		return err
	}
	gate := &compliance.Gate{OptOuts: m.DB, Triggers: m.DB, Now: m.Config.Now}
	river.AddWorker(workers, &jobs.DeliverWorker{Store: m.DB, SMS: m.carriers.SMS, Voicemail: m.carriers.Voicemail, Audio: m.Voicemail, Gate: gate, Logger: m.Logger, JobTimeout: jobTimeout(m.Config.RescueAfter), Observe: m.Metrics.ObserveSend})
	var err error
	m.River, err = river.NewClient(riverDriver(m.DB), &river.Config{
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: m.Config.DeliverWorkers}},
		Workers:              workers,
		FetchCooldown:        min(25*time.Millisecond, m.Config.FetchPollInterval),
		FetchPollInterval:    m.Config.FetchPollInterval,
		RescueStuckJobsAfter: m.Config.RescueAfter,
		JobTimeout:           jobTimeout(m.Config.RescueAfter),
		Logger:               m.Logger.With("component", "river"),
	})
	if err != nil {
		return fmt.Errorf("river client: %w", err)
	}
	m.DB.EnqueueDelivery = m.enqueueDelivery
	m.DB.EnqueueDeliveryAt = m.enqueueDeliveryAt
	if n, err := resumeOrphanedJobs(ctx, m.DB); err != nil {
		return err
	} else if n > 0 {
		m.Logger.Info("resumed jobs of a previous run", "jobs", n)
	}
	if n, err := m.DB.ResumeDeliveries(ctx); err != nil {
		return fmt.Errorf("resume deliveries: %w", err)
	} else if n > 0 {
		m.Logger.Info("queued messages of a previous run given their delivery job", "messages", n)
	}
	return m.River.Start(ctx)
}

// jobTimeout is how long a delivery job may run: three quarters of the
// rescue delay, so River never rescues a job that is still running on a live
// node (it only takes over the jobs of a node that died).
func jobTimeout(rescueAfter time.Duration) time.Duration {
	return rescueAfter * 3 / 4
}

// enqueueDelivery inserts the delivery jobs of a commit batch in its
// transaction: one job per up to jobs.MaxDeliverBatch messages.
func (m *Main) enqueueDelivery(ctx context.Context, tx *sql.Tx, ids []string) error {
	return m.insertDeliver(ctx, tx, ids, nil)
}

func (m *Main) enqueueDeliveryAt(ctx context.Context, tx *sql.Tx, ids []string, at time.Time) error {
	return m.insertDeliver(ctx, tx, ids, &river.InsertOpts{ScheduledAt: at})
}

func (m *Main) insertDeliver(ctx context.Context, tx *sql.Tx, ids []string, opts *river.InsertOpts) error {
	var params []river.InsertManyParams
	for len(ids) > 0 {
		n := min(len(ids), jobs.MaxDeliverBatch)
		params = append(params, river.InsertManyParams{Args: jobs.DeliverArgs{MessageIDs: ids[:n]}, InsertOpts: opts})
		ids = ids[n:]
	}
	_, err := m.River.InsertManyTx(ctx, tx, params)
	return err
}

func (m *Main) startHTTP() error {
	cfg := m.Config
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	m.ln = ln
	m.URL = "http://" + ln.Addr().String()
	base := cfg.BaseURL
	if base == "" {
		base = m.URL
	}
	m.Server = &server.Server{
		BaseURL: base, DefaultRegion: cfg.DefaultRegion, MaxBodyBytes: cfg.MaxBodyBytes,
		Accounts: m.DB, Triggers: m.DB, Messages: m.DB, Contacts: m.DB, Inbox: m.DB,
		Logger: m.Logger, Carriers: m.carriers.Handler,
	}
	if m.Sim != nil { // a nil *Carrier would make a non-nil interface
		m.Server.Simulator = m.Sim
	}
	m.wireOps(m.Server)
	m.Server.Admission = &compliance.Admission{OptOuts: m.DB.AdmissionOptOuts(), Now: cfg.Now}
	m.Server.Audio, m.Server.AudioLibrary = m.Voicemail, m.Voicemail
	m.Voicemail.SetMediaBase(base)
	m.Server.OptOuts, m.Server.InboundStore, m.Server.Settings = m.DB, m.DB, m.DB
	m.Server.InboundHandler = m.Inbound
	if err := m.mountDashboard(); err != nil {
		return err
	}
	m.HTTP = &http.Server{
		Handler:           m.Server.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	go func() {
		if err := m.HTTP.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("http server", "err", err)
		}
	}()
	return nil
}

// Close stops the node gracefully: no new requests, requests in flight
// finished, running jobs finished, then everything committed and closed.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeout)
	defer cancel()
	var errs []error
	if m.HTTP != nil {
		m.Server.Drain()
		errs = append(errs, m.HTTP.Shutdown(ctx))
	}
	if m.River != nil {
		errs = append(errs, m.River.Stop(ctx))
	}
	errs = append(errs, m.closeCarriers())
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	if m.lock != nil {
		m.lock.Close()
	}
	return errors.Join(errs...)
}

var _ hookline.StatusReporter = (*sqlstore.DB)(nil)

func exitf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}
