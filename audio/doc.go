// Package audio fetches, validates and transcodes the MP3 files that
// Hookline drops as voicemails.
//
// A Fetcher downloads user-supplied URLs through a client built by
// NewSafeClient, which refuses private, loopback, link-local, metadata and
// other special-purpose addresses at dial time, so DNS rebinding and
// redirects cannot reach them. Fetched files are validated by Validate,
// which decodes every frame, and cached by URL with single-flight
// de-duplication.
//
// Transcode turns an MP3 into 8 kHz mono G.711 (µ-law or A-law) samples for
// telephony carriers and WriteWAV wraps such samples in a WAV file. The
// decoder in internal/mp3dec decodes only the subbands below 4 kHz and
// synthesises them at a reduced rate, which a windowed-sinc polyphase
// resampler then converts to exactly 8000 Hz.
//
// Client-facing failures are *hookline.Error values with the audio_* codes;
// the wrapped cause, for logs, is reachable with errors.Unwrap.
package audio
