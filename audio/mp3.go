package audio

import (
	"errors"
	"fmt"
	"time"

	"hookline"
	"hookline/audio/internal/mp3dec"
)

// Default duration limits of a voicemail.
const (
	DefaultMinDuration = time.Second
	DefaultMaxDuration = 5 * time.Minute
)

// telephonyMaxFreq is the highest frequency 8 kHz telephony keeps.
const telephonyMaxFreq = 4000

// Limits bound the audio that Validate accepts. Zero fields take the
// defaults.
type Limits struct {
	MinDuration time.Duration
	MaxDuration time.Duration
}

func (l Limits) withDefaults() Limits {
	if l.MinDuration <= 0 {
		l.MinDuration = DefaultMinDuration
	}
	if l.MaxDuration <= 0 {
		l.MaxDuration = DefaultMaxDuration
	}
	return l
}

// Info describes a valid MP3.
type Info struct {
	Duration   time.Duration
	SampleRate int // Hz
	Channels   int
	Bitrate    int // average, bit/s
	Frames     int
}

// Validate checks that data is a complete, undamaged MPEG Layer III file
// whose duration is within limits. It ignores what the file claims to be
// and decodes every frame, so truncated or corrupt files, WAV or text
// files and ID3 tags without audio fail with audio_invalid; long files
// fail with audio_too_long. Validate is safe on arbitrary input.
func Validate(data []byte, limits Limits) (Info, error) {
	_, _, info, err := decode(data)
	if err != nil {
		return Info{}, err
	}
	return info, checkDuration(info, limits.withDefaults())
}

// decode decodes data for telephony and maps failures to audio_invalid.
func decode(data []byte) ([]float32, int, Info, error) {
	pcm, rate, di, err := mp3dec.Decode(data, mp3dec.Options{MaxFreq: telephonyMaxFreq})
	if err != nil {
		return nil, 0, Info{}, invalidError(err)
	}
	info := Info{
		Duration:   time.Duration(di.Samples) * time.Second / time.Duration(di.SampleRate),
		SampleRate: di.SampleRate,
		Channels:   di.Channels,
		Bitrate:    di.Bitrate,
		Frames:     di.Frames,
	}
	return pcm, rate, info, nil
}

func invalidError(cause error) error {
	msg := "The audio is not a valid MP3 file: it is damaged or truncated."
	switch {
	case errors.Is(cause, mp3dec.ErrNoAudio):
		msg = "The audio is not an MP3 file: no MP3 audio was found in it."
	case errors.Is(cause, mp3dec.ErrTruncated):
		msg = "The audio is not a valid MP3 file: it is truncated."
	case errors.Is(cause, mp3dec.ErrBadTag):
		msg = "The audio is not a valid MP3 file: its ID3 tag is damaged or holds no audio."
	}
	return wrapError(hookline.Errorf(hookline.EAudioInvalid, "%s", msg), cause)
}

func checkDuration(info Info, l Limits) error {
	switch {
	case info.Duration > l.MaxDuration:
		return hookline.Errorf(hookline.EAudioTooLong,
			"The audio is %s long; the longest allowed is %s.", fmtDuration(info.Duration), fmtDuration(l.MaxDuration))
	case info.Duration < l.MinDuration:
		return hookline.Errorf(hookline.EAudioInvalid,
			"The audio is %s long; the shortest allowed is %s.", fmtDuration(info.Duration), fmtDuration(l.MinDuration))
	}
	return nil
}

// fmtDuration formats d to a tenth of a second, e.g. "1m30.5s".
func fmtDuration(d time.Duration) string {
	return d.Round(100 * time.Millisecond).String()
}

// wrapError returns an error whose chain holds both the client-facing
// herr and the internal cause, for logging.
func wrapError(herr *hookline.Error, cause error) error {
	if cause == nil {
		return herr
	}
	return fmt.Errorf("%w: %w", herr, cause)
}
