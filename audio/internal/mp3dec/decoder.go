// Package mp3dec decodes MPEG-1, MPEG-2 and MPEG-2.5 Layer III audio held
// in memory. It is derived from go-mp3 (see NOTICE) and adds strict
// validation and a reduced-rate path for telephony: only the low subbands
// are decoded, channels are mixed to mono and a decimated synthesis
// filterbank produces a signal at a fraction of the MP3's sample rate.
package mp3dec

import (
	"errors"
	"fmt"
)

// Errors returned by Decode besides corruption errors.
var (
	ErrNoAudio   = errors.New("mp3dec: no MPEG Layer III frames found")
	ErrTruncated = errors.New("mp3dec: the last frame is truncated")
)

type corruptError string

func (e corruptError) Error() string { return "mp3dec: corrupt stream: " + string(e) }

func errCorrupt(msg string) error { return corruptError(msg) }

// Info describes a decoded stream.
type Info struct {
	SampleRate int   // of the MP3, in Hz
	Channels   int   // of the MP3
	Frames     int   // audio frames, not counting a Xing/Info/VBRI frame
	Samples    int64 // per channel, at SampleRate, without encoder delay and padding
	Bitrate    int   // average, in bit/s
}

// Options tune Decode.
type Options struct {
	// MaxFreq, when positive, is the highest frequency the caller needs.
	// The decoder then skips subbands well above it and returns PCM at
	// SampleRate/d for a power of two d. Zero decodes the full band.
	MaxFreq int
}

// decoder holds the state carried from frame to frame.
type decoder struct {
	first   header
	res     []byte // bit reservoir: main data of recent frames
	decoded int    // frames decoded with a complete reservoir
	trim    int    // encoder delay and padding from a LAME tag, in samples
	d, nsb  int
	syn     *synth
	xi      [2][576]int32
	xr      [2][576]float32
	sf      [2][2]scalefactors
	overlap [2][32][18]float32
	sub     [576]float32
	out     []float32
}

// Decode decodes every frame of data, which may start with ID3v2 tags and
// end with ID3v1 or APE tags. It returns mono PCM in [-1, 1] at rate Hz.
// Any damage (lost sync, bad Huffman data, a truncated last frame,
// inconsistent headers) is an error. Decode never panics.
func Decode(data []byte, opt Options) (pcm []float32, rate int, info Info, err error) {
	defer func() {
		if r := recover(); r != nil {
			pcm, rate, err = nil, 0, errCorrupt(fmt.Sprint("decoder panic: ", r))
		}
	}()
	pos, err := SkipID3v2(data)
	if err != nil {
		return nil, 0, info, err
	}
	dec := &decoder{}
	var bytes int
	for pos < len(data) {
		h, ok := parseHeader(data[pos:])
		if !ok {
			if info.Frames > 0 && isTrailer(data[pos:]) {
				break
			}
			if dec.first == 0 && pos < 4096 {
				pos++
				continue
			}
			return nil, 0, info, errCorrupt(fmt.Sprintf("lost frame sync at byte %d", pos))
		}
		fs := h.frameSize()
		if pos+fs > len(data) {
			return nil, 0, info, ErrTruncated
		}
		if dec.first == 0 {
			dec.start(h, opt)
		} else if !sameFormat(h, dec.first) {
			return nil, 0, info, errCorrupt(fmt.Sprintf("frame header at byte %d changes the stream format", pos))
		}
		audio, err := dec.frame(h, data[pos:pos+fs], info.Frames == 0)
		if err != nil {
			return nil, 0, info, fmt.Errorf("frame at byte %d: %w", pos, err)
		}
		if audio {
			info.Frames++
			bytes += fs
		}
		pos += fs
	}
	if info.Frames == 0 {
		return nil, 0, info, ErrNoAudio
	}
	info.SampleRate = dec.first.sampleRate()
	info.Channels = dec.first.channels()
	info.Samples = int64(info.Frames) * int64(dec.first.samplesPerFrame())
	info.Bitrate = int(int64(bytes) * 8 * int64(info.SampleRate) / info.Samples)
	if int64(dec.trim) < info.Samples {
		info.Samples -= int64(dec.trim)
	}
	return dec.out, info.SampleRate / dec.d, info, nil
}

// start sets the stream format from its first header.
func (dec *decoder) start(h header, opt Options) {
	dec.first = h
	dec.d, dec.nsb = 1, 32
	if opt.MaxFreq > 0 {
		for dec.d < 8 && h.sampleRate()/(4*dec.d) >= opt.MaxFreq*5/4 {
			dec.d *= 2
		}
		dec.nsb = 32 / dec.d
	}
	dec.syn = newSynth(dec.d, dec.nsb)
}

