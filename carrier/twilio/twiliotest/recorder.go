package twiliotest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Exchange is one request made to the Twilio API and Prism's verdict on it.
type Exchange struct {
	Method, Path string
	// Form is the request's form as the client sent it.
	Form   url.Values
	Status int
	// Violations is Prism's sl-violations header: empty when the request
	// and its answer keep Twilio's contract.
	Violations string
	Body       []byte
}

// OK reports whether Prism accepted the request without a violation.
func (e Exchange) OK() bool { return e.Status >= 200 && e.Status <= 299 && e.Violations == "" }

// Recorder keeps every exchange that passed through a recording Prism.
type Recorder struct {
	mu        sync.Mutex
	exchanges []Exchange
}

// Exchanges returns the exchanges so far, oldest first.
func (r *Recorder) Exchanges() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Exchange(nil), r.exchanges...)
}

// Find returns the exchanges whose method is method and whose path ends in
// suffix, oldest first.
func (r *Recorder) Find(method, suffix string) []Exchange {
	var out []Exchange
	for _, e := range r.Exchanges() {
		if e.Method == method && strings.HasSuffix(e.Path, suffix) {
			out = append(out, e)
		}
	}
	return out
}

// arrayFields are the form fields Twilio's API takes as repeated keys
// (StatusCallbackEvent=a&StatusCallbackEvent=b). Prism 5.14 only reads
// arrays from "key[]" names (stoplightio/prism#2473), so the recorder
// renames them before Prism validates; the client keeps Twilio's real wire
// format, which is what Exchange.Form shows.
var arrayFields = []string{"StatusCallbackEvent"}

// Last returns the latest exchange, failing the test if the client made
// none or if Prism found the request or its answer in breach of Twilio's
// contract.
func (r *Recorder) Last(t testing.TB) Exchange {
	t.Helper()
	all := r.Exchanges()
	if len(all) == 0 {
		t.Fatal("the client made no request")
	}
	e := all[len(all)-1]
	if !e.OK() {
		t.Fatalf("prism: %s %s answered %d, violations %q: %s", e.Method, e.Path, e.Status, e.Violations, e.Body)
	}
	return e
}

// StartRecordingPrism starts Prism (see StartPrism) behind a proxy that
// records every request, and returns the proxy's origin, to use as the
// client's APIURL.
func StartRecordingPrism(t testing.TB) (string, *Recorder) {
	t.Helper()
	return RecordPrism(t, StartPrism(t))
}

// RecordPrism puts a proxy that records every request in front of the
// Prism at target (from StartPrism or SharedPrism) and returns the proxy's
// origin, to use as the client's APIURL; t.Cleanup closes the proxy.
func RecordPrism(t testing.TB, target string) (string, *Recorder) {
	t.Helper()
	rec := &Recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		fwd := url.Values{}
		for k, v := range form {
			fwd[k] = v
		}
		for _, k := range arrayFields {
			if v, ok := fwd[k]; ok {
				delete(fwd, k)
				fwd[k+"[]"] = v
			}
		}
		req, _ := http.NewRequest(r.Method, target+r.URL.RequestURI(), bytes.NewBufferString(fwd.Encode()))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		rec.mu.Lock()
		rec.exchanges = append(rec.exchanges, Exchange{Method: r.Method, Path: r.URL.Path, Form: form, Status: resp.StatusCode,
			Violations: resp.Header.Get("sl-violations"), Body: out})
		rec.mu.Unlock()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, rec
}
