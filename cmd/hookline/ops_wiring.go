package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/netip"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"hookline"
	"hookline/audio"
	"hookline/jobs"
	"hookline/server"
)

// addCallbackWorker registers the status-callback worker and the hook that
// enqueues its jobs in the writer's transaction. Callbacks go through the
// same safe client as audio fetches: only public addresses, unless the
// operator allows networks with --callback-allow.
func (m *Main) addCallbackWorker(workers *river.Workers) error {
	client, err := callbackClient(m.Config.CallbackAllow)
	if err != nil {
		return err
	}
	river.AddWorker(workers, &jobs.CallbackWorker{Store: m.DB, Client: client, Logger: m.Logger, Observe: m.Metrics.ObserveCallback, RetryBase: m.Config.CallbackRetryBase})
	m.DB.EnqueueCallbacks = func(ctx context.Context, tx *sql.Tx, ids []string) error {
		_, err := m.River.InsertManyTx(ctx, tx, jobs.CallbackInsertParams(ids))
		return err
	}
	return nil
}

func callbackClient(allow []string) (*http.Client, error) {
	var prefixes []netip.Prefix
	for _, s := range allow {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("--callback-allow %q: %w", s, err)
		}
		prefixes = append(prefixes, p)
	}
	return audio.NewSafeClient(audio.ClientOptions{AllowCIDRs: prefixes, Timeout: 15 * time.Second}), nil
}

// opsSource feeds the metrics and readiness checks from the database and
// River's own tables.
type opsSource struct{ m *Main }

func (o opsSource) CountMessagesByStatus(ctx context.Context) (map[hookline.MessageStatus]int64, error) {
	return o.m.DB.CountMessagesByStatus(ctx)
}

// QueueStats counts waiting jobs by state and ages the oldest available one.
func (o opsSource) QueueStats(ctx context.Context) (*server.QueueStats, error) {
	q := &server.QueueStats{Jobs: map[string]int64{}}
	rows, err := o.m.DB.ReadDB().QueryContext(ctx, `SELECT state, COUNT(*) FROM river_job WHERE state IN ('available', 'scheduled', 'retryable') GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n int64
		if err := rows.Scan(&state, &n); err != nil {
			return nil, err
		}
		q.Jobs[state] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	res, err := o.m.River.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateAvailable).OrderBy(river.JobListOrderByScheduledAt, river.SortOrderAsc).First(1))
	if err != nil {
		return nil, err
	}
	if len(res.Jobs) > 0 {
		q.OldestAvailable = max(0, time.Since(res.Jobs[0].ScheduledAt))
	}
	return q, nil
}

// ready checks that the database and the job queue answer.
func (m *Main) ready(ctx context.Context) error {
	if err := m.DB.Ping(ctx); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	var n int
	if err := m.DB.ReadDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM river_job LIMIT 1) j`).Scan(&n); err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	return nil
}

// wireOps gives the HTTP server the operations and tenancy services.
func (m *Main) wireOps(s *server.Server) {
	s.Secrets, s.Rotator, s.Metrics, s.Ready = m.DB, m.DB, m.Metrics, m.ready
}
