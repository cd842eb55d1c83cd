package smpp

import (
	"strings"
	"unicode/utf16"
)

// decodeGSM7 decodes unpacked GSM 03.38 septets. An escape followed by a
// septet outside the extension table decodes as the basic character, as
// 3GPP TS 23.038 asks; a trailing lone escape is dropped.
func decodeGSM7(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for i := 0; i < len(b); i++ {
		c := b[i] & 0x7F
		if c == gsmEscape && i+1 < len(b) {
			i++
			if r, ok := gsmExtTable[b[i]&0x7F]; ok {
				sb.WriteRune(r)
				continue
			}
			c = b[i] & 0x7F
		}
		if c != gsmEscape {
			sb.WriteRune(gsmTable[c])
		}
	}
	return sb.String()
}

// decodeUCS2 decodes UTF-16BE, surrogate pairs included; an odd trailing
// octet is dropped.
func decodeUCS2(b []byte) string {
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(units))
}

// decodeLatin1 decodes ISO-8859-1 (and IA5/ASCII, its subset).
func decodeLatin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// decodeText decodes a short_message by its data_coding: 0 (and the GSM-7
// message-class codings 0x1x/0xFx) as GSM 03.38, 8 (and 0x18) as UCS-2, and
// anything else, IA5 and Latin-1 included, as Latin-1 so nothing is lost
// silently.
func decodeText(coding byte, b []byte) string {
	switch {
	case coding == codingGSM7, coding&0xFC == 0x10, coding&0xFC == 0xF0:
		return decodeGSM7(b)
	case coding == codingUCS2, coding&0xFC == 0x18:
		return decodeUCS2(b)
	}
	return decodeLatin1(b)
}
