package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"time"
)

// reserveTokensSQL takes up to want tokens from a bucket in one statement,
// per dialect: $1 name, $2 the new bucket's tokens after its first grant, $3
// now (unix µs), $4 that first grant, $5 want, $6 burst, $7 rate per second.
// Tokens accrue from the latest updated_at any node wrote: a node whose
// clock is behind adds none until it catches up, so clock skew between
// nodes can slow the limit but never exceed it.
var reserveTokensSQL = map[Dialect]string{
	SQLite: `INSERT INTO carrier_rate (name, tokens, updated_at, granted) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO UPDATE SET
			granted = MAX(0, MIN($5, CAST(MIN($6, carrier_rate.tokens + MAX(0, $3 - carrier_rate.updated_at) * $7 / 1e6) AS INTEGER))),
			tokens = MIN($6, carrier_rate.tokens + MAX(0, $3 - carrier_rate.updated_at) * $7 / 1e6)
				- MAX(0, MIN($5, CAST(MIN($6, carrier_rate.tokens + MAX(0, $3 - carrier_rate.updated_at) * $7 / 1e6) AS INTEGER))),
			updated_at = MAX(carrier_rate.updated_at, $3)
		RETURNING granted, tokens`,
	Postgres: `INSERT INTO carrier_rate (name, tokens, updated_at, granted) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO UPDATE SET
			granted = GREATEST(0, LEAST($5::float8, FLOOR(LEAST($6::float8, carrier_rate.tokens + GREATEST(0, $3 - carrier_rate.updated_at) * $7::float8 / 1e6)))),
			tokens = LEAST($6::float8, carrier_rate.tokens + GREATEST(0, $3 - carrier_rate.updated_at) * $7::float8 / 1e6)
				- GREATEST(0, LEAST($5::float8, FLOOR(LEAST($6::float8, carrier_rate.tokens + GREATEST(0, $3 - carrier_rate.updated_at) * $7::float8 / 1e6)))),
			updated_at = GREATEST(carrier_rate.updated_at, $3)
		RETURNING granted, tokens`,
}

// ReserveTokens takes up to want tokens from the deployment-wide token
// bucket name, which refills at rate tokens per second up to burst. It
// returns how many it got and, when none, how long until the next token.
//
// The bucket is one row updated by one statement in the writer, so the
// cost is one write per reservation: callers reserve tokens in chunks (see
// carrier/sharedrate) rather than one per message. On PostgreSQL the row
// lock orders the reservations of every node, so together they never take
// more than burst + rate × t tokens in any span t.
func (db *DB) ReserveTokens(ctx context.Context, name string, rate, burst float64, want int) (granted int, wait time.Duration, err error) {
	if rate <= 0 || burst < 1 || want < 1 {
		return 0, 0, errors.New("sqlstore: ReserveTokens needs rate > 0, burst >= 1 and want >= 1")
	}
	var tokens float64
	err = db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		first := math.Min(float64(want), math.Floor(burst))
		return tx.QueryRowContext(ctx, reserveTokensSQL[db.dialect], name, burst-first, db.micros(), int64(first), float64(want), burst, rate).Scan(&granted, &tokens)
	})
	if err != nil || granted > 0 {
		return granted, 0, err
	}
	wait = time.Duration((1 - tokens) / rate * float64(time.Second))
	return 0, max(wait, time.Millisecond), nil
}
