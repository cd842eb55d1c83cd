package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"hookline"
)

// msgState is what a status change needs to know of its message.
type msgState struct {
	status    hookline.MessageStatus
	carrierID string
	cb        callbackTarget
}

// applyChangesBulk applies many status changes with a few statements: one
// query reads every message and one moves every message to its new status,
// appends to its history and records the carrier id that came with the
// change (another records the carrier ids of messages whose status stays).
// A delivery job's batch of 500 messages costs a handful of statements
// instead of four per message. Several changes of one message (sending then
// sent) are folded in order. Messages that need more (a callback to queue,
// a reschedule, a receipt that was waiting for the carrier id) take the
// one-by-one path, after the others, in their order.
func (db *DB) applyChangesBulk(ctx context.Context, tx *sql.Tx, b *batch, changes []hookline.StatusChange) error {
	state, err := db.loadStates(ctx, tx, b, changes)
	if err != nil {
		return err
	}
	pending, err := db.pendingCarrierIDs(ctx, tx, changes)
	if err != nil {
		return err
	}
	slowMsg := map[string]bool{}
	for _, c := range changes {
		if st, ok := state[c.MessageID]; ok && (st.cb.URL != "" || c.ScheduledFor != nil || c.Status == hookline.StatusScheduled || pending[c.CarrierID]) {
			slowMsg[c.MessageID] = true
		}
	}
	type final struct {
		status             hookline.MessageStatus
		code               string
		at                 int64
		history            string
		carrier, carrierID string
	}
	finals := map[string]*final{}
	var order []string
	var carriers []any
	var slow []hookline.StatusChange
	now := db.now()
	for _, c := range changes {
		st, ok := state[c.MessageID]
		if !ok {
			continue
		}
		if slowMsg[c.MessageID] {
			slow = append(slow, c)
			continue
		}
		at := c.At
		if at.IsZero() {
			at = now
		}
		newCarrierID := c.CarrierID != "" && st.carrierID == ""
		if newCarrierID {
			st.carrierID = c.CarrierID
		}
		if c.Status == st.status || st.status.Final() || (rank(c.Status) <= rank(st.status) && c.Status != hookline.StatusCanceled) {
			state[c.MessageID] = st
			if newCarrierID {
				if f := finals[c.MessageID]; f != nil {
					f.carrier, f.carrierID = c.Carrier, c.CarrierID
				} else {
					carriers = append(carriers, c.MessageID, c.Carrier, c.CarrierID)
				}
			}
			continue
		}
		st.status = c.Status
		state[c.MessageID] = st
		f := finals[c.MessageID]
		if f == nil {
			f = &final{}
			finals[c.MessageID] = f
			order = append(order, c.MessageID)
		}
		f.status, f.code, f.at = c.Status, c.ErrorCode, at.UnixMicro()
		f.history += historyEntry(c.Status, c.ErrorCode, f.at)
		if newCarrierID {
			f.carrier, f.carrierID = c.Carrier, c.CarrierID
		}
	}
	// Changes that bring a carrier id (a send's "sent") and those that do
	// not (a receipt's "delivered") take two statements, so the receipts
	// leave the carrier-id index alone.
	withCarrier := make([]any, 0, len(order)*7)
	statusOnly := make([]any, 0, len(order)*5)
	for _, id := range order {
		f := finals[id]
		if f.carrierID != "" {
			withCarrier = append(withCarrier, id, f.status, f.code, strconv.FormatInt(f.at, 10), f.history, f.carrier, f.carrierID)
		} else {
			statusOnly = append(statusOnly, id, f.status, f.code, strconv.FormatInt(f.at, 10), f.history)
		}
	}
	if err := db.setCarrierIDs(ctx, tx, carriers); err != nil {
		return err
	}
	if err := db.updateStatuses(ctx, tx, withCarrier, statusOnly); err != nil {
		return err
	}
	for id, st := range state {
		if !slowMsg[id] {
			b.stage(id, &st)
		}
	}
	for _, c := range slow {
		if err := db.applyChange(ctx, tx, b, c); err != nil {
			return err
		}
	}
	return nil
}

