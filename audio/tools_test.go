package audio

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"hookline"
)

// requireTools skips the test when sox or lame is missing, unless
// HOOKLINE_REQUIRE_TOOLS=1 makes that a failure.
func requireTools(tb testing.TB) {
	tb.Helper()
	for _, tool := range []string{"sox", "lame"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("HOOKLINE_REQUIRE_TOOLS") == "1" {
				tb.Fatalf("%s is required: %v", tool, err)
			}
			tb.Skipf("%s is not installed", tool)
		}
	}
}

func run(tb testing.TB, name string, args ...string) {
	tb.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		tb.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// makeMP3 synthesises seconds of stereo audio at rate with sox and encodes
// it with lame at kbps; it returns the MP3 path.
func makeMP3(tb testing.TB, dir string, seconds string, rate string, kbps string) string {
	tb.Helper()
	wav := filepath.Join(dir, "in.wav")
	mp3 := filepath.Join(dir, "in.mp3")
	run(tb, "sox", "-n", "-r", rate, "-c", "2", wav, "synth", seconds, "sine", "440", "pinknoise", "vol", "0.4")
	run(tb, "lame", "--quiet", "-b", kbps, "--resample", rate[:len(rate)-3], wav, mp3)
	return mp3
}

// TestTranscodeMatchesSox checks our 8 kHz µ-law output against sox's on
// the same file: the waveforms must be nearly identical.
func TestTranscodeMatchesSox(t *testing.T) {
	t.Parallel()
	requireTools(t)
	dir := t.TempDir()
	wav := filepath.Join(dir, "in.wav")
	mp3 := filepath.Join(dir, "in.mp3")
	run(t, "sox", "-n", "-r", "44100", "-c", "2", wav, "synth", "3", "sine", "300-3000", "sine", "1000", "vol", "0.4")
	run(t, "lame", "--quiet", "-b", "128", wav, mp3)
	ref := filepath.Join(dir, "ref.raw")
	run(t, "sox", mp3, "-r", "8000", "-c", "1", "-e", "mu-law", "-t", "raw", ref)
	want, err := os.ReadFile(ref)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(mp3)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Transcode(data, hookline.PCMU)
	if err != nil {
		t.Fatal(err)
	}
	// sox removes the decoder delay (529 samples at 44.1 kHz) and the LAME
	// encoder delay; find the best lag and compare there.
	a, b := decodeMuLaw(got), decodeMuLaw(want)
	best := 0.0
	for lag := -400; lag <= 400; lag++ {
		best = max(best, correlation(a, b, lag))
	}
	if best < 0.98 {
		t.Errorf("correlation with sox = %.4f, want > 0.98", best)
	}
}

func decodeMuLaw(b []byte) []float64 {
	x := make([]float64, len(b))
	for i, v := range b {
		x[i] = float64(MuLawDecode(v))
	}
	return x
}

func correlation(a, b []float64, lag int) float64 {
	var ab, aa, bb float64
	for i := 2000; i < len(b)-2000; i++ {
		j := i + lag
		if j < 0 || j >= len(a) {
			continue
		}
		ab += a[j] * b[i]
		aa += a[j] * a[j]
		bb += b[i] * b[i]
	}
	return ab / math.Sqrt(aa*bb)
}
