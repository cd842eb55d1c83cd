package main

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hookline"
	"hookline/audio"
)

// The fixtures are small committed MP3s of the audio package.
const (
	tone1500 = "../../audio/testdata/tone-1500ms-44k-stereo.mp3" // 1.5 s
	tone2s   = "../../audio/testdata/tone-2s-22k-mono.mp3"       // 2 s
)

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// audioHost is a local web server of MP3s that counts requests per path.
type audioHost struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newAudioHost(t *testing.T) *audioHost {
	t.Helper()
	h := &audioHost{hits: map[string]int{}}
	files := map[string][]byte{
		"/tone.mp3":  mustRead(t, tone1500),
		"/burst.mp3": mustRead(t, tone1500),
		"/long.mp3":  mustRead(t, tone2s),
		"/text.mp3":  []byte("this is a text file, not an MP3 at all\n"),
	}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.hits[r.URL.Path]++
		h.mu.Unlock()
		switch {
		case r.URL.Path == "/burst.mp3":
			// Slow enough that the burst's requests overlap the download.
			time.Sleep(100 * time.Millisecond)
		case r.URL.Path == "/huge.mp3":
			w.Header().Set("Content-Length", fmt.Sprint(audio.DefaultMaxBytes+1))
			_, _ = w.Write(make([]byte, audio.DefaultMaxBytes+1))
			return
		}
		data, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "audio/mpeg")
		_, _ = w.Write(data)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *audioHost) count(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hits[path]
}

// runRVMMain runs a node whose fetcher may reach 127.0.0.1 (the audio host)
// and which refuses audio longer than 1.8 s, so the 2 s fixture is too long.
func runRVMMain(t *testing.T) *Main {
	return MustRunMain(t, rvmPolling, func(c *Config) {
		c.Audio.FetchAllow = []string{"127.0.0.1/32"}
		c.Audio.MaxDuration = 1800 * time.Millisecond
	})
}

// rvmPolling keeps the job poll interval at or above River's fetch
// cooldown whatever the shared test default is.
func rvmPolling(c *Config) { c.FetchPollInterval = max(c.FetchPollInterval, 50*time.Millisecond) }

// createRVMTrigger creates an RVM trigger with an optional default audio.
func createRVMTrigger(t *testing.T, m *Main, key, audioID string) string {
	t.Helper()
	body := map[string]any{"kind": "rvm", "name": "Promo", "from": "+17755550100"}
	if audioID != "" {
		body["audio_id"] = audioID
	}
	r := Do(t, "POST", m.URL+"/api/v1/triggers", key, body)
	if r.Status != http.StatusCreated {
		t.Fatalf("create rvm trigger: %d %s", r.Status, r.Raw)
	}
	return r.Body["webhook_url"].(string)
}

func uploadRaw(t *testing.T, m *Main, key string, data []byte) *apiResponse {
	t.Helper()
	req, _ := http.NewRequest("POST", m.URL+"/api/v1/audio", bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "audio/mpeg")
	return doReq(t, req)
}

