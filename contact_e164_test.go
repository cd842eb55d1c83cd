package hookline

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestParsePhoneNANPFastPath checks ParsePhone's direct path for "+1" and ten
// digits against libphonenumber's parser on the same input, for valid and
// invalid numbers and several default regions.
func TestParsePhoneNANPFastPath(t *testing.T) {
	slow := func(raw, region string) string {
		num, err := phonenumbers.Parse(raw, region)
		if err != nil || !(phonenumbers.IsValidNumberForRegion(num, region) || phonenumbers.IsValidNumber(num)) {
			return ""
		}
		return phonenumbers.Format(num, phonenumbers.E164)
	}
	r := rand.New(rand.NewPCG(1, 2))
	inputs := []string{"+17755382277", "+12125550123", "+14165550123", "+18005550199", "+15550000000", "+19999999999", "+12005550123"}
	for range 3000 {
		inputs = append(inputs, "+1"+strconv.Itoa(2+r.IntN(8))+strconv.Itoa(100000000 + r.IntN(900000000))[:9])
	}
	valid := 0
	for _, raw := range inputs {
		if !nanpE164(raw) {
			t.Fatalf("%s: not taken by the direct path", raw)
		}
		for _, region := range []string{"US", "CA", "GB"} {
			got, err := ParsePhone(raw, region)
			want := slow(raw, region)
			if got != want || (err == nil) != (want != "") {
				t.Fatalf("ParsePhone(%q, %s) = %q, %v; the parser gives %q", raw, region, got, err, want)
			}
			if want != "" {
				valid++
			}
		}
	}
	if valid == 0 || valid == 3*len(inputs) {
		t.Fatalf("%d of %d inputs valid: the sample must hold valid and invalid numbers", valid, 3*len(inputs))
	}
	for _, s := range []string{"+1775538227", "+117755382277", "+10755382277", "+11755382277", "+1775538227x", "17755382277"} {
		if nanpE164(s) {
			t.Errorf("nanpE164(%q) = true", s)
		}
	}
}
