package mp3dec

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	gomp3 "github.com/hajimehoshi/go-mp3"
)

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tonePower returns the share of the signal's power at the given
// frequencies, measured with the Goertzel algorithm.
func tonePower(x []float32, rate float64, freqs ...float64) float64 {
	x = x[len(x)/4 : len(x)*3/4] // skip encoder delay and edges
	total := 0.0
	for _, v := range x {
		total += float64(v) * float64(v)
	}
	sum := 0.0
	for _, f := range freqs {
		w := 2 * math.Pi * f / rate
		c := 2 * math.Cos(w)
		var s1, s2 float64
		for _, v := range x {
			s1, s2 = float64(v)+c*s1-s2, s1
		}
		p := s1*s1 + s2*s2 - c*s1*s2
		sum += 2 * p / float64(len(x))
	}
	return sum / total
}

func TestDecodeFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		rate, ch int
		seconds  float64
		tones    []float64
	}{
		{"tone-1500ms-44k-stereo.mp3", 44100, 2, 1.5, []float64{440, 1000}},
		{"tone-2s-22k-mono.mp3", 22050, 1, 2, []float64{700}},
		{"tone-2s-8k-mono.mp3", 8000, 1, 2, []float64{500}},
		{"tone-500ms-48k-stereo.mp3", 48000, 2, 0.5, []float64{440}},
	}
	for _, tt := range tests {
		for _, maxFreq := range []int{0, 4000} {
			pcm, rate, info, err := Decode(mustRead(t, tt.name), Options{MaxFreq: maxFreq})
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if info.SampleRate != tt.rate || info.Channels != tt.ch {
				t.Errorf("%s: got %d Hz %d ch, want %d Hz %d ch", tt.name, info.SampleRate, info.Channels, tt.rate, tt.ch)
			}
			secs := float64(info.Samples) / float64(info.SampleRate)
			if math.Abs(secs-tt.seconds) > 0.2 {
				t.Errorf("%s: duration %.3f s, want about %.3f s", tt.name, secs, tt.seconds)
			}
			if got, want := len(pcm), info.Frames*576*(1+boolInt(info.SampleRate > 24000))*rate/info.SampleRate; got != want {
				t.Errorf("%s: %d samples at %d Hz, want %d", tt.name, got, rate, want)
			}
			if p := tonePower(pcm, float64(rate), tt.tones...); p < 0.95 {
				t.Errorf("%s (max %d Hz, rate %d): tone power share %.3f, want > 0.95", tt.name, maxFreq, rate, p)
			}
		}
	}
}

// TestDecodeMatchesGoMP3 compares the full-band path with go-mp3.
func TestDecodeMatchesGoMP3(t *testing.T) {
	t.Parallel()
	data := mustRead(t, "tone-1500ms-44k-stereo.mp3")
	pcm, _, _, err := Decode(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := gomp3.NewDecoder(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(d)
	if err != nil {
		t.Fatal(err)
	}
	ref := make([]float32, len(raw)/4)
	for i := range ref {
		l := int16(binary.LittleEndian.Uint16(raw[4*i:]))
		r := int16(binary.LittleEndian.Uint16(raw[4*i+2:]))
		ref[i] = (float32(l) + float32(r)) / 2 / 32767
	}
	// go-mp3 also decodes the Info frame as 1152 samples of silence.
	ref = ref[1152:]
	n := min(len(ref), len(pcm))
	var diff, pow float64
	for i := 0; i < n; i++ {
		e := float64(pcm[i] - ref[i])
		diff += e * e
		pow += float64(ref[i]) * float64(ref[i])
	}
	if snr := 10 * math.Log10(pow/diff); snr < 60 {
		t.Errorf("SNR against go-mp3 = %.1f dB, want > 60 dB", snr)
	}
}