func countRows(t *testing.T, m *Main, table string) int {
	t.Helper()
	var n int
	if err := m.DB.ReadDB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func webhookWithAudio(t *testing.T, hook, phone, audioURL string) *apiResponse {
	t.Helper()
	q := url.Values{"phone": {phone}}
	if audioURL != "" {
		q.Set("audio", audioURL)
	}
	return Do(t, "GET", hook+"?"+q.Encode(), "", nil)
}

// TestRVMAudioUpload uploads raw and multipart, finds the file stored once,
// serves it to its account and its signed media URL, and hides it from
// other accounts.
func TestRVMAudioUpload(t *testing.T) {
	t.Parallel()
	m := runRVMMain(t)
	key := MustCreateKey(t, m, "acme")
	data := mustRead(t, tone1500)

	r := uploadRaw(t, m, key, data)
	if r.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.Status, r.Raw)
	}
	id, _ := r.Body["id"].(string)
	if id == "" || r.Body["size"] != float64(len(data)) || len(r.Body["sha256"].(string)) != 64 {
		t.Fatalf("upload = %s", r.Raw)
	}
	if d := r.Body["duration_ms"].(float64); d < 1400 || d > 1600 {
		t.Fatalf("duration_ms = %v, want about 1500", d)
	}

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "tone.mp3")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", m.URL+"/api/v1/audio", &buf)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if r := doReq(t, req); r.Status != http.StatusCreated || r.Body["id"] != id {
		t.Fatalf("multipart upload of the same file: %d %s, want id %s", r.Status, r.Raw, id)
	}
	if n := countRows(t, m, "audio"); n != 1 {
		t.Fatalf("audio rows = %d, want 1 (stored once by SHA-256)", n)
	}

	for _, tc := range []struct {
		name, ctype string
		body        []byte
		status      int
		code        string
	}{
		{"text", "audio/mpeg", []byte("hello, not audio"), 422, hookline.EAudioInvalid},
		{"too long", "audio/mpeg", mustRead(t, tone2s), 422, hookline.EAudioTooLong},
		{"json", "application/json", []byte(`{}`), 415, hookline.EUnsupportedMedia},
	} {
		req, _ := http.NewRequest("POST", m.URL+"/api/v1/audio", bytes.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", tc.ctype)
		if r := doReq(t, req); r.Status != tc.status || r.Body["error"] != tc.code {
			t.Errorf("%s: %d %s, want %d %s", tc.name, r.Status, r.Raw, tc.status, tc.code)
		}
	}

	if r := Do(t, "GET", m.URL+"/api/v1/audio/"+id, key, nil); r.Status != 200 || r.Body["sha256"] == "" {
		t.Fatalf("get audio: %d %s", r.Status, r.Raw)
	}
	if r := Do(t, "GET", m.URL+"/api/v1/audio/"+id+"/file", key, nil); r.Status != 200 || !bytes.Equal(r.Raw, data) || r.Header.Get("Content-Type") != "audio/mpeg" {
		t.Fatalf("get file: %d %s, %d bytes", r.Status, r.Header.Get("Content-Type"), len(r.Raw))
	}
	media := m.Voicemail.MediaURL(id)
	if !strings.HasPrefix(media, m.URL+"/media/"+id+"/") {
		t.Fatalf("media URL = %q", media)
	}
	if r := Do(t, "GET", media, "", nil); r.Status != 200 || !bytes.Equal(r.Raw, data) {
		t.Fatalf("media URL: %d, %d bytes", r.Status, len(r.Raw))
	}
	if r := Do(t, "GET", m.URL+"/media/"+id+"/AAAAAAAAAAAAAAAAAAAAAA.mp3", "", nil); r.Status != 404 {
		t.Fatalf("forged media token: %d, want 404", r.Status)
	}

	other := MustCreateKey(t, m, "other")
	for _, p := range []string{"/api/v1/audio/" + id, "/api/v1/audio/" + id + "/file"} {
		if r := Do(t, "GET", m.URL+p, other, nil); r.Status != 404 || r.Body["error"] != hookline.ENotFound {
			t.Errorf("other account GET %s: %d %s, want 404", p, r.Status, r.Raw)
		}
	}
	r = Do(t, "POST", m.URL+"/api/v1/triggers", other, map[string]any{"kind": "rvm", "name": "Theft", "audio_id": id})
	if r.Status != 400 || r.Body["error"] != hookline.EInvalidParameter {
		t.Fatalf("trigger with another account's audio: %d %s, want 400 invalid_parameter", r.Status, r.Raw)
	}
}

