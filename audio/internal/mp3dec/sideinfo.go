// Copyright 2017 Hajime Hoshi; modifications copyright Hookline authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package mp3dec

// granuleInfo is the side information of one granule of one channel.
type granuleInfo struct {
	part23Length     int
	bigValues        int
	globalGain       int
	scalefacCompress int
	winSwitch        bool
	blockType        int
	mixed            bool
	tableSelect      [3]int
	subblockGain     [3]int
	region0Count     int
	region1Count     int
	preflag          int
	scalefacScale    int
	count1Table      int
}

// shortBlocks reports whether the granule uses short (or mixed) blocks.
func (g *granuleInfo) shortBlocks() bool { return g.winSwitch && g.blockType == 2 }

type sideInfo struct {
	mainDataBegin int
	scfsi         [2][4]int
	gr            [2][2]granuleInfo
}

// readSideInfo parses the side information in b for header h.
func readSideInfo(h header, b []byte) (sideInfo, error) {
	var si sideInfo
	br := bitReader{buf: b}
	nch := h.channels()
	if h.lsf() {
		si.mainDataBegin = br.bits(8)
		br.bits(2 - boolInt(h.mono())) // private bits
	} else {
		si.mainDataBegin = br.bits(9)
		br.bits(3 + 2*boolInt(h.mono())) // private bits
		for ch := 0; ch < nch; ch++ {
			for band := 0; band < 4; band++ {
				si.scfsi[ch][band] = br.bit()
			}
		}
	}
	for gr := 0; gr < h.granules(); gr++ {
		for ch := 0; ch < nch; ch++ {
			if err := readGranuleInfo(h, &br, &si.gr[gr][ch]); err != nil {
				return si, err
			}
		}
	}
	return si, nil
}

func readGranuleInfo(h header, br *bitReader, g *granuleInfo) error {
	g.part23Length = br.bits(12)
	g.bigValues = br.bits(9)
	if g.bigValues > 288 {
		return errCorrupt("big_values out of range")
	}
	g.globalGain = br.bits(8)
	if h.lsf() {
		g.scalefacCompress = br.bits(9)
	} else {
		g.scalefacCompress = br.bits(4)
	}
	g.winSwitch = br.bit() == 1
	if g.winSwitch {
		g.blockType = br.bits(2)
		if g.blockType == 0 {
			return errCorrupt("window switching with block type 0")
		}
		g.mixed = br.bit() == 1
		for r := 0; r < 2; r++ {
			g.tableSelect[r] = br.bits(5)
		}
		for w := 0; w < 3; w++ {
			g.subblockGain[w] = br.bits(3)
		}
		g.region0Count = 7
		if g.blockType == 2 && !g.mixed {
			g.region0Count = 8
		}
		g.region1Count = 20 - g.region0Count
	} else {
		for r := 0; r < 3; r++ {
			g.tableSelect[r] = br.bits(5)
		}
		g.region0Count = br.bits(4)
		g.region1Count = br.bits(3)
	}
	if !h.lsf() {
		g.preflag = br.bit()
	}
	g.scalefacScale = br.bit()
	g.count1Table = br.bit()
	for _, t := range g.tableSelect {
		if t == 4 || t == 14 {
			return errCorrupt("reserved Huffman table")
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
