package hookline

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// Contact is a person an account has messaged, keyed by E.164 phone.
type Contact struct {
	AccountID int64     `json:"-"`
	Phone     string    `json:"phone"`
	First     string    `json:"first,omitempty"`
	Last      string    `json:"last,omitempty"`
	Email     string    `json:"email,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ContactFilter selects contacts of one account.
type ContactFilter struct {
	AccountID int64
	Query     string
	Cursor    string
	Limit     int
}

// ContactService reads contacts; they are written by MessageService.Accept.
type ContactService interface {
	FindContactByPhone(ctx context.Context, accountID int64, phone string) (*Contact, error)
	FindContacts(ctx context.Context, filter ContactFilter) ([]*Contact, string, error)
}

// ParsePhone parses raw with libphonenumber, using region for numbers
// written without a country code, and returns it in E.164.
func ParsePhone(raw, region string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", Errorf(EMissingPhone, "The phone parameter is required.")
	}
	if len(raw) > 40 {
		return "", Errorf(EInvalidPhone, "The phone parameter is not a valid phone number.")
	}
	if nanpE164(raw) {
		// Already E.164 for North America: build the number directly,
		// which skips the general parser and its regular expressions (a
		// tenth of the webhook's CPU). The parser gives the same number,
		// since an area code never starts with the national prefix 1; an
		// invalid one still goes through it, for the same answer as before.
		cc, n := int32(1), uint64(0)
		for _, d := range raw[2:] {
			n = n*10 + uint64(d-'0')
		}
		num := &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &n}
		if phonenumbers.IsValidNumberForRegion(num, region) || phonenumbers.IsValidNumber(num) {
			return raw, nil
		}
	}
	num, err := phonenumbers.Parse(raw, region)
	// Checking the default region first spares the search through every
	// region that shares a calling code (+1 has over twenty).
	if err != nil || !(phonenumbers.IsValidNumberForRegion(num, region) || phonenumbers.IsValidNumber(num)) {
		return "", Errorf(EInvalidPhone, "%q is not a valid phone number; write it in E.164, like +17755382277.", raw)
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// nanpE164 reports whether s is "+1" and ten digits whose first is 2–9.
func nanpE164(s string) bool {
	if len(s) != 12 || s[0] != '+' || s[1] != '1' || s[2] < '2' || s[2] > '9' {
		return false
	}
	for i := 3; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidateEmail checks that s is one plain e-mail address.
func ValidateEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") {
		return Errorf(EInvalidEmail, "%q is not a valid e-mail address.", s)
	}
	return nil
}
