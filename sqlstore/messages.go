package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"hookline"
)

var _ hookline.MessageService = (*DB)(nil)

const messageColumns = `id, account_id, trigger_id, kind, phone, from_addr, body, encoding, segments, audio_id, status, error_code, carrier, carrier_id, scheduled_for, created_at, updated_at`

// scanMessage reads messageColumns, then any extra columns into extra.
func scanMessage(row interface{ Scan(...any) error }, extra ...any) (*hookline.Message, error) {
	m := &hookline.Message{}
	var scheduled sql.NullInt64
	var created, updated int64
	if err := row.Scan(append([]any{&m.ID, &m.AccountID, &m.TriggerID, &m.Kind, &m.Phone, &m.From, &m.Body, &m.Encoding, &m.Segments, &m.AudioID,
		&m.Status, &m.ErrorCode, &m.Carrier, &m.CarrierID, &scheduled, &created, &updated}, extra...)...); err != nil {
		return nil, err
	}
	if scheduled.Valid {
		t := fromMicros(scheduled.Int64)
		m.ScheduledFor = &t
	}
	m.CreatedAt, m.UpdatedAt = fromMicros(created), fromMicros(updated)
	return m, nil
}

// FindMessageByID returns the account's message with its events.
func (db *DB) FindMessageByID(ctx context.Context, accountID int64, id string) (*hookline.Message, error) {
	var history string
	m, err := scanMessage(db.read.QueryRowContext(ctx, `SELECT `+messageColumns+`, history FROM messages WHERE id = $1 AND account_id = $2`, id, accountID), &history)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hookline.Errorf(hookline.EMessageNotFound, "No message has this ID.")
	} else if err != nil {
		return nil, err
	}
	if m.Events, err = parseHistory(id, history); err != nil {
		return nil, err
	}
	return m, nil
}

