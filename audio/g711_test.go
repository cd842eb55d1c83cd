package audio

import (
	"bytes"
	"encoding/binary"
	"testing"

	"hookline"
)

func TestG711KnownValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    int16
		mu, a byte
	}{
		{0, 0xff, 0xd5},
		{32767, 0x80, 0xaa},
		{-32768, 0x00, 0x2a},
		{-1, 0x7f, 0x55},
		{1000, 0xce, 0xfa},
	}
	for _, tt := range tests {
		if got := MuLaw(tt.in); got != tt.mu {
			t.Errorf("MuLaw(%d) = %#x, want %#x", tt.in, got, tt.mu)
		}
		if got := ALaw(tt.in); got != tt.a {
			t.Errorf("ALaw(%d) = %#x, want %#x", tt.in, got, tt.a)
		}
	}
}

func TestG711RoundTrip(t *testing.T) {
	t.Parallel()
	for x := -32768; x <= 32767; x++ {
		s := int16(x)
		abs := max(x, -x)
		// Each segment doubles the step; the error is at most half a step
		// (µ-law: 1/32 of the magnitude; A-law: 1/32, with a 16 floor).
		if d := int(MuLawDecode(MuLaw(s))) - x; max(d, -d) > (abs+132)/32+1 && abs < 32636 {
			t.Fatalf("µ-law round trip of %d is off by %d", x, d)
		}
		if d := int(ALawDecode(ALaw(s))) - x; max(d, -d) > abs/32+16 && abs < 32256 {
			t.Fatalf("A-law round trip of %d is off by %d", x, d)
		}
	}
	for b := 0; b < 256; b++ {
		if got := MuLaw(MuLawDecode(byte(b))); got != byte(b) && b != 0x7f {
			t.Errorf("µ-law code %#x re-encodes as %#x", b, got)
		}
		if got := ALaw(ALawDecode(byte(b))); got != byte(b) {
			t.Errorf("A-law code %#x re-encodes as %#x", b, got)
		}
	}
}

func TestWriteWAV(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		codec  hookline.G711Codec
		format uint16
	}{{hookline.PCMU, 7}, {hookline.PCMA, 6}} {
		var buf bytes.Buffer
		samples := []byte{1, 2, 3}
		if err := WriteWAV(&buf, samples, tt.codec); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		if got, want := len(b), 58+4; got != want {
			t.Fatalf("len = %d, want %d", got, want)
		}
		if string(b[0:4]) != "RIFF" || string(b[8:16]) != "WAVEfmt " || string(b[38:42]) != "fact" || string(b[50:54]) != "data" {
			t.Fatalf("bad chunk layout: %q", b[:58])
		}
		if got := binary.LittleEndian.Uint32(b[4:]); int(got) != len(b)-8 {
			t.Errorf("RIFF size = %d, want %d", got, len(b)-8)
		}
		if got := binary.LittleEndian.Uint16(b[20:]); got != tt.format {
			t.Errorf("%s format = %d, want %d", tt.codec, got, tt.format)
		}
		if got := binary.LittleEndian.Uint32(b[24:]); got != 8000 {
			t.Errorf("rate = %d", got)
		}
		if got := binary.LittleEndian.Uint32(b[54:]); got != 3 {
			t.Errorf("data size = %d", got)
		}
	}
	if err := WriteWAV(&bytes.Buffer{}, nil, "G722"); err == nil {
		t.Error("WriteWAV accepted an unknown codec")
	}
}
