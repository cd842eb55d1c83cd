package smpp

import (
	"errors"
	"unicode/utf16"
	"unicode/utf8"

	"hookline"
)

// SMPP data_coding values this package writes and reads.
const (
	codingGSM7   byte = 0x00 // SMSC default alphabet: GSM 03.38, one unpacked septet per octet
	codingIA5    byte = 0x01
	codingLatin1 byte = 0x03
	codingUCS2   byte = 0x08 // UTF-16BE
)

// gsmEscape introduces a character of the GSM 03.38 extension table.
const gsmEscape = 0x1B

// gsmTable is the GSM 03.38 default alphabet indexed by septet value; index
// 0x1B (escape) holds a placeholder that is never encoded.
var gsmTable = []rune("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")

// gsmExtTable maps the septet that follows an escape to its character.
var gsmExtTable = map[byte]rune{
	0x0A: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2F: '\\',
	0x3C: '[', 0x3D: '~', 0x3E: ']', 0x40: '|', 0x65: '€',
}

// gsmEncode maps a character to its septets: one for the basic table, two
// (escape first) for the extension table.
var gsmEncode = func() map[rune][]byte {
	m := make(map[rune][]byte, len(gsmTable)+len(gsmExtTable))
	for i, r := range gsmTable {
		if i != gsmEscape {
			m[r] = []byte{byte(i)}
		}
	}
	for b, r := range gsmExtTable {
		m[r] = []byte{gsmEscape, b}
	}
	return m
}()

// Concatenated messages carry a 6-octet UDH, leaving 153 septets or 67
// UTF-16 units per segment; a single message holds 160 septets or 70 units.
const (
	gsmSingle  = 160
	gsmPart    = 153
	ucs2Single = 70
	ucs2Part   = 67
)

var errNotGSM = errors.New("smpp: text has characters outside GSM 03.38")

// encodedText is a text ready for submit_sm: its data_coding and the
// short_message octets of each segment (without UDH).
type encodedText struct {
	coding byte
	parts  [][]byte
}

// encodeText picks GSM-7 or UCS-2 as hookline.Segments does and splits the
// text into segments that never cut an escape sequence or a surrogate pair.
func encodeText(text string) (encodedText, error) {
	enc, _ := hookline.Segments(text)
	if enc == hookline.GSM7 {
		parts, err := splitGSM7(text)
		return encodedText{coding: codingGSM7, parts: parts}, err
	}
	return encodedText{coding: codingUCS2, parts: splitUCS2(text)}, nil
}

// splitGSM7 encodes text as unpacked septets, one segment when it fits in
// 160 septets, otherwise segments of at most 153.
func splitGSM7(text string) ([][]byte, error) {
	all := make([]byte, 0, len(text)+8)
	cuts := make([]int, 0, len(text)) // septet offsets where a character starts
	for _, r := range text {
		s, ok := gsmEncode[r]
		if !ok {
			return nil, errNotGSM
		}
		cuts = append(cuts, len(all))
		all = append(all, s...)
	}
	return slices(all, splitAt(len(all), cuts, gsmSingle, gsmPart), 1), nil
}

// splitUCS2 encodes text as UTF-16BE, one segment when it fits in 70 units,
// otherwise segments of at most 67.
func splitUCS2(text string) [][]byte {
	all := make([]byte, 0, 2*len(text))
	cuts := make([]int, 0, len(text)) // unit offsets where a character starts
	for _, r := range text {
		cuts = append(cuts, len(all)/2)
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			all = append(all, byte(r1>>8), byte(r1), byte(r2>>8), byte(r2))
			continue
		}
		if r > 0xFFFF {
			r = utf8.RuneError
		}
		all = append(all, byte(r>>8), byte(r))
	}
	return slices(all, splitAt(len(all)/2, cuts, ucs2Single, ucs2Part), 2)
}

// splitAt cuts n units into segments of at most multi units, only at the
// given character starts, or keeps them whole when they fit in single. It
// returns the end offset of each segment.
func splitAt(n int, cuts []int, single, multi int) []int {
	if n <= single {
		return []int{n}
	}
	var ends []int
	start := 0
	for i := range cuts {
		end := n
		if i+1 < len(cuts) {
			end = cuts[i+1]
		}
		if end-start > multi {
			ends = append(ends, cuts[i])
			start = cuts[i]
		}
	}
	return append(ends, n)
}

// slices cuts b at the given segment ends, counted in units of size octets.
func slices(b []byte, ends []int, size int) [][]byte {
	parts := make([][]byte, len(ends))
	start := 0
	for i, end := range ends {
		parts[i] = b[start*size : end*size : end*size]
		start = end
	}
	return parts
}
