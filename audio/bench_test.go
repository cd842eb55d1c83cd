package audio

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"hookline"
)

// The two benchmarks below convert the same 30 s, 44.1 kHz stereo,
// 128 kbit/s MP3 to an 8 kHz µ-law WAV, ours in process and sox as a
// program; compare their ns/op.

func bench30s(b *testing.B) (string, []byte) {
	requireTools(b)
	dir := b.TempDir()
	mp3 := makeMP3(b, dir, "30", "44100", "128")
	data, err := os.ReadFile(mp3)
	if err != nil {
		b.Fatal(err)
	}
	return mp3, data
}

func BenchmarkTranscode30s(b *testing.B) {
	_, data := bench30s(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g, err := Transcode(data, hookline.PCMU)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteWAV(&buf, g, hookline.PCMU); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSox30s(b *testing.B) {
	mp3, data := bench30s(b)
	out := filepath.Join(filepath.Dir(mp3), "out.wav")
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command("sox", mp3, "-r", "8000", "-c", "1", "-e", "mu-law", out)
		if o, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("sox: %v\n%s", err, o)
		}
	}
}

func BenchmarkValidate30s(b *testing.B) {
	_, data := bench30s(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Validate(data, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
