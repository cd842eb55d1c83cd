package hookline

import (
	"math/rand/v2"
	"regexp/syntax"
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
	// Numbers that share their first seven digits, so most answers come
	// from the memo of an earlier one.
	for range 300 {
		prefix := "+1" + strconv.Itoa(2+r.IntN(8)) + strconv.Itoa(100000+r.IntN(900000))
		for range 5 {
			inputs = append(inputs, prefix+strconv.Itoa(1000 + r.IntN(9000))[1:])
		}
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

// TestNANPValidityBySevenDigits checks what nanpValid's memo rests on: in
// the metadata built into libphonenumber, every number pattern of every
// region of calling code 1 ends in at least three unconstrained digits, so
// a ten-digit number's validity, in any of those regions, is decided by its
// first seven digits, and no region's leading-digits pattern, which picks the
// region, reads more than seven. A libphonenumber upgrade that breaks this fails here.
func TestNANPValidityBySevenDigits(t *testing.T) {
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		t.Fatal(err)
	}
	regions := 0
	for _, md := range coll.GetMetadata() {
		if md.GetCountryCode() != 1 {
			continue
		}
		regions++
		if lead := md.GetLeadingDigits(); len(lead) > 0 {
			re, err := syntax.Parse(lead, syntax.Perl)
			if err != nil {
				t.Fatal(err)
			}
			if n := maxDigits(re.Simplify()); n < 0 || n > 7 {
				t.Errorf("%s: leading digits %q may read more than seven digits", md.GetId(), lead)
			}
		}
		for _, d := range []*phonenumbers.PhoneNumberDesc{md.GeneralDesc, md.FixedLine, md.Mobile, md.TollFree, md.PremiumRate,
			md.SharedCost, md.PersonalNumber, md.Voip, md.Pager, md.Uan, md.Voicemail, md.NoInternationalDialling} {
			p := d.GetNationalNumberPattern()
			if p == "" || p == "NA" {
				continue
			}
			re, err := syntax.Parse(p, syntax.Perl)
			if err != nil {
				t.Fatal(err)
			}
			if n := freeDigits(re.Simplify()); n < 3 {
				t.Errorf("%s: pattern %q ends in only %d free digits", md.GetId(), p, n)
			}
		}
	}
	if regions < 20 {
		t.Fatalf("%d regions of calling code 1 in the metadata", regions)
	}
	// The checker itself: a pattern whose last digits matter is caught.
	for p, want := range map[string]int{`[2-9]\d{9}`: 9, `(?:12|34[5-7])\d{3}`: 3, `\d{8}[0-5]\d`: 1, `(?:1\d{5}|2\d)`: 1, `\d{6,7}`: 0} {
		re, _ := syntax.Parse(p, syntax.Perl)
		if got := freeDigits(re.Simplify()); got != want {
			t.Errorf("freeDigits(%q) = %d, want %d", p, got, want)
		}
	}
}

// freeDigits returns how many final positions of every match of re are any
// digit, whatever came before: a lower bound, 0 when unsure.
func freeDigits(re *syntax.Regexp) int {
	if n, ok := digitRun(re); ok {
		return n
	}
	switch re.Op {
	case syntax.OpCapture:
		return freeDigits(re.Sub[0])
	case syntax.OpAlternate:
		m := -1
		for _, s := range re.Sub {
			if n := freeDigits(s); m < 0 || n < m {
				m = n
			}
		}
		return max(m, 0)
	case syntax.OpConcat:
		total := 0
		for i := len(re.Sub) - 1; i >= 0; i-- {
			n, ok := digitRun(re.Sub[i])
			if !ok {
				return total + freeDigits(re.Sub[i])
			}
			total += n
		}
		return total
	}
	return 0
}

// digitRun reports whether re is exactly n of \d.
func digitRun(re *syntax.Regexp) (int, bool) {
	isDigit := func(re *syntax.Regexp) bool {
		return re.Op == syntax.OpCharClass && len(re.Rune) == 2 && re.Rune[0] == '0' && re.Rune[1] == '9'
	}
	switch {
	case isDigit(re):
		return 1, true
	case re.Op == syntax.OpRepeat && re.Min == re.Max && isDigit(re.Sub[0]):
		return re.Min, true
	}
	return 0, false
}

// maxDigits returns the longest match of a leading-digits pattern, or -1 if
// it is unbounded.
func maxDigits(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture:
		return maxDigits(re.Sub[0])
	case syntax.OpRepeat:
		n := maxDigits(re.Sub[0])
		if re.Max < 0 || n < 0 {
			return -1
		}
		return n * re.Max
	case syntax.OpQuest:
		return maxDigits(re.Sub[0])
	case syntax.OpAlternate, syntax.OpConcat:
		m := 0
		for _, s := range re.Sub {
			n := maxDigits(s)
			if n < 0 {
				return -1
			}
			if re.Op == syntax.OpConcat {
				m += n
			} else {
				m = max(m, n)
			}
		}
		return m
	case syntax.OpEmptyMatch:
		return 0
	}
	return -1
}

// BenchmarkParsePhoneNew parses a number not seen before on most calls, as
// the webhook does under load (a new recipient per request), in one area
// code (8,000 seven-digit prefixes), as a regional contact list would be.
func BenchmarkParsePhoneNew(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	nums := make([]string, 1<<16)
	for i := range nums {
		nums[i] = "+1775" + strconv.Itoa(2000000+r.IntN(8000000))
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := ParsePhone(nums[i%len(nums)], "US"); err != nil && ErrorCode(err) != EInvalidPhone {
			b.Fatal(err)
		}
	}
}
