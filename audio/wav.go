package audio

import (
	"encoding/binary"
	"fmt"
	"io"

	"hookline"
)

// WAV format tags for G.711.
const (
	wavFormatALaw  = 6
	wavFormatMuLaw = 7
)

// WriteWAV writes 8 kHz mono G.711 samples as a WAV file: a RIFF header,
// a fmt chunk (format 7 for µ-law, 6 for A-law, with the cbSize field and
// the fact chunk that non-PCM formats carry) and the data chunk.
func WriteWAV(w io.Writer, samples []byte, codec hookline.G711Codec) error {
	var format uint16
	switch codec {
	case hookline.PCMU:
		format = wavFormatMuLaw
	case hookline.PCMA:
		format = wavFormatALaw
	default:
		return fmt.Errorf("audio: unknown G.711 codec %q", codec)
	}
	n := uint32(len(samples))
	pad := n & 1
	h := make([]byte, 0, 58)
	h = append(h, "RIFF"...)
	h = binary.LittleEndian.AppendUint32(h, 4+26+12+8+n+pad)
	h = append(h, "WAVEfmt "...)
	h = binary.LittleEndian.AppendUint32(h, 18)
	h = binary.LittleEndian.AppendUint16(h, format)
	h = binary.LittleEndian.AppendUint16(h, 1)    // channels
	h = binary.LittleEndian.AppendUint32(h, 8000) // sample rate
	h = binary.LittleEndian.AppendUint32(h, 8000) // bytes per second
	h = binary.LittleEndian.AppendUint16(h, 1)    // block align
	h = binary.LittleEndian.AppendUint16(h, 8)    // bits per sample
	h = binary.LittleEndian.AppendUint16(h, 0)    // cbSize
	h = append(h, "fact"...)
	h = binary.LittleEndian.AppendUint32(h, 4)
	h = binary.LittleEndian.AppendUint32(h, n)
	h = append(h, "data"...)
	h = binary.LittleEndian.AppendUint32(h, n)
	if _, err := w.Write(h); err != nil {
		return fmt.Errorf("write wav header: %w", err)
	}
	if _, err := w.Write(samples); err != nil {
		return fmt.Errorf("write wav data: %w", err)
	}
	if pad == 1 {
		if _, err := w.Write([]byte{0}); err != nil {
			return fmt.Errorf("write wav padding: %w", err)
		}
	}
	return nil
}
