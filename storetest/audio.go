package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"hookline"
)

// mustAudio stores data as the account's audio.
func mustAudio(t *testing.T, s Store, accountID int64, data []byte) *hookline.Audio {
	t.Helper()
	sum := sha256.Sum256(data)
	a, err := s.CreateAudio(ctx, &hookline.Audio{AccountID: accountID, SHA256: hex.EncodeToString(sum[:]), Duration: 1500 * time.Millisecond,
		SourceURL: "https://example.com/a.mp3"}, data)
	must(t, err)
	return a
}

func testAudio(t *testing.T, open Opener) {
	s := open(t, newClock().Now)
	a := mustAccount(t, s, "acme")
	b := mustAccount(t, s, "globex")
	// Every byte value survives the round trip (BLOB and BYTEA alike).
	data := make([]byte, 256*4)
	for i := range data {
		data[i] = byte(i)
	}
	first := mustAudio(t, s, a.ID, data)
	again := mustAudio(t, s, a.ID, data)
	if again.ID != first.ID {
		t.Fatalf("the same bytes stored twice got ids %s and %s", first.ID, again.ID)
	}
	if first.Size != int64(len(data)) || first.DurationMS != 1500 {
		t.Fatalf("audio = %+v", first)
	}
	if other := mustAudio(t, s, b.ID, data); other.ID == first.ID {
		t.Fatal("two accounts share one audio row")
	}
	got, err := s.AudioData(ctx, first.ID)
	must(t, err)
	if !bytes.Equal(got, data) {
		t.Fatalf("AudioData returned %d bytes that differ from the %d stored", len(got), len(data))
	}
	found, err := s.FindAudioByID(ctx, a.ID, first.ID)
	must(t, err)
	if found.SHA256 != first.SHA256 {
		t.Fatalf("FindAudioByID = %+v", found)
	}
	_, err = s.FindAudioByID(ctx, b.ID, first.ID)
	if hookline.ErrorCode(err) == "" {
		t.Fatal("another account found the audio")
	}
}
