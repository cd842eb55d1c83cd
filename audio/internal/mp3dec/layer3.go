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

import "math"

var (
	pow43Tab [8207]float32
	pow2qTab [512]float32 // 2^((q-pow2qOff)/4)
)

const pow2qOff = 448

func init() {
	for i := range pow43Tab {
		pow43Tab[i] = float32(math.Pow(float64(i), 4.0/3.0))
	}
	for i := range pow2qTab {
		pow2qTab[i] = float32(math.Exp2(float64(i-pow2qOff) / 4))
	}
}

func pow2q(q int) float32 {
	q += pow2qOff
	if q < 0 {
		return 0
	}
	return pow2qTab[min(q, len(pow2qTab)-1)]
}

func fill(xr *[576]float32, xi *[576]int32, from, to int, gain float32) {
	for i := from; i < to; i++ {
		v := xi[i]
		switch {
		case v > 0:
			xr[i] = gain * pow43Tab[v]
		case v < 0:
			xr[i] = -gain * pow43Tab[-v]
		default:
			xr[i] = 0
		}
	}
}

// requantize turns the quantised lines xi[0:lim] into frequency lines xr.
// Short block bands that start below lim are processed whole so that they
// can be reordered.
func requantize(h header, g *granuleInfo, sf *scalefactors, xi *[576]int32, xr *[576]float32, lim int) {
	idx := h.rateTableIndex()
	shift := 2 * (1 + g.scalefacScale)
	base := g.globalGain - 210
	longEnd := 576
	if g.shortBlocks() {
		longEnd = 0
		if g.mixed {
			longEnd = 36
		}
	}
	for sfb := 0; sfb < 22 && sfbLong[idx][sfb] < min(lim, longEnd); sfb++ {
		q := base - shift*(sf.l[sfb]+g.preflag*pretab[sfb])
		fill(xr, xi, sfbLong[idx][sfb], min(sfbLong[idx][sfb+1], lim, longEnd), pow2q(q))
	}
	if !g.shortBlocks() {
		return
	}
	first := 0
	if g.mixed {
		first = 3
	}
	for sfb := first; sfb < 13 && sfbShort[idx][sfb]*3 < lim; sfb++ {
		w := sfbShort[idx][sfb+1] - sfbShort[idx][sfb]
		for win := 0; win < 3; win++ {
			start := sfbShort[idx][sfb]*3 + win*w
			q := base - 8*g.subblockGain[win] - shift*sf.s[sfb][win]
			fill(xr, xi, start, start+w, pow2q(q))
		}
	}
}

// reorder sorts short block lines from window order into subband order.
func reorder(h header, g *granuleInfo, xr *[576]float32, lim int) {
	if !g.shortBlocks() {
		return
	}
	idx := h.rateTableIndex()
	first := 0
	if g.mixed {
		first = 3
	}
	var tmp [576]float32
	for sfb := first; sfb < 13 && sfbShort[idx][sfb]*3 < lim; sfb++ {
		start := sfbShort[idx][sfb] * 3
		w := sfbShort[idx][sfb+1] - sfbShort[idx][sfb]
		for win := 0; win < 3; win++ {
			for j := 0; j < w; j++ {
				tmp[3*j+win] = xr[start+win*w+j]
			}
		}
		copy(xr[start:start+3*w], tmp[:3*w])
	}
}

var isRatios = [6]float64{0.000000, 0.267949, 0.577350, 1.000000, 1.732051, 3.732051}

// stereo undoes mid/side and (MPEG-1, long block) intensity stereo coding
// on lines below lim. nz1 is the non-zero bound of the right channel.
func stereo(h header, g *granuleInfo, sfR *scalefactors, xr *[2][576]float32, nz1, lim int) {
	if h.msStereo() {
		const invSqrt2 = math.Sqrt2 / 2
		for i := 0; i < lim; i++ {
			m, s := xr[0][i], xr[1][i]
			xr[0][i] = (m + s) * invSqrt2
			xr[1][i] = (m - s) * invSqrt2
		}
	}
	if !h.iStereo() || h.lsf() || g.shortBlocks() {
		return
	}
	idx := h.rateTableIndex()
	for sfb := 0; sfb < 21; sfb++ {
		start, end := sfbLong[idx][sfb], min(sfbLong[idx][sfb+1], lim)
		isPos := sfR.l[sfb]
		if start < nz1 || start >= lim || isPos >= 7 {
			continue
		}
		kl, kr := float32(1), float32(0)
		if isPos != 6 {
			kl = float32(isRatios[isPos] / (1 + isRatios[isPos]))
			kr = float32(1 / (1 + isRatios[isPos]))
		}
		for i := start; i < end; i++ {
			v := xr[0][i]
			xr[0][i], xr[1][i] = v*kl, v*kr
		}
	}
}

var (
	aliasCs = [8]float32{0.857493, 0.881742, 0.949629, 0.983315, 0.995518, 0.999161, 0.999899, 0.999993}
	aliasCa = [8]float32{-0.514496, -0.471732, -0.313377, -0.181913, -0.094574, -0.040966, -0.014199, -0.003700}
)

// antialias applies the alias reduction butterflies between subbands
// below sbLimit.
func antialias(g *granuleInfo, xr *[576]float32, sbLimit int) {
	if g.shortBlocks() {
		if !g.mixed {
			return
		}
		sbLimit = min(sbLimit, 2)
	}
	for sb := 1; sb < sbLimit; sb++ {
		for i := 0; i < 8; i++ {
			li, ui := 18*sb-1-i, 18*sb+i
			lo, up := xr[li], xr[ui]
			xr[li] = lo*aliasCs[i] - up*aliasCa[i]
			xr[ui] = up*aliasCs[i] + lo*aliasCa[i]
		}
	}
}
