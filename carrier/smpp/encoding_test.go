package smpp

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
	"unicode/utf16"

	"hookline"
)

func TestGSMTable(t *testing.T) {
	if len(gsmTable) != 128 {
		t.Fatalf("GSM table has %d entries, want 128", len(gsmTable))
	}
	for r := range gsmEncode {
		if hookline.GSMSeptets(r) != len(gsmEncode[r]) {
			t.Errorf("%q: %d septets here, %d in hookline", r, len(gsmEncode[r]), hookline.GSMSeptets(r))
		}
	}
}

func TestEncodeText(t *testing.T) {
	tests := []struct {
		name, text string
		coding     byte
		hex        []string // expected short_message of each segment
	}{
		{"GSM7", "Hi @{€}", codingGSM7, []string{"486920001b281b651b29"}},
		{"GSM7Basic", "£$¥èé Ç\n", codingGSM7, []string{"010203040520090a"}},
		{"UCS2", "Привет", codingUCS2, []string{"041f04400438043204350442"}},
		{"UCS2Surrogate", "a😀", codingUCS2, []string{"0061d83dde00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := encodeText(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if got.coding != tt.coding || len(got.parts) != len(tt.hex) {
				t.Fatalf("coding %d, %d parts; want %d, %d", got.coding, len(got.parts), tt.coding, len(tt.hex))
			}
			for i, p := range got.parts {
				if h := hex.EncodeToString(p); h != tt.hex[i] {
					t.Errorf("part %d = %s, want %s", i, h, tt.hex[i])
				}
			}
		})
	}
}

// TestSplitNeverCutsEscape puts an extension character across the
// 153-septet boundary: it must move whole to the next segment.
func TestSplitNeverCutsEscape(t *testing.T) {
	text := strings.Repeat("a", 152) + "€" + strings.Repeat("b", 10)
	got, err := encodeText(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.parts) != 2 || len(got.parts[0]) != 152 || !bytes.HasPrefix(got.parts[1], []byte{0x1B, 0x65}) {
		t.Fatalf("parts of %d and %d septets, second starts % x", len(got.parts[0]), len(got.parts[1]), got.parts[1][:2])
	}
	if decodeGSM7(got.parts[0])+decodeGSM7(got.parts[1]) != text {
		t.Fatal("segments do not decode back to the text")
	}
}

// TestSplitNeverCutsSurrogate puts a surrogate pair across the 67-unit
// boundary.
func TestSplitNeverCutsSurrogate(t *testing.T) {
	text := strings.Repeat("ж", 66) + "😀" + strings.Repeat("ж", 10)
	got, _ := encodeText(text)
	if len(got.parts) != 2 || len(got.parts[0]) != 132 {
		t.Fatalf("%d parts, first of %d octets; want 2, 132", len(got.parts), len(got.parts[0]))
	}
	if u := uint16(got.parts[1][0])<<8 | uint16(got.parts[1][1]); !utf16.IsSurrogate(rune(u)) {
		t.Fatalf("second segment starts with %04x, want the high surrogate", u)
	}
	if decodeUCS2(got.parts[0])+decodeUCS2(got.parts[1]) != text {
		t.Fatal("segments do not decode back to the text")
	}
}

// TestSegmentsAgree checks the split matches hookline.Segments, which
// prices the message, and that every segment fits.
func TestSegmentsAgree(t *testing.T) {
	texts := []string{
		"", "x", strings.Repeat("a", 160), strings.Repeat("a", 161), strings.Repeat("€", 80),
		strings.Repeat("€", 81), strings.Repeat("ж", 70), strings.Repeat("ж", 71),
		strings.Repeat("😀", 35), strings.Repeat("😀", 36), strings.Repeat("a{", 200),
		strings.Repeat("Emoji 😀 between words, ", 9),
	}
	for _, text := range texts {
		enc, n := hookline.Segments(text)
		got, err := encodeText(text)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.parts) != n || (got.coding == codingUCS2) != (enc == hookline.UCS2) {
			t.Errorf("%.20q: %d parts coding %d; hookline says %d %s", text, len(got.parts), got.coding, n, enc)
		}
		limit := 153
		if got.coding == codingUCS2 {
			limit = 134
		}
		for _, p := range got.parts {
			if n > 1 && len(p) > limit {
				t.Errorf("%.20q: segment of %d octets", text, len(p))
			}
		}
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		coding byte
		in     string
		want   string
	}{
		{0x00, "53544f50", "STOP"},
		{0x00, "1b651b3c00", "€[@"},
		{0x00, "1b41", "A"}, // unknown escape: the basic character
		{0x08, "d83dde00", "😀"},
		{0x03, "e9", "é"},
		{0xF0, "48", "H"},
	}
	for _, tt := range tests {
		b, _ := hex.DecodeString(tt.in)
		if got := decodeText(tt.coding, b); got != tt.want {
			t.Errorf("decodeText(%#x, %s) = %q, want %q", tt.coding, tt.in, got, tt.want)
		}
	}
}
