package audio

import (
	"math"
	"testing"
)

func sine(freq, rate float64, n int, amp float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(amp * math.Sin(2*math.Pi*freq*float64(i)/rate))
	}
	return x
}

// goertzelAmp returns the amplitude of the freq component of x.
func goertzelAmp(x []float32, freq, rate float64) float64 {
	w := 2 * math.Pi * freq / rate
	c := 2 * math.Cos(w)
	var s1, s2 float64
	for _, v := range x {
		s1, s2 = float64(v)+c*s1-s2, s1
	}
	p := s1*s1 + s2*s2 - c*s1*s2
	return 2 * math.Sqrt(max(p, 0)) / float64(len(x))
}

func rms(x []float32) float64 {
	s := 0.0
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(len(x)))
}

func TestResamplePassesInBand(t *testing.T) {
	t.Parallel()
	for _, rate := range []int{8000, 11025, 12000, 16000, 22050, 32000, 44100, 48000} {
		in := sine(1000, float64(rate), rate, 0.5)
		out := Resample(in, rate, 8000)
		if got, want := len(out), 8000; got != want {
			t.Fatalf("%d Hz: %d samples, want %d", rate, got, want)
		}
		mid := out[1000:7000]
		if a := goertzelAmp(mid, 1000, 8000); math.Abs(a-0.5) > 0.01 {
			t.Errorf("%d Hz: 1 kHz amplitude %.4f, want 0.5", rate, a)
		}
		// All the energy must be at 1 kHz: nothing else was in the input.
		if r := rms(mid); math.Abs(r-0.5/math.Sqrt2) > 0.005 {
			t.Errorf("%d Hz: rms %.4f, want %.4f", rate, r, 0.5/math.Sqrt2)
		}
	}
}

func TestResampleRejectsAboveNyquist(t *testing.T) {
	t.Parallel()
	for _, f := range []float64{4500, 6000, 10000} {
		in := sine(f, 44100, 44100, 0.5)
		out := Resample(in, 44100, 8000)
		att := 20 * math.Log10(0.5/math.Sqrt2/rms(out[1000:7000]))
		if att < 40 {
			t.Errorf("%.0f Hz at 44.1 kHz: attenuated by %.1f dB, want > 40 dB", f, att)
		}
	}
}

func TestResampleAligned(t *testing.T) {
	t.Parallel()
	// A 200 Hz sine must keep its phase: the filter delay is compensated.
	in := sine(200, 11025, 11025, 0.5)
	out := Resample(in, 11025, 8000)
	want := sine(200, 8000, 8000, 0.5)
	for i := 500; i < 7500; i += 97 {
		if d := math.Abs(float64(out[i] - want[i])); d > 0.01 {
			t.Fatalf("sample %d = %.4f, want %.4f", i, out[i], want[i])
		}
	}
}
