package mp3dec

import "errors"

var errHuffman = errors.New("mp3dec: invalid Huffman code")

// A huffTable is a two-level lookup table compiled from a go-mp3 code tree.
// Entries are 0 (no such code), a leaf len<<8|value, or a link
// linkFlag|subBits<<24|offset to a second-level table of 2^subBits entries.
type huffTable struct {
	bits    uint
	entries []uint32
	linbits int
}

const linkFlag = 1 << 31

var huffTables [34]huffTable

func init() {
	for i, t := range huffmanTrees {
		huffTables[i] = compileTree(t)
	}
}

type huffCode struct {
	code uint32
	n    uint
	val  uint32
}

// treeStep follows one bit from point, as go-mp3's tree walker does.
func treeStep(tree []uint16, point, bit int) int {
	if bit == 0 {
		for tree[point]>>8 >= 250 {
			point += int(tree[point] >> 8)
		}
		return point + int(tree[point]>>8)
	}
	for tree[point]&0xff >= 250 {
		point += int(tree[point] & 0xff)
	}
	return point + int(tree[point]&0xff)
}

func collectCodes(t huffTree, point int, code uint32, n uint, out []huffCode) []huffCode {
	if t.hufftable[point]&0xff00 == 0 {
		return append(out, huffCode{code, n, uint32(t.hufftable[point] & 0xff)})
	}
	if n >= 24 {
		return out
	}
	for bit := 0; bit < 2; bit++ {
		np := treeStep(t.hufftable, point, bit)
		if np < t.treelen {
			out = collectCodes(t, np, code<<1|uint32(bit), n+1, out)
		}
	}
	return out
}

func compileTree(t huffTree) huffTable {
	ht := huffTable{linbits: t.linbits}
	if t.treelen == 0 {
		return ht
	}
	codes := collectCodes(t, 0, 0, 0, nil)
	maxLen := uint(0)
	for _, c := range codes {
		maxLen = max(maxLen, c.n)
	}
	ht.bits = min(maxLen, 9)
	ht.entries = make([]uint32, 1<<ht.bits)
	subLen := map[uint32]uint{}
	for _, c := range codes {
		if c.n <= ht.bits {
			shift := ht.bits - c.n
			for k := uint32(0); k < 1<<shift; k++ {
				ht.entries[c.code<<shift|k] = uint32(c.n)<<8 | c.val
			}
			continue
		}
		p := c.code >> (c.n - ht.bits)
		subLen[p] = max(subLen[p], c.n-ht.bits)
	}
	for p, sb := range subLen {
		ht.entries[p] = linkFlag | uint32(sb)<<24 | uint32(len(ht.entries))
		ht.entries = append(ht.entries, make([]uint32, 1<<sb)...)
	}
	for _, c := range codes {
		if c.n <= ht.bits {
			continue
		}
		p := c.code >> (c.n - ht.bits)
		e := ht.entries[p]
		sb := uint(e>>24) & 0x7f
		off := e & 0xffffff
		rest := c.code & (1<<(c.n-ht.bits) - 1)
		shift := sb - (c.n - ht.bits)
		for k := uint32(0); k < 1<<shift; k++ {
			ht.entries[off+(rest<<shift|k)] = uint32(c.n)<<8 | c.val
		}
	}
	return ht
}

// decode reads one code word from br and returns its value byte.
func (t *huffTable) decode(br *bitReader) (uint32, error) {
	v := br.peek32()
	e := t.entries[v>>(32-t.bits)]
	if e&linkFlag != 0 {
		sb := uint(e>>24) & 0x7f
		e = t.entries[(e&0xffffff)+((v<<t.bits)>>(32-sb))]
	}
	if e == 0 {
		return 0, errHuffman
	}
	br.pos += int(e>>8) & 0xff
	return e & 0xff, nil
}

// decodePair decodes a big_values pair with linbits and signs.
func (t *huffTable) decodePair(br *bitReader) (x, y int32, err error) {
	if t.entries == nil {
		return 0, 0, nil
	}
	val, err := t.decode(br)
	if err != nil {
		return 0, 0, err
	}
	x, y = int32(val>>4), int32(val&15)
	x = t.extend(br, x)
	y = t.extend(br, y)
	return x, y, nil
}

func (t *huffTable) extend(br *bitReader, x int32) int32 {
	if x == 15 && t.linbits != 0 {
		x += int32(br.bits(t.linbits))
	}
	if x != 0 && br.bit() == 1 {
		return -x
	}
	return x
}

// decodeQuad decodes a count1 quadruple (tables 32 and 33).
func (t *huffTable) decodeQuad(br *bitReader) (q [4]int32, err error) {
	val, err := t.decode(br)
	if err != nil {
		return q, err
	}
	for i := 0; i < 4; i++ {
		if val&(8>>uint(i)) != 0 {
			q[i] = 1
			if br.bit() == 1 {
				q[i] = -1
			}
		}
	}
	return q, nil
}
