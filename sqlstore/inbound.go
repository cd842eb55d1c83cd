package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"hookline"
)

var _ hookline.InboundStore = (*DB)(nil)

// AddInbound stores a text a phone sent back.
func (db *DB) AddInbound(ctx context.Context, m *hookline.InboundMessage) error {
	if m.ReceivedAt.IsZero() {
		m.ReceivedAt = db.now().UTC()
	}
	return db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		return tx.QueryRowContext(ctx, `INSERT INTO inbound_messages (account_id, from_phone, to_addr, text, keyword, carrier, carrier_id, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			m.AccountID, m.From, m.To, m.Text, string(m.Keyword), m.Carrier, m.CarrierID, m.ReceivedAt.UnixMicro()).Scan(&m.ID)
	})
}

// FindInbound returns a page of the account's inbound texts, newest first.
func (db *DB) FindInbound(ctx context.Context, f hookline.InboundFilter) ([]*hookline.InboundMessage, string, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	q := `SELECT id, from_phone, to_addr, text, keyword, carrier, carrier_id, received_at FROM inbound_messages WHERE account_id = $1`
	args := []any{f.AccountID}
	if f.Phone != "" {
		args = append(args, f.Phone)
		q += ` AND from_phone = $2`
	}
	if f.Cursor != "" {
		id, _, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		args = append(args, id)
		q += fmt.Sprintf(` AND id < $%d`, len(args))
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY id DESC LIMIT `+strconv.Itoa(f.Limit+1), args...)
	if err != nil {
		return nil, "", fmt.Errorf("find inbound: %w", err)
	}
	defer rows.Close()
	out := []*hookline.InboundMessage{}
	for rows.Next() {
		m := &hookline.InboundMessage{AccountID: f.AccountID}
		var at int64
		if err := rows.Scan(&m.ID, &m.From, &m.To, &m.Text, &m.Keyword, &m.Carrier, &m.CarrierID, &at); err != nil {
			return nil, "", err
		}
		m.ReceivedAt = fromMicros(at)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = encodeCursor(out[len(out)-1].ID, "")
	}
	return out, next, nil
}

// AccountsForPhone returns the accounts that have messaged the phone, the
// most recent first. When from is set and some account sent to the phone
// from that address, only those accounts are returned: a reply to a shared
// number reaches every account that used it, a reply to a dedicated one
// only its owner.
func (db *DB) AccountsForPhone(ctx context.Context, phone, from string) ([]int64, error) {
	if from != "" {
		ids, err := db.accountsForPhone(ctx, `SELECT account_id, MAX(created_at) FROM messages WHERE phone = $1 AND from_addr = $2 GROUP BY account_id ORDER BY 2 DESC`, phone, from)
		if err != nil || len(ids) > 0 {
			return ids, err
		}
	}
	return db.accountsForPhone(ctx, `SELECT account_id, MAX(created_at) FROM messages WHERE phone = $1 GROUP BY account_id ORDER BY 2 DESC`, phone)
}

func (db *DB) accountsForPhone(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("accounts for phone: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id, at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
