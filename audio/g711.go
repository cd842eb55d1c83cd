package audio

import (
	"fmt"

	"hookline"
)

// MuLaw encodes a 16-bit linear sample as G.711 µ-law (ITU-T G.711,
// with the 0x84 bias and all bits inverted).
func MuLaw(pcm int16) byte {
	const bias, clip = 0x84, 32635
	s := int(pcm)
	sign := 0
	if s < 0 {
		s, sign = -s, 0x80
	}
	s = min(s, clip) + bias
	exp := 7
	for mask := 0x4000; s&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := (s >> (exp + 3)) & 0x0f
	return ^byte(sign | exp<<4 | mant)
}

// MuLawDecode decodes a G.711 µ-law byte to a 16-bit linear sample.
func MuLawDecode(u byte) int16 {
	u = ^u
	t := (int(u&0x0f)<<3 + 0x84) << ((u & 0x70) >> 4)
	if u&0x80 != 0 {
		return int16(0x84 - t)
	}
	return int16(t - 0x84)
}

// ALaw encodes a 16-bit linear sample as G.711 A-law (even bits
// inverted, ITU-T G.711).
func ALaw(pcm int16) byte {
	s := int(pcm) >> 3
	mask := byte(0xd5)
	if s < 0 {
		mask, s = 0x55, -s-1
	}
	seg := 0
	for seg < 8 && s > 0x20<<seg-1 {
		seg++
	}
	if seg >= 8 {
		return 0x7f ^ mask
	}
	aval := byte(seg << 4)
	if seg < 2 {
		aval |= byte(s>>1) & 0x0f
	} else {
		aval |= byte(s>>seg) & 0x0f
	}
	return aval ^ mask
}

// ALawDecode decodes a G.711 A-law byte to a 16-bit linear sample.
func ALawDecode(a byte) int16 {
	a ^= 0x55
	t := int(a&0x0f) << 4
	switch seg := (a & 0x70) >> 4; seg {
	case 0:
		t += 8
	case 1:
		t += 0x108
	default:
		t = (t + 0x108) << (seg - 1)
	}
	if a&0x80 != 0 {
		return int16(t)
	}
	return int16(-t)
}

// encodeG711 converts samples in [-1, 1] to G.711 bytes.
func encodeG711(pcm []float32, codec hookline.G711Codec) ([]byte, error) {
	enc := MuLaw
	switch codec {
	case hookline.PCMU:
	case hookline.PCMA:
		enc = ALaw
	default:
		return nil, fmt.Errorf("audio: unknown G.711 codec %q", codec)
	}
	out := make([]byte, len(pcm))
	for i, v := range pcm {
		out[i] = enc(toInt16(v))
	}
	return out, nil
}

// toInt16 scales and clips a sample in [-1, 1] to 16 bits, rounding.
func toInt16(v float32) int16 {
	x := v * 32767
	switch {
	case x >= 32767:
		return 32767
	case x <= -32768:
		return -32768
	case x < 0:
		return int16(x - 0.5)
	}
	return int16(x + 0.5)
}
