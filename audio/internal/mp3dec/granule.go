package mp3dec

// scalefactors of one granule and channel.
type scalefactors struct {
	l [22]int
	s [13][3]int
}

// readScalefactorsMPEG1 reads MPEG-1 scale factors; prev holds granule 0's
// factors, reused where scfsi says so.
func readScalefactorsMPEG1(br *bitReader, g *granuleInfo, scfsi *[4]int, gr int, sf, prev *scalefactors) {
	slen1, slen2 := slenMPEG1[g.scalefacCompress][0], slenMPEG1[g.scalefacCompress][1]
	if g.shortBlocks() {
		first := 0
		if g.mixed {
			for sfb := 0; sfb < 8; sfb++ {
				sf.l[sfb] = br.bits(slen1)
			}
			first = 3
		}
		for sfb := first; sfb < 12; sfb++ {
			n := slen2
			if sfb < 6 {
				n = slen1
			}
			for w := 0; w < 3; w++ {
				sf.s[sfb][w] = br.bits(n)
			}
		}
		return
	}
	bands := [5]int{0, 6, 11, 16, 21}
	for b := 0; b < 4; b++ {
		n := slen1
		if b >= 2 {
			n = slen2
		}
		for sfb := bands[b]; sfb < bands[b+1]; sfb++ {
			if gr == 1 && scfsi[b] == 1 {
				sf.l[sfb] = prev.l[sfb]
			} else {
				sf.l[sfb] = br.bits(n)
			}
		}
	}
}

// readScalefactorsMPEG2 reads MPEG-2 (LSF) scale factors.
func readScalefactorsMPEG2(br *bitReader, g *granuleInfo, intensityRight bool, sf *scalefactors) {
	var slen [4]int
	table := 0
	c := g.scalefacCompress
	switch {
	case intensityRight:
		c >>= 1
		switch {
		case c < 180:
			slen, table = [4]int{c / 36, c % 36 / 6, c % 36 % 6, 0}, 3
		case c < 244:
			c -= 180
			slen, table = [4]int{c & 63 >> 4, c & 15 >> 2, c & 3, 0}, 4
		default:
			c -= 244
			slen, table = [4]int{c / 3, c % 3, 0, 0}, 5
		}
	case c < 400:
		slen = [4]int{(c >> 4) / 5, (c >> 4) % 5, c & 15 >> 2, c & 3}
	case c < 500:
		c -= 400
		slen, table = [4]int{(c >> 2) / 5, (c >> 2) % 5, c & 3, 0}, 1
	default:
		c -= 500
		slen, table = [4]int{c / 3, c % 3, 0, 0}, 2
		g.preflag = 1
	}
	kind := 0
	if g.shortBlocks() {
		kind = 1
		if g.mixed {
			kind = 2
		}
	}
	var vals [40]int
	n := 0
	for p := 0; p < 4; p++ {
		for i := 0; i < nrOfSfb[table][kind][p]; i++ {
			vals[n] = br.bits(slen[p])
			n++
		}
	}
	switch kind {
	case 0:
		copy(sf.l[:21], vals[:21])
	case 1:
		for i := 0; i < 36; i++ {
			sf.s[i/3][i%3] = vals[i]
		}
	case 2:
		copy(sf.l[:6], vals[:6])
		for i := 0; i < 27; i++ {
			sf.s[3+i/3][i%3] = vals[6+i]
		}
	}
}

// readHuffmanData decodes the quantised spectrum of one granule and channel
// into xi, reading bits up to end. It returns the count of lines that may
// be non-zero.
func readHuffmanData(br *bitReader, h header, g *granuleInfo, end int, xi *[576]int32) (int, error) {
	if br.pos > end {
		return 0, errCorrupt("scale factors overrun part2_3_length")
	}
	r1, r2 := regionBounds(h, g)
	n := g.bigValues * 2
	i := 0
	for ; i < n; i += 2 {
		t := &huffTables[g.tableSelect[0]]
		if i >= r2 {
			t = &huffTables[g.tableSelect[2]]
		} else if i >= r1 {
			t = &huffTables[g.tableSelect[1]]
		}
		x, y, err := t.decodePair(br)
		if err != nil {
			return 0, err
		}
		xi[i], xi[i+1] = x, y
	}
	if br.pos > end {
		return 0, errCorrupt("big_values overrun part2_3_length")
	}
	qt := &huffTables[32+g.count1Table]
	for i+4 <= 576 && br.pos < end {
		q, err := qt.decodeQuad(br)
		if err != nil {
			return 0, err
		}
		if br.pos > end {
			break // the last quadruple ran past the end: discard it
		}
		xi[i], xi[i+1], xi[i+2], xi[i+3] = q[0], q[1], q[2], q[3]
		i += 4
	}
	for k := i; k < 576; k++ {
		xi[k] = 0
	}
	br.pos = end
	return i, nil
}

// regionBounds returns where big_values regions 1 and 2 start.
func regionBounds(h header, g *granuleInfo) (int, int) {
	idx := h.rateTableIndex()
	if g.shortBlocks() {
		if g.mixed {
			return 36, 576
		}
		return sfbShort[idx][3] * 3, 576
	}
	a := min(g.region0Count+1, 22)
	b := min(g.region0Count+g.region1Count+2, 22)
	return sfbLong[idx][a], sfbLong[idx][b]
}
