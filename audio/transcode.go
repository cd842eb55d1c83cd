package audio

import (
	"hookline"
)

// TelephonyRate is the sample rate of G.711 telephony audio.
const TelephonyRate = 8000

// Transcode decodes an MP3 and returns its audio as 8 kHz mono G.711
// samples in codec (hookline.PCMU or hookline.PCMA), one byte per sample.
// Channels are mixed to mono and the signal is low-passed below 4 kHz
// before it is resampled. Invalid MP3 data fails with audio_invalid.
func Transcode(data []byte, codec hookline.G711Codec) ([]byte, error) {
	if codec != hookline.PCMU && codec != hookline.PCMA {
		return nil, hookline.Errorf(hookline.EInvalid, "Unknown G.711 codec %q.", codec)
	}
	pcm, rate, _, err := decode(data)
	if err != nil {
		return nil, err
	}
	return encodeG711(Resample(pcm, rate, TelephonyRate), codec)
}
