package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"hookline"
	"hookline/compliance"
	"hookline/sqlstore"
	"hookline/voicemail"
)

// openAPIOps is the parsed document: path template → method → operation.
type openAPIOps map[string]map[string]struct {
	Responses map[string]struct {
		Ref     string                     `json:"$ref"`
		Headers map[string]json.RawMessage `json:"headers"`
	} `json:"responses"`
}

// operation returns the documented path template that matches a concrete
// path, preferring the one with the fewest {parameters}.
func (ops openAPIOps) operation(path string) string {
	best, bestParams := "", 1<<30
	segs := strings.Split(path, "/")
	for tmpl := range ops {
		ts := strings.Split(tmpl, "/")
		if len(ts) != len(segs) {
			continue
		}
		params, ok := 0, true
		for i, s := range ts {
			if strings.HasPrefix(s, "{") {
				params++
			} else if s != segs[i] {
				ok = false
				break
			}
		}
		if ok && params < bestParams {
			best, bestParams = tmpl, params
		}
	}
	return best
}

// statusFixture is a Server on a real SQLite store with a key, triggers,
// uploaded audio and an opted-out phone.
type statusFixture struct {
	h        http.Handler
	key      string
	sms      string // SMS trigger without quiet hours
	limited  string // SMS trigger allowing one call per hour
	capped   string // SMS trigger allowing one message per phone per hour
	audio    *hookline.Audio
	mediaURL string
	mp3      []byte
}

