package server

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"hookline"
)

// FuzzParseWebhookParams feeds arbitrary queries, bodies and content types
// to the webhook parser: it must never panic, and every refusal must be a
// stable client error code, never an internal one.
func FuzzParseWebhookParams(f *testing.F) {
	f.Add("phone=%2B15551234567", "application/json", []byte(`{"first":"Ann"}`))
	f.Add("", "application/x-www-form-urlencoded", []byte("phone=5551234567&first=Bob"))
	f.Add("phone=1", "multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"last\"\r\n\r\nLee\r\n--x--\r\n"))
	f.Add("phone=1&phone=2", "text/plain", []byte("??"))
	f.Add("", "application/json", []byte(`{"phone":["a"],"x":1}`))
	f.Fuzz(func(t *testing.T, query, contentType string, body []byte) {
		r := httptest.NewRequest("POST", "/webhook/Custom/x", bytes.NewReader(body))
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", contentType)
		params, err := ParseWebhookParams(r, 4096)
		if err != nil {
			if code := hookline.ErrorCode(err); StatusFor(code) >= 500 {
				t.Fatalf("internal error code %q for query %q type %q body %q: %v", code, query, contentType, body, err)
			}
			return
		}
		for k := range params {
			switch k {
			case "phone", "first", "last", "email", "audio":
			default:
				t.Fatalf("accepted unknown parameter %q", k)
			}
		}
	})
}
