package hookline

import (
	"context"
	"time"
)

// Audio is a stored MP3, kept once per SHA-256.
type Audio struct {
	ID         string        `json:"id"`
	AccountID  int64         `json:"-"`
	SHA256     string        `json:"sha256"`
	Size       int64         `json:"size"`
	Duration   time.Duration `json:"-"`
	DurationMS int64         `json:"duration_ms"`
	SourceURL  string        `json:"source_url,omitempty"`
	CreatedAt  time.Time     `json:"created_at"`
}

// AudioService stores audio.
type AudioService interface {
	// CreateAudio stores the MP3 data for the account, or returns the
	// account's existing audio with the same SHA-256.
	CreateAudio(ctx context.Context, a *Audio, data []byte) (*Audio, error)
	FindAudioByID(ctx context.Context, accountID int64, id string) (*Audio, error)
	AudioData(ctx context.Context, id string) ([]byte, error)
}
