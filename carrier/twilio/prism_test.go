package twilio

import (
	"os"
	"testing"

	"hookline/carrier/twilio/twiliotest"
)

// Prism serves Twilio's own OpenAPI document and refuses (with --errors,
// 422) any request that breaks it, so the client is tested against Twilio's
// published contract. Prism takes seconds to start, so one runs per test
// binary (twiliotest.SharedPrism) and TestMain stops it.
func TestMain(m *testing.M) {
	code := m.Run()
	twiliotest.StopSharedPrism()
	os.Exit(code)
}

// mustRecordingPrism returns an API URL that forwards to the shared Prism
// and the recorder of what passed through.
func mustRecordingPrism(t *testing.T) (string, *twiliotest.Recorder) {
	t.Helper()
	return twiliotest.RecordPrism(t, twiliotest.SharedPrism(t))
}
