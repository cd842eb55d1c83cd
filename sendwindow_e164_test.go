package hookline

import (
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestParseE164FastPath checks the direct North American path against
// libphonenumber's parser on the same numbers.
func TestParseE164FastPath(t *testing.T) {
	for _, e := range []string{"+17755382277", "+12125550123", "+18085550123", "+19075550123", "+14165550123", "+15005550101", "+442079460958", "+390612345678"} {
		fast, err := parseE164(e)
		if err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		slow, _ := phonenumbers.Parse(e, "US")
		a, _ := phonenumbers.GetTimezonesForNumber(fast)
		b, _ := phonenumbers.GetTimezonesForNumber(slow)
		if len(a) != len(b) || len(a) == 0 {
			t.Fatalf("%s: zones %v, parser gives %v", e, a, b)
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%s: zones %v, parser gives %v", e, a, b)
			}
		}
	}
}
