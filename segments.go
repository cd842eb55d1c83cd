package hookline

import "unicode/utf16"

// Encoding is the character set an SMS is sent in.
type Encoding string

// The SMS encodings.
const (
	GSM7 Encoding = "GSM-7"
	UCS2 Encoding = "UCS-2"
)

// gsmBasic is the GSM 03.38 default alphabet; gsmExtension holds the
// characters reached through the escape code, which cost two septets.
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

const gsmExtension = "\f^{}\\[~]|€"

var gsmSeptets = func() map[rune]int {
	m := make(map[rune]int, 150)
	for _, r := range gsmBasic {
		m[r] = 1
	}
	for _, r := range gsmExtension {
		m[r] = 2
	}
	return m
}()

// GSMSeptets returns how many septets r takes in GSM-7, or 0 when r has no
// GSM-7 form.
func GSMSeptets(r rune) int {
	return gsmSeptets[r]
}

// Segments returns the encoding a text needs and how many SMS segments it
// takes: GSM-7 packs 160 septets in one segment or 153 per segment of a
// concatenated message (extension characters take two septets, and a pair is
// never split across segments); UCS-2 packs 70 UTF-16 code units or 67 per
// segment (a surrogate pair is never split).
func Segments(text string) (Encoding, int) {
	if text == "" {
		return GSM7, 1
	}
	if units, ok := septetUnits(text); ok {
		return GSM7, countSegments(units, 160, 153)
	}
	var units []int
	for _, r := range text {
		units = append(units, utf16.RuneLen(r))
	}
	return UCS2, countSegments(units, 70, 67)
}

// septetUnits returns the septet cost of each character, and false when the
// text cannot be written in GSM-7.
func septetUnits(text string) ([]int, bool) {
	units := make([]int, 0, len(text))
	for _, r := range text {
		n := gsmSeptets[r]
		if n == 0 {
			return nil, false
		}
		units = append(units, n)
	}
	return units, true
}

// countSegments packs indivisible units into segments.
func countSegments(units []int, single, multi int) int {
	total := 0
	for _, u := range units {
		total += u
	}
	if total <= single {
		return 1
	}
	segments, used := 1, 0
	for _, u := range units {
		if used+u > multi {
			segments++
			used = 0
		}
		used += u
	}
	return segments
}
