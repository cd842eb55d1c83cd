package client_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"hookline/client"
	"hookline/jobs"
)

// This receiver checks each status callback's signature before trusting
// it. The secret is the one POST /api/v1/signing-secret returned.
func ExampleVerifySignature() {
	secret := "whsec_example"
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "unreadable", http.StatusBadRequest)
			return
		}
		if err := client.VerifySignature(secret, r.Header.Get("Hookline-Signature"), body, client.DefaultTolerance, time.Now()); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var ev struct {
			MessageID string `json:"message_id"`
			Status    string `json:"status"`
		}
		if err := json.Unmarshal(body, &ev); err != nil {
			http.Error(w, "bad JSON", http.StatusBadRequest)
			return
		}
		fmt.Println("message", ev.MessageID, "is", ev.Status)
		w.WriteHeader(http.StatusNoContent) // any 2xx acknowledges it
	})

	// What Hookline sends, signed as jobs.CallbackWorker signs it.
	body := []byte(`{"event_id":"e1","message_id":"m1","trigger_id":"t1","phone":"+15551234567","status":"delivered","error_code":"","occurred_at":"2026-01-02T03:04:05Z"}`)
	for _, key := range []string{secret, "a wrong secret"} {
		req := httptest.NewRequest("POST", "/hookline", strings.NewReader(string(body)))
		req.Header.Set("Hookline-Signature", jobs.SignatureHeader(key, time.Now(), body))
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		fmt.Println(rec.Code)
	}
	// Output:
	// message m1 is delivered
	// 204
	// 401
}
