package mp3dec

import "encoding/binary"

// bitReader reads big-endian bit fields. Reads past the end of buf yield
// zero bits; callers compare pos with their own limits to detect overruns.
type bitReader struct {
	buf []byte
	pos int // in bits
}

// peek32 returns the next 32 bits without consuming them.
func (b *bitReader) peek32() uint32 {
	i := b.pos >> 3
	var v uint64
	if i+8 <= len(b.buf) {
		v = binary.BigEndian.Uint64(b.buf[i:])
	} else {
		for k := 0; k < 8; k++ {
			v <<= 8
			if i+k < len(b.buf) {
				v |= uint64(b.buf[i+k])
			}
		}
	}
	return uint32(v << uint(b.pos&7) >> 32)
}

// bits consumes and returns the next n bits, 0 <= n <= 24.
func (b *bitReader) bits(n int) int {
	if n == 0 {
		return 0
	}
	v := b.peek32() >> (32 - uint(n))
	b.pos += n
	return int(v)
}

func (b *bitReader) bit() int { return b.bits(1) }