// FindMessagesByIDs returns the messages with these ids, of any account.
func (db *DB) FindMessagesByIDs(ctx context.Context, ids []string) ([]*hookline.Message, error) {
	var out []*hookline.Message
	flat := make([]any, len(ids))
	for i, id := range ids {
		flat[i] = id
	}
	// chunked gives the IN list a few shapes with ? placeholders: a
	// delivery job's batch has any size, and a text per size, with
	// numbered placeholders the SQLite driver looks up one by one, cost
	// more than reading the rows.
	err := db.chunked(flat, 1, 500, 0, func(marks string, args []any) error {
		rows, err := db.read.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id IN (`+marks+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMessage(rows)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindMessages returns a page of the account's messages, newest first.
func (db *DB) FindMessages(ctx context.Context, f hookline.MessageFilter) ([]*hookline.Message, string, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	where := []string{"account_id = $1"}
	args := []any{f.AccountID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.TriggerID != "" {
		add("trigger_id = $%d", f.TriggerID)
	}
	if f.Phone != "" {
		add("phone = $%d", f.Phone)
	}
	if f.Status != "" {
		add("status = $%d", string(f.Status))
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		args = append(args, at, id)
		where = append(where, fmt.Sprintf("(created_at < $%d OR (created_at = $%d AND id < $%d))", len(args)-1, len(args)-1, len(args)))
	}
	q := `SELECT ` + messageColumns + ` FROM messages WHERE ` + strings.Join(where, " AND ") + fmt.Sprintf(` ORDER BY created_at DESC, id DESC LIMIT %d`, f.Limit+1)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	ms := []*hookline.Message{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, "", err
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(ms) > f.Limit {
		ms = ms[:f.Limit]
		last := ms[len(ms)-1]
		next = encodeCursor(last.CreatedAt.UnixMicro(), last.ID)
	}
	return ms, next, nil
}

func encodeCursor(at int64, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at, 10) + ":" + id))
}

func decodeCursor(c string) (int64, string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	bad := hookline.Errorf(hookline.EInvalidParameter, "The cursor is not valid; use the next_cursor of a previous page.")
	if err != nil {
		return 0, "", bad
	}
	at, id, ok := strings.Cut(string(raw), ":")
	n, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil {
		return 0, "", bad
	}
	return n, id, nil
}

// rank orders statuses so late or repeated reports never move a message
// backwards.
func rank(s hookline.MessageStatus) int {
	switch s {
	case hookline.StatusQueued, hookline.StatusScheduled:
		return 0
	case hookline.StatusSending:
		return 1
	case hookline.StatusSent:
		return 2
	}
	return 3
}

// ApplyStatusChanges records status changes in one group-committed write.
func (db *DB) ApplyStatusChanges(ctx context.Context, changes []hookline.StatusChange) error {
	return db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, b *batch) error {
		if len(changes) > 1 {
			return db.applyChangesBulk(ctx, tx, b, changes)
		}
		for _, c := range changes {
			if err := db.applyChange(ctx, tx, b, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// applyChange moves one message forward. A change that would move it back
// (a late "sent" after "delivered") only records the carrier id.
func (db *DB) applyChange(ctx context.Context, tx *sql.Tx, b *batch, c hookline.StatusChange) error {
	b.stage(c.MessageID, nil)
	var cur hookline.MessageStatus
	var carrierID string
	cb := callbackTarget{MessageID: c.MessageID}
	err := tx.QueryRowContext(ctx, `SELECT m.status, m.carrier_id, m.account_id, m.trigger_id, m.phone, COALESCE(t.status_callback_url, '')
		FROM messages m LEFT JOIN triggers t ON t.id = m.trigger_id WHERE m.id = $1`, c.MessageID).Scan(&cur, &carrierID, &cb.AccountID, &cb.TriggerID, &cb.Phone, &cb.URL)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	at := c.At
	if at.IsZero() {
		at = db.now()
	}
	if c.Status == hookline.StatusScheduled && c.ScheduledFor != nil && !cur.Final() {
		return db.reschedule(ctx, tx, b, cb, cur, c, at)
	}
	if c.CarrierID != "" && carrierID == "" {
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET carrier = $1, carrier_id = $2 WHERE id = $3`, c.Carrier, c.CarrierID, c.MessageID); err != nil {
			return err
		}
	}
	if c.Status != cur && !cur.Final() && (rank(c.Status) > rank(cur) || c.Status == hookline.StatusCanceled) {
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET status = $1, error_code = $2, updated_at = $3, history = history || $4 WHERE id = $5`,
			c.Status, c.ErrorCode, at.UnixMicro(), historyEntry(c.Status, c.ErrorCode, at.UnixMicro()), c.MessageID); err != nil {
			return err
		}
		if err := db.recordCallback(ctx, tx, b, cb, c.Status, c.ErrorCode, at.UnixMicro()); err != nil {
			return err
		}
	}
	if c.CarrierID != "" && carrierID == "" {
		return db.applyPendingReceipts(ctx, tx, b, c.MessageID, c.CarrierID)
	}
	return nil
}

// applyPendingReceipts applies receipts that arrived before the message's
// carrier id was known.
func (db *DB) applyPendingReceipts(ctx context.Context, tx *sql.Tx, b *batch, messageID, carrierID string) error {
	rows, err := tx.QueryContext(ctx, `SELECT status, error_code, occurred_at FROM pending_receipts WHERE carrier_id = $1`, carrierID)
	if err != nil {
		return err
	}
	var pending []hookline.StatusChange
	for rows.Next() {
		c := hookline.StatusChange{MessageID: messageID}
		var at int64
		if err := rows.Scan(&c.Status, &c.ErrorCode, &at); err != nil {
			rows.Close()
			return err
		}
		c.At = fromMicros(at)
		pending = append(pending, c)
	}
	rows.Close()
	if len(pending) == 0 {
		return rows.Err()
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM pending_receipts WHERE carrier_id = $1`, carrierID); err != nil {
		return err
	}
	for _, c := range pending {
		if err := db.applyChange(ctx, tx, b, c); err != nil {
			return err
		}
	}
	return nil
}

var _ hookline.StatusReporter = (*DB)(nil)

// ReportStatus records a carrier's asynchronous status. A report naming only
// a carrier id that no message has yet is kept until one does.
func (db *DB) ReportStatus(ctx context.Context, r hookline.StatusReport) error {
	if !r.Status.Valid() {
		return fmt.Errorf("report status %q is not a message status", r.Status)
	}
	if r.At.IsZero() {
		r.At = db.now()
	}
	return db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, b *batch) error {
		id := r.MessageID
		if id == "" {
			err := tx.QueryRowContext(ctx, `SELECT id FROM messages WHERE carrier_id = $1`, r.CarrierID).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				_, err = tx.ExecContext(ctx, `INSERT INTO pending_receipts (carrier_id, status, error_code, occurred_at) VALUES ($1, $2, $3, $4)`,
					r.CarrierID, r.Status, r.ErrorCode, r.At.UnixMicro())
				return err
			} else if err != nil {
				return err
			}
		}
		return db.applyChange(ctx, tx, b, hookline.StatusChange{MessageID: id, Status: r.Status, ErrorCode: r.ErrorCode, CarrierID: r.CarrierID, At: r.At})
	})
}

// CountMessagesByStatus counts all messages per status, for metrics.
func (db *DB) CountMessagesByStatus(ctx context.Context) (map[hookline.MessageStatus]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT status, COUNT(*) FROM messages GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[hookline.MessageStatus]int64{}
	for rows.Next() {
		var s hookline.MessageStatus
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}
