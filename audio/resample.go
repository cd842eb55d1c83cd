package audio

import (
	"math"
	"sync"
)

// Resampler design: a rational L/M polyphase FIR whose prototype is a
// Kaiser-windowed sinc. The pass band ends at 85% of the lower Nyquist
// frequency and the stop band starts at it, with 80 dB attenuation; for
// 8 kHz output that is a 3.4 kHz pass band, a 3.7 kHz cutoff and a stop
// band from 4 kHz.
const (
	rsPassFrac    = 0.85
	rsAttenuation = 80.0
)

// resampler converts between two fixed sample rates.
type resampler struct {
	up, down int         // L and M
	taps     int         // per phase
	phases   [][]float32 // phases[p][j] multiplies x[n0-taps+1+j]
	delay    int         // group delay, in upsampled samples
}

type ratePair struct{ in, out int }

var resamplers sync.Map // ratePair → *resampler

// Resample converts mono samples from inRate to outRate with an
// anti-aliasing low-pass filter. The output is aligned with the input (the
// filter delay is compensated) and has len(in)·outRate/inRate samples.
func Resample(in []float32, inRate, outRate int) []float32 {
	if inRate == outRate {
		return append([]float32(nil), in...)
	}
	key := ratePair{inRate, outRate}
	r, ok := resamplers.Load(key)
	if !ok {
		r, _ = resamplers.LoadOrStore(key, newResampler(inRate, outRate))
	}
	return r.(*resampler).run(in)
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func newResampler(inRate, outRate int) *resampler {
	g := gcd(inRate, outRate)
	r := &resampler{up: outRate / g, down: inRate / g}
	nyq := float64(min(inRate, outRate)) / 2
	transition := nyq * (1 - rsPassFrac) / float64(inRate) // cycles per input sample
	beta := 0.1102 * (rsAttenuation - 8.7)
	r.taps = int(math.Ceil((rsAttenuation-8)/(2.285*2*math.Pi*transition))) + 1
	n := r.taps * r.up
	fc := nyq * (1 + rsPassFrac) / 2 / float64(inRate*r.up) // cycles per upsampled sample
	center := float64(n-1) / 2
	r.delay = (n - 1) / 2
	i0b := besselI0(beta)
	h := make([]float64, n)
	for i := range h {
		x := float64(i) - center
		sinc := 2 * fc
		if x != 0 {
			sinc = math.Sin(2*math.Pi*fc*x) / (math.Pi * x)
		}
		w := 2*float64(i)/float64(n-1) - 1
		h[i] = float64(r.up) * sinc * besselI0(beta*math.Sqrt(max(0, 1-w*w))) / i0b
	}
	r.phases = make([][]float32, r.up)
	for p := range r.phases {
		ph := make([]float32, r.taps)
		for k := 0; k < r.taps; k++ {
			ph[r.taps-1-k] = float32(h[p+k*r.up])
		}
		r.phases[p] = ph
	}
	return r
}

// besselI0 is the modified Bessel function of the first kind, order 0.
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / 2 / float64(k)) * (x / 2 / float64(k))
		sum += term
		if term < 1e-12*sum {
			break
		}
	}
	return sum
}

func (r *resampler) run(in []float32) []float32 {
	nOut := len(in) * r.up / r.down
	out := make([]float32, nOut)
	for m := range out {
		t := m*r.down + r.delay
		n0, p := t/r.up, t%r.up
		first := n0 - r.taps + 1
		ph := r.phases[p]
		var sum float32
		if first >= 0 && n0 < len(in) {
			x := in[first : n0+1]
			x = x[:len(ph)]
			for j, c := range ph {
				sum += c * x[j]
			}
		} else {
			for j, c := range ph {
				if k := first + j; k >= 0 && k < len(in) {
					sum += c * in[k]
				}
			}
		}
		out[m] = sum
	}
	return out
}
