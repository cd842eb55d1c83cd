package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"hookline/internal/pgtest"
)

// MustRunMain boots a node on port 0 with SQLite in a temporary folder (or
// PostgreSQL when the test asks for it) and stops it when the test ends.
func MustRunMain(t *testing.T, mutate ...func(*Config)) *Main {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	if os.Getenv("HOOKLINE_TEST_BACKEND") == "postgres" {
		cfg.DatabaseURL = pgtest.URL(t) // a fresh database, dropped after Close
	}
	cfg.SimReceiptDelay = 20 * time.Millisecond
	cfg.FetchPollInterval = 20 * time.Millisecond
	cfg.ShutdownTimeout = 10 * time.Second
	// Quiet hours would hold messages depending on when the suite runs.
	cfg.Now = ClockAt(DaytimeEverywhereInNANP)
	for _, f := range mutate {
		f(&cfg)
	}
	m := NewMain(cfg)
	m.Logger = testLogger()
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return m
}

// testLogger keeps test output to warnings unless the run is verbose.
func testLogger() *slog.Logger {
	level := slog.LevelWarn
	if testing.Verbose() {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// MustCreateKey creates an account and returns an API key of it.
func MustCreateKey(t *testing.T, m *Main, account string) string {
	t.Helper()
	a, err := m.DB.FindOrCreateAccount(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := m.DB.CreateAPIKey(context.Background(), a.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// apiResponse is a decoded JSON answer.
type apiResponse struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    []byte
}

// Do sends a request with an optional JSON body and bearer key.
func Do(t *testing.T, method, url, key string, body any) *apiResponse {
	t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return doReq(t, req)
}

// doQuiet sends a request and returns nil on a transport error.
func doQuiet(client *http.Client, req *http.Request) *apiResponse {
	resp, err := client.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := &apiResponse{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	_ = json.Unmarshal(raw, &r.Body)
	return r
}

func doReq(t *testing.T, req *http.Request) *apiResponse {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := &apiResponse{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	_ = json.Unmarshal(raw, &r.Body)
	return r
}

// MustCreateTrigger creates an SMS trigger and returns its id and webhook URL.
func MustCreateTrigger(t *testing.T, m *Main, key, body string) (string, string) {
	t.Helper()
	r := Do(t, "POST", m.URL+"/api/v1/triggers", key, map[string]any{"kind": "sms", "name": "Welcome", "body": body})
	if r.Status != http.StatusCreated {
		t.Fatalf("create trigger: %d %s", r.Status, r.Raw)
	}
	return r.Body["id"].(string), r.Body["webhook_url"].(string)
}

// WaitStatus polls a message until it reaches want.
func WaitStatus(t *testing.T, m *Main, key, id, want string) *apiResponse {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := Do(t, "GET", m.URL+"/api/v1/messages/"+id, key, nil)
		if r.Status == 200 && r.Body["status"] == want {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %s: status %v, want %s (%s)", id, r.Body["status"], want, r.Raw)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
