package main

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"hookline"
)

// dashboardClient is a signed-in browser without JavaScript: a cookie jar
// that does not follow redirects, so each answer can be checked.
type dashboardClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

// signIn creates a user of the "default" account and signs in as it.
func signIn(t *testing.T, m *Main) (*dashboardClient, *hookline.Account) {
	t.Helper()
	ctx := context.Background()
	a, err := m.DB.FindOrCreateAccount(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.DB.CreateUser(ctx, &hookline.User{AccountID: a.ID, Email: "cy@example.com"}, "a long password"); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	d := &dashboardClient{t: t, base: m.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if r, _ := d.post("/login", "", url.Values{"email": {"cy@example.com"}, "password": {"a long password"}}, nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", r.StatusCode)
	}
	return d, a
}

// post sends a form, as multipart/form-data when file is set (the
// trigger forms' enctype) and urlencoded otherwise, with the page's CSRF
// token taken from page when it is not empty.
func (d *dashboardClient) post(path, page string, form url.Values, file []byte) (*http.Response, string) {
	d.t.Helper()
	if page != "" {
		form.Set("csrf", csrfFromPage(d.t, d.c, d.base+page))
	}
	var body bytes.Buffer
	ctype := "application/x-www-form-urlencoded"
	if file != nil {
		mw := multipart.NewWriter(&body)
		for k, vs := range form {
			for _, v := range vs {
				mw.WriteField(k, v)
			}
		}
		fw, _ := mw.CreateFormFile("audio", "message.mp3")
		fw.Write(file)
		mw.Close()
		ctype = mw.FormDataContentType()
	} else {
		body.WriteString(form.Encode())
	}
	req, _ := http.NewRequest("POST", d.base+path, &body)
	req.Header.Set("Content-Type", ctype)
	resp, err := d.c.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (d *dashboardClient) get(path string) (*http.Response, []byte) {
	d.t.Helper()
	resp, err := d.c.Get(d.base + path)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// TestDashboardTriggerSettings edits a trigger's callback URL and quiet
// hours through the plain forms of its page, disables and enables it,
// rotates its URL, and creates a voicemail trigger with an uploaded MP3
// whose player serves the file.
func TestDashboardTriggerSettings(t *testing.T) {
	t.Parallel()
	m := MustRunMain(t)
	ctx := context.Background()
	d, a := signIn(t, m)
	tr := &hookline.Trigger{AccountID: a.ID, Kind: hookline.KindSMS, Name: "Reminder", Body: "Hi {first}", Enabled: true}
	tr.SendWindow = hookline.DefaultSendWindow()
	if err := m.DB.CreateTrigger(ctx, tr); err != nil {
		t.Fatal(err)
	}
	page := "/triggers/" + tr.ID
	_, html := d.get(page)
	for _, want := range []string{`<label for="status_callback_url">`, `id="status_callback_url" name="status_callback_url"`,
		`<label for="window_start">`, `<label for="window_end">`, `name="quiet_hours" value="on" checked`, `<legend>Quiet hours</legend>`,
		`action="` + page + `/enabled"`, `action="` + page + `/rotate"`} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("trigger page lacks %s", want)
		}
	}
	reload := func() *hookline.Trigger {
		t.Helper()
		got, err := m.DB.FindTriggerByID(ctx, a.ID, tr.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	edit := url.Values{"name": {"Reminder"}, "body": {"Hi {first}"}, "status_callback_url": {"https://example.com/hookline"},
		"quiet_hours": {"on"}, "window_start": {"09:30"}, "window_end": {"18:00"}}
	// The page's own form is multipart; an empty file part means no audio.
	if r, body := d.post(page, page, edit, []byte{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, body)
	}
	if got := reload(); got.StatusCallbackURL != "https://example.com/hookline" || got.SendWindow == nil || *got.SendWindow != (hookline.SendWindow{Start: "09:30", End: "18:00"}) {
		t.Fatalf("after save: callback %q window %+v", got.StatusCallbackURL, got.SendWindow)
	}
	if _, html := d.get(page); !bytes.Contains(html, []byte(`value="09:30"`)) || !bytes.Contains(html, []byte(`value="https://example.com/hookline"`)) {
		t.Errorf("the page does not show the saved settings")
	}

	bad := url.Values{"name": {"Reminder"}, "body": {"Hi"}, "quiet_hours": {"on"}, "window_start": {"10:00"}, "window_end": {"10:00"}}
	if r, body := d.post(page, page, bad, nil); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "send_window start and end must differ") {
		t.Fatalf("equal window ends: %d", r.StatusCode)
	}
	if got := reload(); got.Body != "Hi {first}" || got.SendWindow.Start != "09:30" {
		t.Fatalf("a refused form changed the trigger: %+v", got)
	}

	// Unchecking quiet hours and clearing the callback turn both off; a
	// urlencoded post (no file part at all) works too.
	off := url.Values{"name": {"Reminder"}, "body": {"Hi {first}"}, "status_callback_url": {""}, "window_start": {"09:30"}, "window_end": {"18:00"}}
	if r, body := d.post(page, page, off, nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save off: %d %s", r.StatusCode, body)
	}
	if got := reload(); got.SendWindow != nil || got.StatusCallbackURL != "" {
		t.Fatalf("after turning off: callback %q window %+v", got.StatusCallbackURL, got.SendWindow)
	}

	hook := m.URL + "/webhook/Custom/"
	if r, _ := d.post(page+"/enabled", page, url.Values{"enabled": {"false"}}, nil); r.StatusCode != http.StatusSeeOther || reload().Enabled {
		t.Fatalf("disable: %d", r.StatusCode)
	}
	if r := Do(t, "GET", hook+tr.ID+"?phone=%2B14155550100", "", nil); r.Status != http.StatusNotFound || r.Body["error"] != hookline.ETriggerNotFound {
		t.Fatalf("webhook of a disabled trigger: %d %s", r.Status, r.Raw)
	}
	if r, _ := d.post(page+"/enabled", page, url.Values{"enabled": {"true"}}, nil); r.StatusCode != http.StatusSeeOther || !reload().Enabled {
		t.Fatalf("enable: %d", r.StatusCode)
	}

	r, _ := d.post(page+"/rotate", page, url.Values{}, nil)
	newID := strings.TrimPrefix(r.Header.Get("Location"), "/triggers/")
	if r.StatusCode != http.StatusSeeOther || newID == "" || newID == tr.ID {
		t.Fatalf("rotate: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := Do(t, "GET", hook+tr.ID+"?phone=%2B14155550100", "", nil); r.Status != http.StatusNotFound {
		t.Fatalf("old URL after rotating: %d", r.Status)
	}
	if r := Do(t, "GET", hook+newID+"?phone=%2B14155550100", "", nil); r.Status != http.StatusOK {
		t.Fatalf("new URL after rotating: %d %s", r.Status, r.Raw)
	}

	mp3, err := os.ReadFile(filepath.Join("..", "..", "audio", "testdata", "tone-2s-8k-mono.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	r, body := d.post("/triggers", "/triggers/new?kind=rvm", url.Values{"kind": {"rvm"}, "name": {"Callback"}, "quiet_hours": {"on"}, "window_start": {"08:00"}, "window_end": {"20:00"}}, mp3)
	rvm := strings.TrimPrefix(r.Header.Get("Location"), "/triggers/")
	if r.StatusCode != http.StatusSeeOther || rvm == "" {
		t.Fatalf("create RVM trigger: %d %s", r.StatusCode, body)
	}
	_, html = d.get("/triggers/" + rvm)
	src := regexp.MustCompile(`<audio controls[^>]* src="(/audio/[^"]+)"`).FindSubmatch(html)
	if src == nil {
		t.Fatalf("no audio player on the RVM trigger page")
	}
	resp, got := d.get(string(src[1]))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "audio/mpeg" || !bytes.Equal(got, mp3) {
		t.Fatalf("player source: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(got))
	}
}
