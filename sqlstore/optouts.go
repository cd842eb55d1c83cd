package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"hookline"
)

var _ hookline.OptOutService = (*DB)(nil)

// AddOptOuts puts phones on the account's suppression list in one write.
// A phone already on it keeps its first source and time.
func (db *DB) AddOptOuts(ctx context.Context, accountID int64, phones []string, source string) (int, error) {
	added := 0
	err := db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		added = 0
		now := db.micros()
		for _, p := range phones {
			res, err := tx.ExecContext(ctx, `INSERT INTO opt_outs (account_id, phone, source, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, phone) DO NOTHING`,
				accountID, p, source, now)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		return nil
	})
	db.optOuts.forget()
	return added, err
}

// RemoveOptOut takes the phone off the account's list.
func (db *DB) RemoveOptOut(ctx context.Context, accountID int64, phone string) (bool, error) {
	var removed bool
	err := db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM opt_outs WHERE account_id = $1 AND phone = $2`, accountID, phone)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		removed = n > 0
		return nil
	})
	return removed, err
}

// IsOptedOut reports whether the phone is on the account's list.
func (db *DB) IsOptedOut(ctx context.Context, accountID int64, phone string) (bool, error) {
	var one int
	err := db.read.QueryRowContext(ctx, `SELECT 1 FROM opt_outs WHERE account_id = $1 AND phone = $2`, accountID, phone).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// OptedOutAmong returns which of the phones are on the account's list, with
// one query per few hundred phones.
func (db *DB) OptedOutAmong(ctx context.Context, accountID int64, phones []string) (map[string]bool, error) {
	flat := make([]any, len(phones))
	for i, p := range phones {
		flat[i] = p
	}
	return db.stringsIn(ctx, db.read, `SELECT phone FROM opt_outs WHERE account_id = $1 AND phone IN (%s)`, []any{accountID}, flat)
}

// FindOptOuts returns a page of the account's list, newest first.
func (db *DB) FindOptOuts(ctx context.Context, f hookline.OptOutFilter) ([]*hookline.OptOut, string, error) {
	if f.Limit <= 0 || f.Limit > 10000 {
		f.Limit = 100
	}
	q := `SELECT phone, source, created_at FROM opt_outs WHERE account_id = $1`
	args := []any{f.AccountID}
	if f.Cursor != "" {
		at, phone, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		q += ` AND (created_at < $2 OR (created_at = $2 AND phone < $3))`
		args = append(args, at, phone)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY created_at DESC, phone DESC LIMIT `+strconv.Itoa(f.Limit+1), args...)
	if err != nil {
		return nil, "", fmt.Errorf("find opt-outs: %w", err)
	}
	defer rows.Close()
	out := []*hookline.OptOut{}
	for rows.Next() {
		o := &hookline.OptOut{AccountID: f.AccountID}
		var at int64
		if err := rows.Scan(&o.Phone, &o.Source, &at); err != nil {
			return nil, "", err
		}
		o.CreatedAt = fromMicros(at)
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		last := out[len(out)-1]
		next = encodeCursor(last.CreatedAt.UnixMicro(), last.Phone)
	}
	return out, next, nil
}
