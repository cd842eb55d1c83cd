package jobs

import (
	"testing"
	"time"
)

func TestCallbackBackoffSpans24Hours(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		attempt int
		want    time.Duration
	}{{1, 5 * time.Second}, {2, 10 * time.Second}, {5, 80 * time.Second}, {12, time.Hour}, {39, time.Hour}} {
		if got := CallbackBackoff(tc.attempt, 0); got != tc.want {
			t.Errorf("CallbackBackoff(%d) = %v, want %v", tc.attempt, got, tc.want)
		}
	}
	var total time.Duration
	for a := 1; a < CallbackMaxAttempts; a++ {
		total += CallbackBackoff(a, 0)
	}
	if total < CallbackGiveUp {
		t.Errorf("retries span %v, less than %v", total, CallbackGiveUp)
	}
}

func TestSignatureHeader(t *testing.T) {
	t.Parallel()
	// Reference value from: printf '1700000000.{}' | openssl dgst -sha256 -hmac s
	got := SignatureHeader("s", time.Unix(1700000000, 0), []byte("{}"))
	want := "t=1700000000,v1=e9232c9945da8456c2dea6b39da7786c07b00bca7a64d5dd1283674713a7b72a"
	if got != want {
		t.Fatalf("SignatureHeader = %q", got)
	}
}