// setCarrierIDs records carrier ids given as flat (message id, carrier,
// carrier id) triples: on SQLite with one UPDATE ... FROM (VALUES ...) per
// chunk, on PostgreSQL row by row (its driver pipelines prepared statements).
func (db *DB) setCarrierIDs(ctx context.Context, tx *sql.Tx, flat []any) error {
	if db.dialect != SQLite {
		for i := 0; i+2 < len(flat); i += 3 {
			if _, err := tx.ExecContext(ctx, `UPDATE messages SET carrier = $1, carrier_id = $2 WHERE id = $3`, flat[i+1], flat[i+2], flat[i]); err != nil {
				return err
			}
		}
		return nil
	}
	return db.chunked(flat, 3, 300, 0, func(marks string, args []any) error {
		_, err := tx.ExecContext(ctx, `UPDATE `+db.orFail()+`messages SET carrier = v.column2, carrier_id = v.column3 FROM (VALUES `+marks+`) AS v WHERE messages.id = v.column1`, args...)
		return err
	})
}

// loadStates reads the messages that changes name (those the writer's
// state cache does not hold), then the callback URLs of their triggers (few,
// so a second small query beats a join per row).
func (db *DB) loadStates(ctx context.Context, tx *sql.Tx, b *batch, changes []hookline.StatusChange) (map[string]msgState, error) {
	state := make(map[string]msgState, len(changes))
	seen := make(map[string]bool, len(changes))
	triggers := map[string]string{}
	var ids []any
	for _, c := range changes {
		if seen[c.MessageID] {
			continue
		}
		seen[c.MessageID] = true
		if st, ok := b.cachedState(c.MessageID); ok {
			state[c.MessageID] = st
			triggers[st.cb.TriggerID] = ""
			continue
		}
		ids = append(ids, c.MessageID)
	}
	err := db.chunked(ids, 1, 500, 0, func(marks string, args []any) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, status, carrier_id, account_id, trigger_id, phone FROM messages WHERE id IN (`+marks+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var st msgState
			if err := rows.Scan(&st.cb.MessageID, &st.status, &st.carrierID, &st.cb.AccountID, &st.cb.TriggerID, &st.cb.Phone); err != nil {
				return err
			}
			state[st.cb.MessageID] = st
			triggers[st.cb.TriggerID] = ""
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	if err := db.callbackURLs(ctx, tx, triggers); err != nil {
		return nil, err
	}
	for id, st := range state {
		st.cb.URL = triggers[st.cb.TriggerID]
		state[id] = st
	}
	return state, nil
}

// callbackURLs fills the status callback URL of each trigger id in urls.
func (db *DB) callbackURLs(ctx context.Context, tx *sql.Tx, urls map[string]string) error {
	ids := make([]any, 0, len(urls))
	for id := range urls {
		ids = append(ids, id)
	}
	return db.chunked(ids, 1, 500, 0, func(marks string, args []any) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, status_callback_url FROM triggers WHERE status_callback_url <> '' AND id IN (`+marks+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, url string
			if err := rows.Scan(&id, &url); err != nil {
				return err
			}
			urls[id] = url
		}
		return rows.Err()
	})
}

