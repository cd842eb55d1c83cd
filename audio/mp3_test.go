package audio

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"hookline"
)

func mustReadFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// id3Tag returns an ID3v2.4 tag with a body of n zero bytes and, when
// footer is set, the footer flag and a footer.
func id3Tag(n int, footer bool) []byte {
	flags := byte(0)
	if footer {
		flags = 0x10
	}
	h := []byte{'I', 'D', '3', 4, 0, flags, byte(n >> 21 & 0x7f), byte(n >> 14 & 0x7f), byte(n >> 7 & 0x7f), byte(n & 0x7f)}
	tag := append(h, make([]byte, n)...)
	if footer {
		tag = append(tag, '3', 'D', 'I', 4, 0, flags, h[6], h[7], h[8], h[9])
	}
	return tag
}

func TestValidateGood(t *testing.T) {
	t.Parallel()
	tone := mustReadFixture(t, "tone-2s-22k-mono.mp3")
	tests := []struct {
		name string
		data []byte
		rate int
		dur  time.Duration
	}{
		{"44.1 kHz stereo with ID3v2", mustReadFixture(t, "tone-1500ms-44k-stereo.mp3"), 44100, 1500 * time.Millisecond},
		{"22.05 kHz mono", tone, 22050, 2 * time.Second},
		{"8 kHz mono (MPEG 2.5)", mustReadFixture(t, "tone-2s-8k-mono.mp3"), 8000, 2 * time.Second},
		{"two tags, one with footer", append(append(id3Tag(100, true), id3Tag(20, false)...), tone...), 22050, 2 * time.Second},
		{"ID3v1 trailer", append(append([]byte{}, tone...), append([]byte("TAG"), make([]byte, 125)...)...), 22050, 2 * time.Second},
	}
	for _, tt := range tests {
		info, err := Validate(tt.data, Limits{})
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if info.SampleRate != tt.rate {
			t.Errorf("%s: rate %d, want %d", tt.name, info.SampleRate, tt.rate)
		}
		if d := info.Duration - tt.dur; d < -50*time.Millisecond || d > 200*time.Millisecond {
			t.Errorf("%s: duration %s, want about %s", tt.name, info.Duration, tt.dur)
		}
	}
}

// wavFile returns a 16-bit PCM WAV file of n samples of a tone.
func wavFile(n int) []byte {
	var buf bytes.Buffer
	pcm := sine(440, 8000, n, 0.5)
	b := make([]byte, 2*n)
	for i, v := range pcm {
		s := toInt16(v)
		b[2*i], b[2*i+1] = byte(s), byte(s>>8)
	}
	h := []byte("RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data")
	buf.Write(h)
	buf.Write([]byte{byte(len(b)), byte(len(b) >> 8), byte(len(b) >> 16), 0})
	buf.Write(b)
	return buf.Bytes()
}

func TestValidateRejects(t *testing.T) {
	t.Parallel()
	tone := mustReadFixture(t, "tone-1500ms-44k-stereo.mp3")
	short := mustReadFixture(t, "tone-500ms-48k-stereo.mp3")
	corrupt := append([]byte{}, tone...)
	for i := len(corrupt) / 2; i < len(corrupt)/2+64; i++ {
		corrupt[i] = 0x55
	}
	tests := []struct {
		name   string
		data   []byte
		limits Limits
		code   string
	}{
		{"empty", nil, Limits{}, hookline.EAudioInvalid},
		{"text", []byte("<html><body>Not found</body></html>\n"), Limits{}, hookline.EAudioInvalid},
		{"WAV named .mp3", wavFile(16000), Limits{}, hookline.EAudioInvalid},
		{"ID3 tag only", id3Tag(2000, false), Limits{}, hookline.EAudioInvalid},
		{"ID3 tag larger than the file", id3Tag(2000, false)[:500], Limits{}, hookline.EAudioInvalid},
		{"truncated", tone[:len(tone)-100], Limits{}, hookline.EAudioInvalid},
		{"corrupt middle", corrupt, Limits{}, hookline.EAudioInvalid},
		{"garbage after frames", append(append([]byte{}, tone...), bytes.Repeat([]byte{0x12}, 700)...), Limits{}, hookline.EAudioInvalid},
		{"too short", short, Limits{}, hookline.EAudioInvalid},
		{"too long", tone, Limits{MaxDuration: time.Second}, hookline.EAudioTooLong},
	}
	for _, tt := range tests {
		_, err := Validate(tt.data, tt.limits)
		if got := hookline.ErrorCode(err); got != tt.code {
			t.Errorf("%s: code %q (%v), want %q", tt.name, got, err, tt.code)
		}
		if msg := hookline.ErrorMessage(err); len(msg) < 20 || msg[len(msg)-1] != '.' {
			t.Errorf("%s: message %q is not a sentence", tt.name, msg)
		}
	}
}

func TestTranscode(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"tone-2s-22k-mono.mp3", "tone-2s-8k-mono.mp3", "tone-1500ms-44k-stereo.mp3"} {
		data := mustReadFixture(t, name)
		info, err := Validate(data, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		for _, codec := range []hookline.G711Codec{hookline.PCMU, hookline.PCMA} {
			g, err := Transcode(data, codec)
			if err != nil {
				t.Fatalf("%s %s: %v", name, codec, err)
			}
			dec := MuLawDecode
			if codec == hookline.PCMA {
				dec = ALawDecode
			}
			pcm := make([]float32, len(g))
			for i, b := range g {
				pcm[i] = float32(dec(b)) / 32768
			}
			secs := float64(len(g)) / 8000
			if secs < info.Duration.Seconds()-0.01 || secs > info.Duration.Seconds()+0.2 {
				t.Errorf("%s: %.3f s of G.711, MP3 is %s", name, secs, info.Duration)
			}
			if r := rms(pcm[len(pcm)/4 : len(pcm)*3/4]); r < 0.1 || r > 0.5 {
				t.Errorf("%s %s: rms %.3f, want a clear tone", name, codec, r)
			}
		}
	}
	if _, err := Transcode([]byte("nope"), hookline.PCMU); hookline.ErrorCode(err) != hookline.EAudioInvalid {
		t.Errorf("Transcode(text) = %v, want audio_invalid", err)
	}
}

func FuzzValidate(f *testing.F) {
	for _, name := range []string{"tone-2s-8k-mono.mp3", "tone-500ms-48k-stereo.mp3", "tone-2s-22k-mono.mp3"} {
		b := mustReadFixture(f, name)
		f.Add(b[:min(len(b), 3000)])
	}
	f.Add(id3Tag(10, true))
	f.Add([]byte("RIFF....WAVE"))
	f.Add([]byte{0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Validate(data, Limits{MinDuration: time.Millisecond})
		if err == nil && info.Frames == 0 {
			t.Fatal("valid without frames")
		}
		if err != nil && hookline.ErrorCode(err) == hookline.EInternal {
			t.Fatalf("untyped error %v", err)
		}
	})
}
