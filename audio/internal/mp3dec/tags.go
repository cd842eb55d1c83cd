package mp3dec

import (
	"bytes"
	"errors"
)

// ErrBadTag reports a malformed or truncated ID3v2 tag.
var ErrBadTag = errors.New("mp3dec: malformed ID3v2 tag")

// SkipID3v2 returns the offset of the first byte after the ID3v2 tags at
// the start of data. It skips several tags in a row and honours the footer
// flag.
func SkipID3v2(data []byte) (int, error) {
	pos := 0
	for len(data)-pos >= 3 && string(data[pos:pos+3]) == "ID3" {
		if len(data)-pos < 10 {
			return 0, ErrBadTag
		}
		h := data[pos : pos+10]
		if h[3] == 0xff || h[4] == 0xff || h[6]|h[7]|h[8]|h[9] >= 0x80 {
			return 0, ErrBadTag
		}
		size := int(h[6])<<21 | int(h[7])<<14 | int(h[8])<<7 | int(h[9])
		size += 10
		if h[5]&0x10 != 0 {
			size += 10 // footer
		}
		if pos+size > len(data) {
			return 0, ErrBadTag
		}
		pos += size
	}
	return pos, nil
}

// isTrailer reports whether b, the bytes after the last frame, is a tag
// or padding that players ignore.
func isTrailer(b []byte) bool {
	if len(b) == 128 && string(b[:3]) == "TAG" {
		return true
	}
	for _, p := range []string{"APETAGEX", "LYRICSBEGIN"} {
		if bytes.HasPrefix(b, []byte(p)) {
			return true
		}
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// infoFrame reports whether frame f holds a Xing, Info or VBRI header
// instead of audio; sideEnd is the offset where its side information ends.
// It also returns the encoder delay and padding from a LAME tag, in samples.
func infoFrame(f []byte, sideEnd int) (ok bool, delay, padding int) {
	has := func(off int, tag string) bool {
		return len(f) >= off+4 && string(f[off:off+4]) == tag
	}
	if has(36, "VBRI") {
		return true, 0, 0
	}
	if !has(sideEnd, "Xing") && !has(sideEnd, "Info") {
		return false, 0, 0
	}
	off := sideEnd + 8
	flags := f[sideEnd+7]
	for bit, size := range []int{4, 4, 100, 4} { // frames, bytes, TOC, quality
		if flags&(1<<uint(bit)) != 0 {
			off += size
		}
	}
	if len(f) >= off+24 && (has(off, "LAME") || has(off, "Lavf") || has(off, "Lavc")) {
		b := f[off+21:]
		delay = int(b[0])<<4 | int(b[1])>>4
		padding = int(b[1]&15)<<8 | int(b[2])
	}
	return true, delay, padding
}