// frame decodes one frame. It reports false for a Xing/Info/VBRI frame,
// which carries no audio.
func (dec *decoder) frame(h header, f []byte, first bool) (bool, error) {
	off := 4
	if h.protected() {
		off += 2
	}
	sis := h.sideInfoSize()
	if off+sis > len(f) {
		return false, errCorrupt("frame shorter than its side information")
	}
	if first {
		if ok, delay, padding := infoFrame(f, off+sis); ok {
			dec.trim = delay + padding
			return false, nil
		}
	}
	si, err := readSideInfo(h, f[off:off+sis])
	if err != nil {
		return false, err
	}
	main := f[off+sis:]
	if si.mainDataBegin > len(dec.res) {
		if dec.decoded > 0 {
			return false, errCorrupt("main_data_begin points before the stream")
		}
		dec.res = append(dec.res, main...)
		dec.out = append(dec.out, make([]float32, h.samplesPerFrame()/dec.d)...)
		return true, nil
	}
	start := len(dec.res) - si.mainDataBegin
	dec.res = append(dec.res, main...)
	br := bitReader{buf: dec.res[start:]}
	for gr := 0; gr < h.granules(); gr++ {
		if err := dec.granule(h, &si, gr, &br); err != nil {
			return false, err
		}
	}
	if len(dec.res) > 1<<16 {
		dec.res = append(dec.res[:0], dec.res[len(dec.res)-4096:]...)
	}
	dec.decoded++
	return true, nil
}

func (dec *decoder) granule(h header, si *sideInfo, gr int, br *bitReader) error {
	nch := h.channels()
	var nz [2]int
	for ch := 0; ch < nch; ch++ {
		g := &si.gr[gr][ch]
		end := br.pos + g.part23Length
		if end > len(br.buf)*8 {
			return errCorrupt("part2_3_length overruns the main data")
		}
		sf := &dec.sf[gr][ch]
		if h.lsf() {
			*sf = scalefactors{}
			readScalefactorsMPEG2(br, g, ch == 1 && h.iStereo(), sf)
		} else {
			readScalefactorsMPEG1(br, g, &si.scfsi[ch], gr, sf, &dec.sf[0][ch])
		}
		n, err := readHuffmanData(br, h, g, end, &dec.xi[ch])
		if err != nil {
			return err
		}
		nz[ch] = n
	}
	lim := min(576, (dec.nsb+1)*18)
	for ch := 0; ch < nch; ch++ {
		g := &si.gr[gr][ch]
		requantize(h, g, &dec.sf[gr][ch], &dec.xi[ch], &dec.xr[ch], lim)
		reorder(h, g, &dec.xr[ch], lim)
	}
	if nch == 2 {
		stereo(h, &si.gr[gr][1], &dec.sf[gr][1], &dec.xr, nz[1], lim)
	}
	for ch := 0; ch < nch; ch++ {
		dec.hybrid(&si.gr[gr][ch], ch, nch)
	}
	for ss := 0; ss < 18; ss++ {
		dec.out = dec.syn.slot(dec.sub[ss:], dec.out)
	}
	return nil
}

// hybrid runs alias reduction and the IMDCT on the kept subbands of one
// channel and mixes the result into dec.sub.
func (dec *decoder) hybrid(g *granuleInfo, ch, nch int) {
	xr := &dec.xr[ch]
	antialias(g, xr, min(dec.nsb+1, 32))
	gain := float32(1) / float32(nch)
	var t [18]float32
	for sb := 0; sb < dec.nsb; sb++ {
		bt := 0
		if g.winSwitch && !(g.mixed && sb < 2) {
			bt = g.blockType
		}
		imdctWin((*[18]float32)(xr[sb*18:]), bt, &dec.overlap[ch][sb], &t)
		if sb&1 == 1 {
			for i := 1; i < 18; i += 2 {
				t[i] = -t[i]
			}
		}
		s := dec.sub[sb*18 : sb*18+18]
		for i := range s {
			if ch == 0 {
				s[i] = t[i] * gain
			} else {
				s[i] += t[i] * gain
			}
		}
	}
}

// sameFormat reports whether two headers agree on version, sample rate and
// channel count, which must not change within a stream.
func sameFormat(a, b header) bool {
	return a.version() == b.version() && a.rateIndex() == b.rateIndex() && a.mono() == b.mono()
}
