package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"hookline"
)

var _ hookline.ContactService = (*DB)(nil)

const contactColumns = `account_id, phone, first_name, last_name, email, created_at, updated_at`

func scanContact(row interface{ Scan(...any) error }) (*hookline.Contact, error) {
	c := &hookline.Contact{}
	var created, updated int64
	if err := row.Scan(&c.AccountID, &c.Phone, &c.First, &c.Last, &c.Email, &created, &updated); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	return c, nil
}

// FindContactByPhone returns the account's contact with this E.164 phone.
func (db *DB) FindContactByPhone(ctx context.Context, accountID int64, phone string) (*hookline.Contact, error) {
	c, err := scanContact(db.read.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE account_id = $1 AND phone = $2`, accountID, phone))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hookline.Errorf(hookline.ENotFound, "No contact has this phone number.")
	}
	return c, err
}

// FindContacts lists the account's contacts by phone, filtered by a search
// over phone, names and e-mail.
func (db *DB) FindContacts(ctx context.Context, f hookline.ContactFilter) ([]*hookline.Contact, string, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	where := []string{"account_id = $1"}
	args := []any{f.AccountID}
	if q := strings.TrimSpace(f.Query); q != "" {
		args = append(args, "%"+strings.ToLower(q)+"%")
		n := len(args)
		where = append(where, fmt.Sprintf("(phone LIKE $%d OR LOWER(first_name) LIKE $%d OR LOWER(last_name) LIKE $%d OR LOWER(email) LIKE $%d)", n, n, n, n))
	}
	if f.Cursor != "" {
		args = append(args, f.Cursor)
		where = append(where, fmt.Sprintf("phone > $%d", len(args)))
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(` ORDER BY phone LIMIT %d`, f.Limit+1), args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := []*hookline.Contact{}
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, c)
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].Phone
	}
	return out, next, rows.Err()
}