// pendingCarrierIDs returns which of the changes' carrier ids have receipts
// waiting for them.
func (db *DB) pendingCarrierIDs(ctx context.Context, tx *sql.Tx, changes []hookline.StatusChange) (map[string]bool, error) {
	var cids []any
	for _, c := range changes {
		if c.CarrierID != "" {
			cids = append(cids, c.CarrierID)
		}
	}
	found := map[string]bool{}
	if len(cids) == 0 {
		return found, nil
	}
	// Receipts rarely wait (only when one outruns the send's own answer),
	// so one look at whether any wait spares the lookup of every id.
	var waiting int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM pending_receipts LIMIT 1) AS p`).Scan(&waiting); err != nil || waiting == 0 {
		return found, err
	}
	return db.stringsIn(ctx, tx, `SELECT carrier_id FROM pending_receipts WHERE carrier_id IN (%s)`, nil, cids)
}

// stringsIn runs query, whose one column is text and whose %s is an IN
// list of values (after the statement's own head arguments), in chunks,
// and returns the set of what it found.
func (db *DB) stringsIn(ctx context.Context, q querier, query string, head, values []any) (map[string]bool, error) {
	found := map[string]bool{}
	err := db.chunked(values, 1, 500, len(head), func(marks string, args []any) error {
		rows, err := q.QueryContext(ctx, fmt.Sprintf(query, marks), append(slices.Clip(head), args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				return err
			}
			found[v] = true
		}
		return rows.Err()
	})
	return found, err
}

// updateStatuses moves messages given as flat (id, status, error code,
// time in decimal unix microseconds, history entries) rows, appends the
// entries to their history and, for the withCarrier rows, which add
// (carrier, carrier id), records the carrier id (the carrier's answer comes
// with the "sent"): one UPDATE ... FROM (VALUES ...) per chunk. The time is
// text so both databases read every value as text and cast it.
func (db *DB) updateStatuses(ctx context.Context, tx *sql.Tx, withCarrier, statusOnly []any) error {
	err := db.chunked(withCarrier, 7, 256, 0, func(marks string, args []any) error {
		_, err := tx.ExecContext(ctx, `UPDATE `+db.orFail()+`messages SET status = v.column2, error_code = v.column3, updated_at = CAST(v.column4 AS BIGINT),
			history = messages.history || v.column5, carrier = v.column6, carrier_id = v.column7
			FROM (VALUES `+marks+`) AS v WHERE messages.id = v.column1`, args...)
		return err
	})
	if err != nil {
		return err
	}
	return db.chunked(statusOnly, 5, 256, 0, func(marks string, args []any) error {
		_, err := tx.ExecContext(ctx, `UPDATE `+db.orFail()+`messages SET status = v.column2, error_code = v.column3, updated_at = CAST(v.column4 AS BIGINT),
			history = messages.history || v.column5
			FROM (VALUES `+marks+`) AS v WHERE messages.id = v.column1`, args...)
		return err
	})
}

// chunked calls fn for groups of at most n rows of width values each, with
// the placeholder text for them: "(?,?),(?,?)" on SQLite, "($4,$5),($6,$7)"
// on PostgreSQL for offset 3 (the statement's own parameters come first).
// SQLite gets anonymous placeholders because its driver looks each numbered
// one up by name, which costs time quadratic in their count.
//
// Each distinct text is compiled once and cached per connection (see
// stmtcache.go), so groups only take a few shapes: a power-of-two number of
// rows. A single-value list (width 1, an IN list, where a repeated value
// changes nothing) is padded up to the next power of two with its first
// value; wider rows are split into power-of-two groups (37 = 32 + 4 + 1).
// Without this a batch of any size made a new text to compile, and compiling
// cost more than running it.
func (db *DB) chunked(flat []any, width, n, offset int, fn func(marks string, args []any) error) error {
	limit := 1
	for limit*2 <= n {
		limit *= 2
	}
	for len(flat) > 0 {
		rows := min(len(flat)/width, limit)
		if width > 1 {
			for rows&(rows-1) != 0 {
				rows &= rows - 1 // down to the highest power of two
			}
		}
		chunk := flat[:rows*width]
		flat = flat[rows*width:]
		size := rows
		if width == 1 && rows&(rows-1) != 0 {
			for size&(size-1) != 0 {
				size &= size - 1
			}
			size *= 2
			padded := make([]any, size)
			copy(padded, chunk)
			for i := rows; i < size; i++ {
				padded[i] = chunk[0]
			}
			chunk = padded
		}
		if err := fn(db.marks(width, size, offset), chunk); err != nil {
			return err
		}
	}
	return nil
}

// marks returns the placeholder text for rows rows of width values.
func (db *DB) marks(width, rows, offset int) string {
	var sb strings.Builder
	for r := range rows {
		if r > 0 {
			sb.WriteByte(',')
		}
		if width > 1 {
			sb.WriteByte('(')
		}
		for c := range width {
			if c > 0 {
				sb.WriteByte(',')
			}
			if db.dialect == SQLite {
				sb.WriteByte('?')
			} else {
				fmt.Fprintf(&sb, "$%d", offset+r*width+c+1)
			}
		}
		if width > 1 {
			sb.WriteByte(')')
		}
	}
	return sb.String()
}

// ReportStatuses records many carrier reports that name their message, in
// one write; reports naming only a carrier id go one by one.
func (db *DB) ReportStatuses(ctx context.Context, reports []hookline.StatusReport) error {
	var byID []hookline.StatusChange
	var byCarrier []hookline.StatusReport
	now := db.now()
	for _, r := range reports {
		if !r.Status.Valid() {
			return fmt.Errorf("report status %q is not a message status", r.Status)
		}
		if r.At.IsZero() {
			r.At = now
		}
		if r.MessageID == "" {
			byCarrier = append(byCarrier, r)
			continue
		}
		byID = append(byID, hookline.StatusChange{MessageID: r.MessageID, Status: r.Status, ErrorCode: r.ErrorCode, CarrierID: r.CarrierID, At: r.At})
	}
	if len(byID) > 0 {
		if err := db.ApplyStatusChanges(ctx, byID); err != nil {
			return err
		}
	}
	for _, r := range byCarrier {
		if err := db.ReportStatus(ctx, r); err != nil {
			return err
		}
	}
	return nil
}
