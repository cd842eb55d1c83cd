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

// MPEG audio versions as coded in the frame header.
const (
	version25 = 0
	version2  = 2
	version1  = 3
)

// header is a 32-bit MPEG audio frame header.
type header uint32

func (h header) version() int      { return int(h>>19) & 3 }
func (h header) layer() int        { return int(h>>17) & 3 }
func (h header) protected() bool   { return h&0x10000 == 0 }
func (h header) bitrateIndex() int { return int(h>>12) & 15 }
func (h header) rateIndex() int    { return int(h>>10) & 3 }
func (h header) padding() int      { return int(h>>9) & 1 }
func (h header) mode() int         { return int(h>>6) & 3 }
func (h header) modeExt() int      { return int(h>>4) & 3 }
func (h header) emphasis() int     { return int(h) & 3 }

// lsf reports whether the frame uses the MPEG-2 low sampling frequency
// syntax (MPEG-2 and MPEG-2.5).
func (h header) lsf() bool { return h.version() != version1 }

func (h header) mono() bool { return h.mode() == 3 }

func (h header) channels() int {
	if h.mono() {
		return 1
	}
	return 2
}

func (h header) granules() int {
	if h.lsf() {
		return 1
	}
	return 2
}

// samplesPerFrame is the number of PCM samples per channel in one frame.
func (h header) samplesPerFrame() int { return 576 * h.granules() }

func (h header) msStereo() bool { return h.mode() == 1 && h.modeExt()&2 != 0 }
func (h header) iStereo() bool  { return h.mode() == 1 && h.modeExt()&1 != 0 }

// rateTableIndex indexes the 9-entry sample rate and band tables:
// MPEG-1 0–2, MPEG-2 3–5, MPEG-2.5 6–8.
func (h header) rateTableIndex() int {
	switch h.version() {
	case version1:
		return h.rateIndex()
	case version2:
		return 3 + h.rateIndex()
	}
	return 6 + h.rateIndex()
}

var sampleRates = [9]int{44100, 48000, 32000, 22050, 24000, 16000, 11025, 12000, 8000}

func (h header) sampleRate() int { return sampleRates[h.rateTableIndex()] }

var bitratesKbps = [2][16]int{
	{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0},
	{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
}

// bitrate returns the frame's bit rate in bits per second.
func (h header) bitrate() int {
	t := 0
	if h.lsf() {
		t = 1
	}
	return bitratesKbps[t][h.bitrateIndex()] * 1000
}

// frameSize returns the size of the whole frame in bytes, header included.
func (h header) frameSize() int {
	if h.lsf() {
		return 72*h.bitrate()/h.sampleRate() + h.padding()
	}
	return 144*h.bitrate()/h.sampleRate() + h.padding()
}

func (h header) sideInfoSize() int {
	switch {
	case h.lsf() && h.mono():
		return 9
	case h.lsf():
		return 17
	case h.mono():
		return 17
	}
	return 32
}

// parseHeader reads a Layer III frame header from b. It reports false when b
// does not start with a usable header: no sync word, a reserved field, a
// layer other than III, or the unsupported free format bit rate.
func parseHeader(b []byte) (header, bool) {
	if len(b) < 4 {
		return 0, false
	}
	h := header(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]))
	switch {
	case h&0xffe00000 != 0xffe00000,
		h.version() == 1,
		h.layer() != 1,
		h.bitrateIndex() == 0, h.bitrateIndex() == 15,
		h.rateIndex() == 3,
		h.emphasis() == 2:
		return 0, false
	}
	return h, true
}
