package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"hookline"
)

var _ hookline.SettingsService = (*DB)(nil)

// FindComplianceSettings returns the account's settings, or the defaults.
// Stored settings are merged over the defaults, so a field added later gets
// its default on accounts that saved settings before.
func (db *DB) FindComplianceSettings(ctx context.Context, accountID int64) (*hookline.ComplianceSettings, error) {
	return findSettings(ctx, db.read, accountID)
}

// querier is a pool or a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func findSettings(ctx context.Context, q querier, accountID int64) (*hookline.ComplianceSettings, error) {
	s := hookline.DefaultComplianceSettings()
	var raw string
	err := q.QueryRowContext(ctx, `SELECT settings FROM compliance_settings WHERE account_id = $1`, accountID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return &s, nil
	} else if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return nil, fmt.Errorf("account %d compliance settings: %w", accountID, err)
	}
	return &s, nil
}

// UpdateComplianceSettings applies p over the current settings and saves
// them whole.
func (db *DB) UpdateComplianceSettings(ctx context.Context, accountID int64, p hookline.ComplianceSettingsPatch) (*hookline.ComplianceSettings, error) {
	var out *hookline.ComplianceSettings
	err := db.writer.do(ctx, func(ctx context.Context, tx *sql.Tx, _ *batch) error {
		s, err := findSettings(ctx, tx, accountID)
		if err != nil {
			return err
		}
		p.Apply(s)
		if err := s.Validate(); err != nil {
			return err
		}
		raw, err := json.Marshal(s)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO compliance_settings (account_id, settings, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (account_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`, accountID, string(raw), db.micros())
		out = s
		return err
	})
	return out, err
}
