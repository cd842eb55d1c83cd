package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"hookline/sqlstore"
)

// lockDataDir takes an exclusive lock on the data folder for the life of the
// process, so two servers never share one SQLite database (which would break
// resumeOrphanedJobs' reasoning). CLI commands such as `keys create` do not
// take it and may run beside the server.
func lockDataDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "serve.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("another hookline serve is using %s", dir)
	}
	return f, nil
}

// resumeOrphanedJobs makes the jobs that were running when the process last
// died available again. On SQLite only this process works the queue (the
// data folder is locked), so a job still marked running at start belongs to
// a process that is gone; waiting for River's rescuer would hold those
// messages back for the rescue delay. On PostgreSQL other nodes may be
// running them, so River's rescuer decides there.
func resumeOrphanedJobs(ctx context.Context, db *sqlstore.DB) (int64, error) {
	if db.Dialect() != sqlstore.SQLite {
		return 0, nil
	}
	res, err := db.WriteDB().ExecContext(ctx, `UPDATE river_job SET state = 'available' WHERE state = 'running'`)
	if err != nil {
		return 0, fmt.Errorf("resume orphaned jobs: %w", err)
	}
	return res.RowsAffected()
}
