package sqlstore

import (
	"context"
	"database/sql"

	"hookline"
)

// acceptReq is a plain webhook submission waiting in the writer: no
// idempotency key, rate limit, frequency cap or callback, which is the
// common case. The writer commits all of a batch's plain submissions with
// three multi-row statements instead of three statements each.
type acceptReq struct {
	sub *hookline.Submission
	acc *hookline.Acceptance
}

// plain reports whether s can take the multi-row path.
func plain(s *hookline.Submission) bool {
	return s.IdempotencyKey == "" && s.RateLimit == nil && s.FrequencyCap == nil && s.CallbackURL == ""
}

// acceptPlain submits a plain submission to the writer.
func (db *DB) acceptPlain(ctx context.Context, s *hookline.Submission) (*hookline.Acceptance, error) {
	req := &acceptReq{sub: s}
	err := db.writer.submit(ctx, &op{accept: req, fn: func(ctx context.Context, tx *sql.Tx, b *batch) error {
		return db.acceptBulk(ctx, tx, b, []*acceptReq{req})
	}})
	return req.acc, err
}

// acceptBulk inserts plain submissions: contacts (merged per phone), then
// messages and their first events.
func (db *DB) acceptBulk(ctx context.Context, tx *sql.Tx, b *batch, reqs []*acceptReq) error {
	now := db.micros()
	if err := db.upsertContacts(ctx, tx, reqs, now); err != nil {
		return err
	}
	msgs := make([]any, 0, len(reqs)*15)
	for _, r := range reqs {
		m := r.sub.Message
		var scheduled any
		if m.ScheduledFor != nil {
			scheduled = m.ScheduledFor.UnixMicro()
		}
		msgs = append(msgs, m.ID, m.AccountID, m.TriggerID, m.Kind, m.Phone, m.From, m.Body, m.Encoding, m.Segments, m.AudioID, m.Status, scheduled, now, now, historyEntry(m.Status, "", now))
	}
	err := db.chunked(msgs, 15, 64, 0, func(marks string, args []any) error {
		_, err := tx.ExecContext(ctx, `INSERT `+db.orFail()+`INTO messages (id, account_id, trigger_id, kind, phone, from_addr, body, encoding, segments, audio_id, status, scheduled_for, created_at, updated_at, history) VALUES `+marks, args...)
		return err
	})
	if err != nil {
		return err
	}
	for _, r := range reqs {
		m := r.sub.Message
		r.acc = b.accepted(m, now)
		b.stage(m.ID, &msgState{status: m.Status, cb: callbackTarget{MessageID: m.ID, AccountID: m.AccountID, TriggerID: m.TriggerID, Phone: m.Phone}})
	}
	return nil
}

// upsertContacts upserts the submissions' contacts, one row per phone (a
// later non-empty name or e-mail wins), since PostgreSQL refuses to update
// one row twice in a statement.
func (db *DB) upsertContacts(ctx context.Context, tx *sql.Tx, reqs []*acceptReq, now int64) error {
	type key struct {
		account int64
		phone   string
	}
	merged := map[key]*hookline.Contact{}
	var order []key
	for _, r := range reqs {
		c := r.sub.Contact
		k := key{c.AccountID, c.Phone}
		prev, ok := merged[k]
		if !ok {
			cp := *c
			merged[k] = &cp
			order = append(order, k)
			continue
		}
		for _, f := range [][2]*string{{&prev.First, &c.First}, {&prev.Last, &c.Last}, {&prev.Email, &c.Email}} {
			if *f[1] != "" {
				*f[0] = *f[1]
			}
		}
	}
	rows := make([]any, 0, len(order)*7)
	for _, k := range order {
		c := merged[k]
		rows = append(rows, c.AccountID, c.Phone, c.First, c.Last, c.Email, now, now)
	}
	return db.chunked(rows, 7, 128, 0, func(marks string, args []any) error {
		_, err := tx.ExecContext(ctx, `INSERT `+db.orFail()+`INTO contacts (account_id, phone, first_name, last_name, email, created_at, updated_at) VALUES `+marks+`
			ON CONFLICT (account_id, phone) DO UPDATE SET
				first_name = CASE WHEN excluded.first_name <> '' THEN excluded.first_name ELSE contacts.first_name END,
				last_name = CASE WHEN excluded.last_name <> '' THEN excluded.last_name ELSE contacts.last_name END,
				email = CASE WHEN excluded.email <> '' THEN excluded.email ELSE contacts.email END,
				updated_at = excluded.updated_at`, args...)
		return err
	})
}
