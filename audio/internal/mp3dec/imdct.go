// Copyright 2017 Hajime Hoshi
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

// Modified for Hookline: no allocations; output is overlap-added in place.

package mp3dec

import (
	"math"
)

var imdctWinData = [4][36]float32{}

func init() {
	for i := 0; i < 36; i++ {
		imdctWinData[0][i] = float32(math.Sin(math.Pi / 36 * (float64(i) + 0.5)))
	}
	for i := 0; i < 18; i++ {
		imdctWinData[1][i] = float32(math.Sin(math.Pi / 36 * (float64(i) + 0.5)))
	}
	for i := 18; i < 24; i++ {
		imdctWinData[1][i] = 1.0
	}
	for i := 24; i < 30; i++ {
		imdctWinData[1][i] = float32(math.Sin(math.Pi / 12 * (float64(i) + 0.5 - 18.0)))
	}
	for i := 30; i < 36; i++ {
		imdctWinData[1][i] = 0.0
	}
	for i := 0; i < 12; i++ {
		imdctWinData[2][i] = float32(math.Sin(math.Pi / 12 * (float64(i) + 0.5)))
	}
	for i := 12; i < 36; i++ {
		imdctWinData[2][i] = 0.0
	}
	for i := 0; i < 6; i++ {
		imdctWinData[3][i] = 0.0
	}
	for i := 6; i < 12; i++ {
		imdctWinData[3][i] = float32(math.Sin(math.Pi / 12 * (float64(i) + 0.5 - 6.0)))
	}
	for i := 12; i < 18; i++ {
		imdctWinData[3][i] = 1.0
	}
	for i := 18; i < 36; i++ {
		imdctWinData[3][i] = float32(math.Sin(math.Pi / 36 * (float64(i) + 0.5)))
	}
}

var cosN12 = [6][12]float32{}

func init() {
	const N = 12
	for i := 0; i < 6; i++ {
		for j := 0; j < 12; j++ {
			cosN12[i][j] = float32(math.Cos(math.Pi / (2 * N) * (2*float64(j) + 1 + N/2) * (2*float64(i) + 1)))
		}
	}
}

var cosN36 = [18][36]float32{}

func init() {
	const N = 36
	for i := 0; i < 18; i++ {
		for j := 0; j < 36; j++ {
			cosN36[i][j] = float32(math.Cos(math.Pi / (2 * N) * (2*float64(j) + 1 + N/2) * (2*float64(i) + 1)))
		}
	}
}

// cosN36T is cosN36 transposed, so that the inner loop reads it in order.
var cosN36T = func() (t [36][18]float32) {
	for m := 0; m < 18; m++ {
		for p := 0; p < 36; p++ {
			t[p][m] = float32(math.Cos(math.Pi / 72 * float64(2*p+1+18) * float64(2*m+1)))
		}
	}
	return t
}()

// imdctWin computes the windowed IMDCT of the 18 lines in, adds its first
// half to overlap and returns the result in out, and stores its second half
// in overlap for the next granule.
func imdctWin(in *[18]float32, blockType int, overlap *[18]float32, out *[18]float32) {
	var raw [36]float32
	iwd := &imdctWinData[blockType]
	if blockType == 2 {
		for i := 0; i < 3; i++ {
			for p := 0; p < 12; p++ {
				sum := float32(0)
				for m := 0; m < 6; m++ {
					sum += in[i+3*m] * cosN12[m][p]
				}
				raw[6*i+p+6] += sum * iwd[p]
			}
		}
	} else {
		// The 36-point IMDCT has only 18 distinct outputs:
		// y[17-p] = -y[p] and y[53-p] = y[p].
		var y [36]float32
		for p := 9; p < 27; p++ {
			c := &cosN36T[p]
			sum := float32(0)
			for m := 0; m < 18; m++ {
				sum += in[m] * c[m]
			}
			y[p] = sum
		}
		for p := 0; p < 9; p++ {
			y[p] = -y[17-p]
			y[35-p] = y[18+p]
		}
		for p := range raw {
			raw[p] = y[p] * iwd[p]
		}
	}
	for i := 0; i < 18; i++ {
		out[i] = raw[i] + overlap[i]
		overlap[i] = raw[18+i]
	}
}