func newStatusFixture(t *testing.T) *statusFixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.Start()
	acc, err := db.FindOrCreateAccount(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := db.CreateAPIKey(ctx, acc.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	vm := voicemail.New(voicemail.Config{Store: db, MediaSecret: []byte("media secret")})
	vm.SetMediaBase("http://hookline.test")
	s := &Server{BaseURL: "http://hookline.test", Accounts: db, Triggers: db, Messages: db, Contacts: db, Inbox: db,
		OptOuts: db, InboundStore: db, Settings: db, Admission: &compliance.Admission{OptOuts: db}, Audio: vm, AudioLibrary: vm,
		Secrets: db, Rotator: db, Ready: db.Ping, Logger: slog.New(slog.DiscardHandler)}
	f := &statusFixture{h: s.Handler(), key: key}
	for _, tc := range []struct {
		id *string
		rl *hookline.RateLimit
		fc *hookline.FrequencyCap
	}{{&f.sms, nil, nil}, {&f.limited, &hookline.RateLimit{Requests: 1, WindowSeconds: 3600}, nil}, {&f.capped, nil, &hookline.FrequencyCap{Max: 1, Period: "1h"}}} {
		tr := &hookline.Trigger{AccountID: acc.ID, Kind: hookline.KindSMS, Name: "t", Body: "Hi {{first}}", Enabled: true}
		tr.RateLimit, tr.FrequencyCap = tc.rl, tc.fc
		if err := db.CreateTrigger(ctx, tr); err != nil {
			t.Fatal(err)
		}
		*tc.id = tr.ID
	}
	if f.mp3, err = os.ReadFile("../audio/testdata/tone-1500ms-44k-stereo.mp3"); err != nil {
		t.Fatal(err)
	}
	if f.audio, err = vm.Upload(ctx, acc.ID, f.mp3); err != nil {
		t.Fatal(err)
	}
	v := &hookline.OutboundVoicemail{}
	if err := vm.Voicemail(ctx, f.audio.ID, v); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(v.AudioURL)
	if err != nil || !strings.HasPrefix(u.Path, "/media/") {
		t.Fatalf("media URL %q: %v", v.AudioURL, err)
	}
	f.mediaURL = u.Path
	if _, err := db.AddOptOuts(ctx, acc.ID, []string{"+14155550199"}, hookline.OptOutAPI); err != nil {
		t.Fatal(err)
	}
	return f
}

// multipartMP3 returns a multipart body with data as its "file" field.
func multipartMP3(t *testing.T, data []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", "tone.mp3")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

// TestOpenAPIStatusCodes makes real requests against the real handler and
// a real store and checks that every answer's status is one the document
// lists for its operation, that errors have the documented
// {"error","message"} shape, and that 429 answers carry Retry-After.
func TestOpenAPIStatusCodes(t *testing.T) {
	t.Parallel()
	var doc struct {
		Paths openAPIOps `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	f := newStatusFixture(t)
	mpType, mpBody := multipartMP3(t, f.mp3)
	big := `{"phone":"` + strings.Repeat("1", 70<<10) + `"}`
	// Steps run in order: the rate-limited and the capped trigger answer 200,
	// then 429.
	steps := []struct {
		name, method, path, ctype, body string
		header                          map[string]string
		noKey                           bool
		want                            int
	}{
		{name: "no key", method: "GET", path: "/api/v1/triggers", noKey: true, want: 401},
		{name: "wrong key", method: "GET", path: "/api/v1/messages", header: map[string]string{"Authorization": "Bearer nope"}, noKey: true, want: 401},
		{name: "create trigger", method: "POST", path: "/api/v1/triggers", ctype: "application/json",
			body: `{"kind":"sms","name":"n","body":"Hi","enabled":false,"status_callback_url":"https://example.com/cb","send_window":{"start":"09:00","end":"17:00"},"frequency_cap":{"max":2,"period":"24h"},"rate_limit":{"requests":5,"window_seconds":60}}`, want: 201},
		{name: "create trigger, unknown field", method: "POST", path: "/api/v1/triggers", ctype: "application/json", body: `{"kind":"sms","name":"n","body":"Hi","colour":"red"}`, want: 400},
		{name: "create trigger, too large", method: "POST", path: "/api/v1/triggers", ctype: "application/json", body: big, want: 413},
		{name: "list triggers", method: "GET", path: "/api/v1/triggers?kind=sms", want: 200},
		{name: "get trigger", method: "GET", path: "/api/v1/triggers/" + f.sms, want: 200},
		{name: "get missing trigger", method: "GET", path: "/api/v1/triggers/00000000-0000-4000-8000-000000000000", want: 404},
		{name: "patch trigger", method: "PATCH", path: "/api/v1/triggers/" + f.sms, ctype: "application/json", body: `{"send_window":null,"status_callback_url":"https://example.com/cb"}`, want: 200},
		{name: "patch trigger kind", method: "PATCH", path: "/api/v1/triggers/" + f.sms, ctype: "application/json", body: `{"kind":"rvm"}`, want: 400},
		{name: "webhook", method: "POST", path: "/webhook/Custom/" + f.sms, ctype: "application/json", body: `{"phone":"+14155550100","first":"Ann"}`, header: map[string]string{"Idempotency-Key": "k1"}, want: 200},
		{name: "webhook, idempotency conflict", method: "POST", path: "/webhook/Custom/" + f.sms, ctype: "application/json", body: `{"phone":"+14155550101"}`, header: map[string]string{"Idempotency-Key": "k1"}, want: 409},
		{name: "webhook GET", method: "GET", path: "/webhook/Custom/" + f.sms + "?phone=%2B14155550102", want: 200},
		{name: "webhook, unknown parameter", method: "GET", path: "/webhook/Custom/" + f.sms + "?phone=%2B14155550102&nmae=x", want: 400},
		{name: "webhook, text/plain", method: "POST", path: "/webhook/Custom/" + f.sms, ctype: "text/plain", body: "phone=1", want: 415},
		{name: "webhook, too large", method: "POST", path: "/webhook/Custom/" + f.sms, ctype: "application/json", body: big, want: 413},
		{name: "webhook, opted out", method: "POST", path: "/webhook/Custom/" + f.sms, ctype: "application/x-www-form-urlencoded", body: "phone=%2B14155550199", want: 422},
		{name: "webhook, unknown trigger", method: "POST", path: "/webhook/Custom/nope", ctype: "application/json", body: `{"phone":"+14155550100"}`, want: 404},
		{name: "webhook, first of the hour", method: "POST", path: "/webhook/Custom/" + f.limited, ctype: "application/json", body: `{"phone":"+14155550100"}`, want: 200},
		{name: "webhook, rate limited", method: "POST", path: "/webhook/Custom/" + f.limited, ctype: "application/json", body: `{"phone":"+14155550100"}`, want: 429},
		{name: "webhook, first to the phone", method: "POST", path: "/webhook/Custom/" + f.capped, ctype: "application/json", body: `{"phone":"+14155550100"}`, want: 200},
		{name: "webhook, frequency capped", method: "POST", path: "/webhook/Custom/" + f.capped, ctype: "application/json", body: `{"phone":"+14155550100"}`, want: 429},
		{name: "rotate trigger", method: "POST", path: "/api/v1/triggers/" + f.limited + "/rotate", want: 200},
		{name: "delete rotated-away trigger", method: "DELETE", path: "/api/v1/triggers/" + f.limited, want: 404},
		{name: "list messages", method: "GET", path: "/api/v1/messages?limit=10", want: 200},
		{name: "list messages, bad limit", method: "GET", path: "/api/v1/messages?limit=0", want: 400},
		{name: "get missing message", method: "GET", path: "/api/v1/messages/nope", want: 404},
		{name: "list contacts", method: "GET", path: "/api/v1/contacts", want: 200},
		{name: "get contact", method: "GET", path: "/api/v1/contacts/%2B14155550100", want: 200},
		{name: "get contact, bad phone", method: "GET", path: "/api/v1/contacts/12", want: 400},
		{name: "list inbound", method: "GET", path: "/api/v1/inbound", want: 200},
		{name: "add opt-outs", method: "POST", path: "/api/v1/opt-outs", ctype: "application/json", body: `{"phones":["+14155550150","+14155550151"]}`, want: 201},
		{name: "import opt-outs", method: "POST", path: "/api/v1/opt-outs", ctype: "text/csv", body: "phone\n+14155550152\n+14155550150\n", want: 201},
		{name: "import opt-outs, bad row", method: "POST", path: "/api/v1/opt-outs", ctype: "text/csv", body: "phone\nnot a phone\n", want: 400},
		{name: "list opt-outs", method: "GET", path: "/api/v1/opt-outs", want: 200},
		{name: "export opt-outs", method: "GET", path: "/api/v1/opt-outs?format=csv", want: 200},
		{name: "remove opt-out", method: "DELETE", path: "/api/v1/opt-outs/%2B14155550150", want: 204},
		{name: "remove opt-out again", method: "DELETE", path: "/api/v1/opt-outs/%2B14155550150", want: 404},
		{name: "get settings", method: "GET", path: "/api/v1/settings/compliance", want: 200},
		{name: "patch settings", method: "PATCH", path: "/api/v1/settings/compliance", ctype: "application/json", body: `{"help_reply":"Call us."}`, want: 200},
		{name: "create key", method: "POST", path: "/api/v1/keys", ctype: "application/json", body: `{"name":"ci"}`, want: 201},
		{name: "list keys", method: "GET", path: "/api/v1/keys", want: 200},
		{name: "revoke missing key", method: "DELETE", path: "/api/v1/keys/abc", want: 404},
		{name: "signing secret", method: "POST", path: "/api/v1/signing-secret", want: 200},
		{name: "simulator inbox", method: "GET", path: "/api/v1/simulator/inbox?phone=%2B14155550100", want: 200},
		{name: "simulator failures, disabled", method: "POST", path: "/api/v1/simulator/failures", ctype: "application/json", body: `{"phone":"+14155550100","mode":"permanent"}`, want: 404},
		{name: "simulator reply, disabled", method: "POST", path: "/api/v1/simulator/reply", ctype: "application/json", body: `{"from":"+14155550100","text":"hi"}`, want: 404},
		{name: "upload MP3", method: "POST", path: "/api/v1/audio", ctype: "audio/mpeg", body: string(f.mp3), want: 201},
		{name: "upload MP3, multipart", method: "POST", path: "/api/v1/audio", ctype: mpType, body: string(mpBody), want: 201},
		{name: "upload, wrong type", method: "POST", path: "/api/v1/audio", ctype: "image/png", body: "x", want: 415},
		{name: "upload, not an MP3", method: "POST", path: "/api/v1/audio", ctype: "audio/mpeg", body: "not audio at all", want: 422},
		{name: "get audio", method: "GET", path: "/api/v1/audio/" + f.audio.ID, want: 200},
		{name: "get audio file", method: "GET", path: "/api/v1/audio/" + f.audio.ID + "/file", want: 200},
		{name: "get audio file range", method: "GET", path: "/api/v1/audio/" + f.audio.ID + "/file", header: map[string]string{"Range": "bytes=0-9"}, want: 206},
		{name: "get audio file cached", method: "GET", path: "/api/v1/audio/" + f.audio.ID + "/file", header: map[string]string{"If-None-Match": `"` + f.audio.SHA256 + `"`}, want: 304},
		{name: "get missing audio", method: "GET", path: "/api/v1/audio/00000000-0000-4000-8000-000000000000", want: 404},
		{name: "media", method: "GET", path: f.mediaURL, noKey: true, want: 200},
		{name: "media, bad token", method: "GET", path: "/media/" + f.audio.ID + "/forged.mp3", noKey: true, want: 404},
		{name: "delete trigger", method: "DELETE", path: "/api/v1/triggers/" + f.sms, want: 204},
		{name: "webhook, deleted trigger", method: "GET", path: "/webhook/Custom/" + f.sms + "?phone=%2B14155550100", want: 404},
		{name: "openapi", method: "GET", path: "/api/v1/openapi.json", noKey: true, want: 200},
		{name: "healthz", method: "GET", path: "/healthz", noKey: true, want: 200},
		{name: "readyz", method: "GET", path: "/readyz", noKey: true, want: 200},
		{name: "metrics, disabled", method: "GET", path: "/metrics", noKey: true, want: 404},
	}
	for _, st := range steps {
		req := httptest.NewRequest(st.method, st.path, strings.NewReader(st.body))
		if st.ctype != "" {
			req.Header.Set("Content-Type", st.ctype)
		}
		if !st.noKey {
			req.Header.Set("Authorization", "Bearer "+f.key)
		}
		for k, v := range st.header {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		if rec.Code != st.want {
			t.Errorf("%s: %s %s = %d %s, want %d", st.name, st.method, st.path, rec.Code, truncate(rec.Body.String()), st.want)
			continue
		}
		checkDocumented(t, doc.Paths, st.name, req, rec)
	}
}

// checkDocumented checks one answer against the document.
func checkDocumented(t *testing.T, ops openAPIOps, name string, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	tmpl := ops.operation(req.URL.Path)
	op, ok := ops[tmpl][strings.ToLower(req.Method)]
	if !ok {
		t.Errorf("%s: %s %s matches no documented operation", name, req.Method, req.URL.Path)
		return
	}
	code := rec.Code
	resp, ok := op.Responses[strconv.Itoa(code)]
	if !ok {
		t.Errorf("%s: %s %s answered %d, which paths[%q][%q].responses does not list (it lists %v)", name, req.Method, tmpl, code, tmpl, strings.ToLower(req.Method), slices.Sorted(maps.Keys(op.Responses)))
		return
	}
	if code < 400 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		return
	}
	if !strings.HasPrefix(resp.Ref, "#/components/responses/") {
		t.Errorf("%s: %s %s %d is not documented as an Error response", name, req.Method, tmpl, code)
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body) != 2 || body["error"] == "" || body["message"] == "" {
		t.Errorf("%s: error body %s is not {\"error\",\"message\"}", name, rec.Body)
	}
	if code != http.StatusTooManyRequests {
		return
	}
	if rec.Header().Get("Retry-After") == "" {
		t.Errorf("%s: 429 without Retry-After", name)
	}
	var comps struct {
		Components struct {
			Responses map[string]struct {
				Headers map[string]json.RawMessage `json:"headers"`
			} `json:"responses"`
		} `json:"components"`
	}
	_ = json.Unmarshal(OpenAPI(), &comps)
	if _, ok := comps.Components.Responses[strings.TrimPrefix(resp.Ref, "#/components/responses/")].Headers["Retry-After"]; !ok {
		t.Errorf("%s: the document's 429 of %s %s has no Retry-After header", name, req.Method, tmpl)
	}
}
