package hookline_test

import (
	"strings"
	"testing"

	"hookline"
)

func TestSegments(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		encoding hookline.Encoding
		segments int
	}{
		{"empty", "", hookline.GSM7, 1},
		{"160 GSM-7", strings.Repeat("a", 160), hookline.GSM7, 1},
		{"161 GSM-7", strings.Repeat("a", 161), hookline.GSM7, 2},
		{"306 GSM-7", strings.Repeat("a", 306), hookline.GSM7, 2},
		{"307 GSM-7", strings.Repeat("a", 307), hookline.GSM7, 3},
		{"80 euro signs take 160 septets", strings.Repeat("€", 80), hookline.GSM7, 1},
		{"81 euro signs take 162 septets", strings.Repeat("€", 81), hookline.GSM7, 2},
		// 152 septets then an escape pair: the pair moves whole to segment 2.
		{"escape pair not split", strings.Repeat("a", 152) + "{" + strings.Repeat("a", 150), hookline.GSM7, 2},
		{"escape pair pushes a third", strings.Repeat("a", 152) + "{" + strings.Repeat("a", 152), hookline.GSM7, 3},
		{"GSM accents", "Ça va? Äpfel über Øl £5 ¡Sì!", hookline.GSM7, 1},
		{"70 UCS-2", strings.Repeat("ж", 70), hookline.UCS2, 1},
		{"71 UCS-2", strings.Repeat("ж", 71), hookline.UCS2, 2},
		{"134 UCS-2", strings.Repeat("ж", 134), hookline.UCS2, 2},
		{"135 UCS-2", strings.Repeat("ж", 135), hookline.UCS2, 3},
		{"35 emoji are 70 units", strings.Repeat("😀", 35), hookline.UCS2, 1},
		{"36 emoji are 72 units", strings.Repeat("😀", 36), hookline.UCS2, 2},
		// 66 units then a surrogate pair: the pair moves whole to segment 2.
		{"surrogate pair not split", strings.Repeat("ж", 66) + "😀" + strings.Repeat("ж", 65), hookline.UCS2, 2},
		{"surrogate pair pushes a third", strings.Repeat("ж", 66) + "😀" + strings.Repeat("ж", 66), hookline.UCS2, 3},
		{"one emoji makes UCS-2", "Hi Ann 👋", hookline.UCS2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, n := hookline.Segments(tt.text)
			if enc != tt.encoding || n != tt.segments {
				t.Fatalf("Segments = %s, %d; want %s, %d", enc, n, tt.encoding, tt.segments)
			}
		})
	}
}

func TestTemplate(t *testing.T) {
	tests := []struct {
		body   string
		fields hookline.MergeFields
		want   string
	}{
		{"Hi {first}, thanks!", hookline.MergeFields{First: "Ann"}, "Hi Ann, thanks!"},
		{"Hi {first|there}!", hookline.MergeFields{}, "Hi there!"},
		{"Hi {first|there}!", hookline.MergeFields{First: "Bo"}, "Hi Bo!"},
		{"{first} {last} <{email}> {phone}", hookline.MergeFields{First: "A", Last: "L", Email: "a@b.co", Phone: "+1"}, "A L <a@b.co> +1"},
		{"Price {10% off} and {", hookline.MergeFields{}, "Price {10% off} and {"},
		{"{ first | friend }", hookline.MergeFields{}, " friend "},
	}
	for _, tt := range tests {
		tmpl, err := hookline.ParseTemplate(tt.body)
		if err != nil {
			t.Fatalf("ParseTemplate(%q): %v", tt.body, err)
		}
		if got := tmpl.Render(tt.fields); got != tt.want {
			t.Errorf("Render(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
	for _, bad := range []string{"Hi {frist}", "Hi {firstname|x}", "{Phone}"} {
		if _, err := hookline.ParseTemplate(bad); hookline.ErrorCode(err) != hookline.EInvalidTemplate {
			t.Errorf("ParseTemplate(%q) = %v, want invalid_template", bad, err)
		}
	}
}

func TestParsePhone(t *testing.T) {
	tests := []struct{ raw, want, code string }{
		{"+17755382277", "+17755382277", ""},
		{"(775) 538-2277", "+17755382277", ""},
		{"775.538.2277", "+17755382277", ""},
		{"+44 20 7946 0958", "+442079460958", ""},
		{"", "", hookline.EMissingPhone},
		{"12345", "", hookline.EInvalidPhone},
		{"+1 555 000 0000", "", hookline.EInvalidPhone},
		{"call me", "", hookline.EInvalidPhone},
	}
	for _, tt := range tests {
		got, err := hookline.ParsePhone(tt.raw, "US")
		if got != tt.want || hookline.ErrorCode(err) != tt.code {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q, %q", tt.raw, got, err, tt.want, tt.code)
		}
	}
}

func TestValidateEmail(t *testing.T) {
	for _, ok := range []string{"a@b.co", "ann.lee+crm@example.com"} {
		if err := hookline.ValidateEmail(ok); err != nil {
			t.Errorf("ValidateEmail(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"not-an-email", "Ann <a@b.co>", "a@b", "a@@b.co", "a@b.co, c@d.co"} {
		if err := hookline.ValidateEmail(bad); hookline.ErrorCode(err) != hookline.EInvalidEmail {
			t.Errorf("ValidateEmail(%q) = %v, want invalid_email", bad, err)
		}
	}
}
