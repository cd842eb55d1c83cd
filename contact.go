package hookline

import (
	"context"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
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
		// since an area code never starts with the national prefix 1, so
		// the same answer, valid or not.
		if nanpValid(raw[2:], region) {
			return raw, nil
		}
		return "", errInvalidPhone(raw)
	}
	num, err := phonenumbers.Parse(raw, region)
	// Checking the default region first spares the search through every
	// region that shares a calling code (+1 has over twenty).
	if err != nil || !(phonenumbers.IsValidNumberForRegion(num, region) || phonenumbers.IsValidNumber(num)) {
		return "", errInvalidPhone(raw)
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

func errInvalidPhone(raw string) error {
	return Errorf(EInvalidPhone, "%q is not a valid phone number; write it in E.164, like +17755382277.", raw)
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

// nanpValid reports whether the ten NANP digits national (area code first)
// make a valid number for libphonenumber, in region or in any region. Its
// metadata decides a ten-digit NANP number by its first seven digits (every
// pattern ends in at least three free digits; TestNANPValidityBySevenDigits
// checks this on the metadata built in), so the answer is remembered per
// seven-digit prefix: the regular expressions behind it were 40 % of the
// webhook handler's own CPU, and a new phone on every request missed any cache
// keyed by the whole number.
func nanpValid(national, region string) bool {
	var prefix, n uint64
	for i := range len(national) {
		n = n*10 + uint64(national[i]-'0')
		if i == 6 {
			prefix = n - 2_000_000 // the first digit is 2-9
		}
	}
	memo := nanpMemoFor(region)
	if v, ok := memo.get(prefix); ok {
		return v
	}
	cc := int32(1)
	num := &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &n}
	v := phonenumbers.IsValidNumberForRegion(num, region) || phonenumbers.IsValidNumber(num)
	memo.set(prefix, v)
	return v
}

// nanpMemo holds two bits per seven-digit NANP prefix (2000000-9999999):
// known, and valid. 2 MB, allocated for a region on its first use.
type nanpMemo struct {
	words [8_000_000 / 16]atomic.Uint32
}

func (m *nanpMemo) get(prefix uint64) (valid, known bool) {
	bits := m.words[prefix/16].Load() >> (prefix % 16 * 2)
	return bits&2 != 0, bits&1 != 0
}

func (m *nanpMemo) set(prefix uint64, valid bool) {
	bits := uint32(1)
	if valid {
		bits |= 2
	}
	m.words[prefix/16].Or(bits << (prefix % 16 * 2))
}

var nanpMemos sync.Map // region → *nanpMemo

func nanpMemoFor(region string) *nanpMemo {
	if m, ok := nanpMemos.Load(region); ok {
		return m.(*nanpMemo)
	}
	m, _ := nanpMemos.LoadOrStore(region, new(nanpMemo))
	return m.(*nanpMemo)
}

// ValidateEmail checks that s is one plain e-mail address.
func ValidateEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") {
		return Errorf(EInvalidEmail, "%q is not a valid e-mail address.", s)
	}
	return nil
}
