package voicemail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Public media URLs let carriers that fetch audio themselves (Twilio's
// <Play>) download a voicemail without an API key. The URL is
// /media/<audio id>/<token>.mp3 where the token is the first 128 bits of
// HMAC-SHA256(audio id) under a deployment-wide secret: stateless, the same
// on every node, unguessable without the secret, and revoked for all
// audio at once by rotating the secret.

// SetMediaBase sets the public origin of media URLs, like
// https://hooks.example.com. It may be called while the service is in use.
func (s *Service) SetMediaBase(origin string) {
	origin = strings.TrimRight(origin, "/")
	s.mediaBase.Store(&origin)
}

// MediaURL returns the public URL of an audio, or "" when no secret or
// origin is configured.
func (s *Service) MediaURL(audioID string) string {
	base := s.mediaBase.Load()
	if base == nil || len(s.cfg.MediaSecret) == 0 {
		return ""
	}
	return *base + MediaPath(audioID, s.mediaToken(audioID))
}

// MediaPath is the path of the media URL of an audio with its token.
func MediaPath(audioID, token string) string {
	return "/media/" + audioID + "/" + token + ".mp3"
}

func (s *Service) mediaToken(audioID string) string {
	m := hmac.New(sha256.New, s.cfg.MediaSecret)
	m.Write([]byte("hookline media v1\x00"))
	m.Write([]byte(audioID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// CheckMediaToken reports whether token (without ".mp3") is the media
// token of the audio id, in constant time.
func (s *Service) CheckMediaToken(audioID, token string) bool {
	if len(s.cfg.MediaSecret) == 0 {
		return false
	}
	return hmac.Equal([]byte(token), []byte(s.mediaToken(audioID)))
}