// TestRVMWebhookAudioURL is the end-to-end path: an RVM trigger without a
// default, a webhook naming an audio= URL, and the voicemail in the
// simulated inbox with the audio's duration and a playable link.
func TestRVMWebhookAudioURL(t *testing.T) {
	t.Parallel()
	m := runRVMMain(t)
	host := newAudioHost(t)
	key := MustCreateKey(t, m, "acme")
	hook := createRVMTrigger(t, m, key, "")

	r := webhookWithAudio(t, hook, "+17755382277", host.URL+"/tone.mp3")
	if r.Status != 200 {
		t.Fatalf("webhook: %d %s", r.Status, r.Raw)
	}
	msg := WaitStatus(t, m, key, r.Body["id"].(string), "delivered")
	audioID, _ := msg.Body["audio_id"].(string)
	if msg.Body["kind"] != "rvm" || audioID == "" || msg.Body["from"] != "+17755550100" {
		t.Fatalf("message = %s", msg.Raw)
	}
	want, err := audio.Validate(mustRead(t, tone1500), audio.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	inbox := Do(t, "GET", m.URL+"/api/v1/simulator/inbox?phone="+url.QueryEscape("+17755382277"), key, nil)
	entries, _ := inbox.Body["entries"].([]any)
	if len(entries) != 1 {
		t.Fatalf("inbox = %s", inbox.Raw)
	}
	e := entries[0].(map[string]any)
	if e["kind"] != "rvm" || e["duration_ms"] != float64(want.Duration.Milliseconds()) || e["audio_id"] != audioID {
		t.Fatalf("inbox entry = %v, want rvm of %d ms", e, want.Duration.Milliseconds())
	}
	if f := Do(t, "GET", m.URL+e["audio_url"].(string), key, nil); f.Status != 200 || !bytes.Equal(f.Raw, mustRead(t, tone1500)) {
		t.Fatalf("inbox audio link: %d, %d bytes", f.Status, len(f.Raw))
	}

	// A trigger with a default plays it when audio= is absent.
	up := uploadRaw(t, m, key, mustRead(t, tone1500))
	hook2 := createRVMTrigger(t, m, key, up.Body["id"].(string))
	r = webhookWithAudio(t, hook2, "+17755382278", "")
	if r.Status != 200 {
		t.Fatalf("webhook with default audio: %d %s", r.Status, r.Raw)
	}
	if msg := WaitStatus(t, m, key, r.Body["id"].(string), "delivered"); msg.Body["audio_id"] != up.Body["id"] {
		t.Fatalf("default audio: message = %s", msg.Raw)
	}
}

// TestRVMBurstFetchesOnce sends 50 concurrent webhooks naming one URL and
// sees one download and one stored audio.
func TestRVMBurstFetchesOnce(t *testing.T) {
	t.Parallel()
	m := runRVMMain(t)
	host := newAudioHost(t)
	key := MustCreateKey(t, m, "acme")
	hook := createRVMTrigger(t, m, key, "")

	const n = 50
	var wg sync.WaitGroup
	var failed atomic.Int32
	ids := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := url.Values{"phone": {fmt.Sprintf("+1775538%04d", i)}, "audio": {host.URL + "/burst.mp3"}}
			resp, err := http.Get(hook + "?" + q.Encode())
			if err != nil || resp.StatusCode != 200 {
				failed.Add(1)
			}
			if resp != nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if f := failed.Load(); f != 0 {
		t.Fatalf("%d of %d webhooks failed", f, n)
	}
	if got := host.count("/burst.mp3"); got != 1 {
		t.Fatalf("the audio host served %d requests, want 1", got)
	}
	if got := countRows(t, m, "audio"); got != 1 {
		t.Fatalf("audio rows = %d, want 1", got)
	}
	rows, err := m.DB.ReadDB().Query(`SELECT DISTINCT audio_id FROM messages`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ids = ids[:0]
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	if len(ids) != 1 || ids[0] == "" || countRows(t, m, "messages") != n {
		t.Fatalf("messages: %d with audio ids %v, want %d sharing one", countRows(t, m, "messages"), ids, n)
	}
}

// TestRVMWebhookAudioErrors checks each refusal of the webhook's audio and
// that nothing is queued for any of them.
func TestRVMWebhookAudioErrors(t *testing.T) {
	t.Parallel()
	m := runRVMMain(t)
	host := newAudioHost(t)
	key := MustCreateKey(t, m, "acme")
	hook := createRVMTrigger(t, m, key, "")
	_, smsHook := MustCreateTrigger(t, m, key, "Hello")
	port := host.URL[strings.LastIndex(host.URL, ":"):]

	for _, tc := range []struct {
		name, hook, audioURL string
		status               int
		code                 string
	}{
		{"404", hook, host.URL + "/missing.mp3", 422, hookline.EAudioUnreachable},
		{"text file", hook, host.URL + "/text.mp3", 422, hookline.EAudioInvalid},
		{"too large", hook, host.URL + "/huge.mp3", 422, hookline.EAudioTooLarge},
		{"too long", hook, host.URL + "/long.mp3", 422, hookline.EAudioTooLong},
		{"loopback outside the allow list", hook, "http://127.0.0.2" + port + "/tone.mp3", 422, hookline.EAudioBlockedAddress},
		{"private address", hook, "http://10.255.255.1/tone.mp3", 422, hookline.EAudioBlockedAddress},
		{"not http", hook, "ftp://example.com/tone.mp3", 422, hookline.EAudioUnreachable},
		{"no default, no audio", hook, "", 422, hookline.EAudioRequired},
		{"audio on sms", smsHook, host.URL + "/tone.mp3", 400, hookline.EAudioNotAllowed},
	} {
		r := webhookWithAudio(t, tc.hook, "+17755382277", tc.audioURL)
		if r.Status != tc.status || r.Body["error"] != tc.code {
			t.Errorf("%s: %d %s, want %d %s", tc.name, r.Status, r.Raw, tc.status, tc.code)
		}
	}
	if n := countRows(t, m, "messages"); n != 0 {
		t.Fatalf("%d messages queued, want 0", n)
	}
	if n := countRows(t, m, "audio"); n != 0 {
		t.Fatalf("%d audio stored, want 0", n)
	}
}

// TestRVMBlockedWithoutAllowList checks that the local audio host is
// refused when the operator allowed nothing.
func TestRVMBlockedWithoutAllowList(t *testing.T) {
	t.Parallel()
	m := MustRunMain(t, rvmPolling)
	host := newAudioHost(t)
	key := MustCreateKey(t, m, "acme")
	hook := createRVMTrigger(t, m, key, "")
	r := webhookWithAudio(t, hook, "+17755382277", host.URL+"/tone.mp3")
	if r.Status != 422 || r.Body["error"] != hookline.EAudioBlockedAddress {
		t.Fatalf("loopback without allow list: %d %s", r.Status, r.Raw)
	}
	if host.count("/tone.mp3") != 0 || countRows(t, m, "messages") != 0 {
		t.Fatalf("the blocked URL was fetched or a message queued")
	}
}

// TestCLICreateRVMTrigger runs `hookline triggers create --kind rvm
// --audio-file` and finds the trigger with its stored default audio.
func TestCLICreateRVMTrigger(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var out bytes.Buffer
	cmd := newRootCmd()
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"triggers", "create", "--data-dir", dir, "--database-url", "", "--kind", "rvm", "--name", "Promo",
		"--from", "+17755550100", "--audio-file", filepath.Clean(tone2s)})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "/webhook/Custom/") {
		t.Fatalf("output = %q", out.String())
	}
	cfg := DefaultConfig()
	cfg.DataDir = dir
	db, a, err := openAccount(context.Background(), cfg, "default")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ts, err := db.FindTriggers(context.Background(), hookline.TriggerFilter{AccountID: a.ID})
	if err != nil || len(ts) != 1 || ts[0].Kind != hookline.KindRVM || ts[0].AudioID == "" {
		t.Fatalf("triggers = %v, %v", ts, err)
	}
	au, err := db.FindAudioByID(context.Background(), a.ID, ts[0].AudioID)
	if err != nil || au.DurationMS < 1900 || au.DurationMS > 2100 {
		t.Fatalf("audio = %+v, %v", au, err)
	}

	// A file that is not an MP3 is refused before the trigger is created.
	bad := filepath.Join(t.TempDir(), "bad.mp3")
	os.WriteFile(bad, []byte("not audio"), 0o600)
	cmd = newRootCmd()
	cmd.SetOut(&out)
	cmd.SetErr(&bytes.Buffer{})
	cmd.SetArgs([]string{"triggers", "create", "--data-dir", dir, "--database-url", "", "--kind", "rvm", "--name", "Bad", "--audio-file", bad})
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), hookline.EAudioInvalid) {
		t.Fatalf("bad audio file: %v, want audio_invalid", err)
	}
}
