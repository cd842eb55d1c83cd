package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"hookline"
)

// requirePeer skips the test when a program it drives is missing, unless
// HOOKLINE_REQUIRE_PEERS=1 makes that a failure.
func requirePeer(t *testing.T, path string) {
	t.Helper()
	if _, err := exec.LookPath(path); err != nil {
		if os.Getenv("HOOKLINE_REQUIRE_PEERS") == "1" {
			t.Fatalf("%s is required: %v", path, err)
		}
		t.Skipf("%s not installed: %v", path, err)
	}
}

// TestDashboardInBrowser drives the dashboard in headless Chromium with
// Playwright: sign in, create and fire an SMS trigger, watch it deliver,
// reply STOP from the simulated phone, and send a voicemail with an
// uploaded MP3. The script saves a screenshot of each page.
func TestDashboardInBrowser(t *testing.T) {
	requirePeer(t, "node")
	requirePeer(t, "/usr/bin/chromium")
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	nodeModules := filepath.Join(repo, "testdata", "node", "node_modules")
	if _, err := os.Stat(filepath.Join(nodeModules, "playwright-core")); err != nil {
		requirePeer(t, "playwright-core (npm)")
	}
	m := MustRunMain(t)
	ctx := context.Background()
	a, err := m.DB.FindOrCreateAccount(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	const email, password = "ada@example.com", "correct horse battery"
	if err := m.DB.CreateUser(ctx, &hookline.User{AccountID: a.ID, Email: email}, password); err != nil {
		t.Fatal(err)
	}
	artifacts := os.Getenv("HOOKLINE_ARTIFACTS")
	if artifacts == "" {
		artifacts = filepath.Join(repo, "artifacts")
	}
	shots := filepath.Join(artifacts, "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(repo, "testdata", "browser", "dashboard.mjs"))
	cmd.Dir = repo
	cmd.Env = append(os.Environ(),
		"BASE_URL="+m.URL,
		"EMAIL="+email,
		"PASSWORD="+password,
		"MP3_FILE="+filepath.Join(repo, "audio", "testdata", "tone-2s-8k-mono.mp3"),
		"SCREENSHOTS="+shots,
		"USER_DATA_DIR="+t.TempDir(),
		"NODE_PATH="+nodeModules,
	)
	out, err := cmd.CombinedOutput()
	t.Logf("browser script output:\n%s", out)
	if err != nil {
		t.Fatalf("browser script: %v", err)
	}
	t.Logf("screenshots in %s", shots)
}

// TestDashboardFormsNeedSessionAndCSRF checks the dashboard's guards with a
// plain HTTP client: no session means the sign-in page, a form without its
// token or from another site is refused, and with both it works.
func TestDashboardFormsNeedSessionAndCSRF(t *testing.T) {
	t.Parallel()
	m := MustRunMain(t)
	ctx := context.Background()
	a, err := m.DB.FindOrCreateAccount(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.DB.CreateUser(ctx, &hookline.User{AccountID: a.ID, Email: "bo@example.com"}, "a long password"); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values, header ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", m.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp, err := c.Get(m.URL + "/settings")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(got, "/login?next=") {
		t.Fatalf("signed out /settings: %d %q", resp.StatusCode, got)
	}
	if r := post("/login", url.Values{"email": {"bo@example.com"}, "password": {"nope nope"}}); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("bad password: %d", r.StatusCode)
	}
	r := post("/login", url.Values{"email": {"bo@example.com"}, "password": {"a long password"}})
	var session *http.Cookie
	for _, ck := range r.Cookies() {
		if ck.Name == "hookline_session" {
			session = ck
		}
	}
	if r.StatusCode != http.StatusSeeOther || session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("login: %d cookie %+v", r.StatusCode, session)
	}
	keys := func() int {
		ks, err := m.DB.FindAPIKeys(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(ks)
	}
	if r := post("/settings/keys", url.Values{"name": {"x"}}); r.StatusCode != http.StatusForbidden || keys() != 0 {
		t.Fatalf("no csrf token: %d, %d keys", r.StatusCode, keys())
	}
	token := csrfFromPage(t, c, m.URL+"/settings")
	if r := post("/settings/keys", url.Values{"name": {"x"}, "csrf": {token}}, "Sec-Fetch-Site", "cross-site"); r.StatusCode != http.StatusForbidden || keys() != 0 {
		t.Fatalf("cross-site post: %d, %d keys", r.StatusCode, keys())
	}
	if r := post("/settings/keys", url.Values{"name": {"x"}, "csrf": {token}}); r.StatusCode != http.StatusOK || keys() != 1 {
		t.Fatalf("good post: %d, %d keys", r.StatusCode, keys())
	}
	if r := post("/logout", url.Values{"csrf": {token}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.StatusCode)
	}
	if _, err := m.DB.FindSession(ctx, session.Value); hookline.ErrorCode(err) != hookline.EUnauthorized {
		t.Fatalf("session after logout: %v", err)
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func csrfFromPage(t *testing.T, c *http.Client, url string) string {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf field in %s (%d)", url, resp.StatusCode)
	}
	return string(m[1])
}

// TestUsersCreateCommand creates a user from the CLI with the password on
// standard input, then signs in as it.
func TestUsersCreateCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmd := newRootCmd()
	cmd.SetArgs([]string{"users", "create", "--email", "Cy@Example.com", "--account", "acme", "--data-dir", dir})
	cmd.SetIn(strings.NewReader("a long password\n"))
	var out strings.Builder
	cmd.SetOut(&out)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("users create: %v", err)
	}
	if !strings.Contains(out.String(), "cy@example.com") {
		t.Errorf("output %q", out.String())
	}
	// The command wrote to SQLite in dir: the node must read the same.
	m := MustRunMain(t, func(c *Config) { c.DataDir, c.DatabaseURL = dir, "" })
	u, err := m.DB.AuthenticateUser(context.Background(), "cy@example.com", "a long password")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := m.DB.FindOrCreateAccount(context.Background(), "acme")
	if u.AccountID != a.ID {
		t.Errorf("user in account %d, want acme %d", u.AccountID, a.ID)
	}
}
