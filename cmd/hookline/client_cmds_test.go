package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// runCLI runs the hookline command line in-process and returns its output.
func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	cmd := newRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("hookline %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// TestCLIThroughAPI drives triggers, send and messages through the client
// against a running node, with the server and key from the environment.
func TestCLIThroughAPI(t *testing.T) {
	m := MustRunMain(t)
	key := MustCreateKey(t, m, "cli")
	t.Setenv("HOOKLINE_SERVER", m.URL)
	t.Setenv("HOOKLINE_API_KEY", key)
	hook := strings.TrimSpace(runCLI(t, "triggers", "create", "--name", "cli", "--body", "Hi {first}", "--data-dir", t.TempDir()))
	if !strings.HasPrefix(hook, m.URL+"/webhook/Custom/") {
		t.Fatalf("triggers create printed %q", hook)
	}
	id := strings.TrimPrefix(hook, m.URL+"/webhook/Custom/")
	wantWindow := func(id string, want any) {
		t.Helper()
		r := Do(t, "GET", m.URL+"/api/v1/triggers/"+id, key, nil)
		if got := fmt.Sprint(r.Body["send_window"]); got != fmt.Sprint(want) {
			t.Errorf("trigger %s send_window = %s, want %v", id, got, want)
		}
	}
	wantWindow(id, map[string]any{"start": "08:00", "end": "21:00"})
	for flag, want := range map[string]any{"off": nil, "09:30-17:00": map[string]any{"start": "09:30", "end": "17:00"}} {
		h := strings.TrimSpace(runCLI(t, "triggers", "create", "--name", "w", "--body", "Hi", "--send-window", flag, "--data-dir", t.TempDir()))
		wantWindow(strings.TrimPrefix(h, m.URL+"/webhook/Custom/"), want)
	}
	if got := runCLI(t, "triggers", "list", "--data-dir", t.TempDir()); !strings.Contains(got, id) {
		t.Fatalf("triggers list = %q, want %s", got, id)
	}
	sent := runCLI(t, "send", "--trigger", id, "--phone", "+15005550141", "--first", "Ann")
	msgID, _, _ := strings.Cut(strings.TrimSpace(sent), "\t")
	WaitStatus(t, m, key, msgID, "delivered")
	if got := runCLI(t, "messages", "list", "--trigger", id); !strings.Contains(got, msgID) || !strings.Contains(got, "delivered") {
		t.Fatalf("messages list = %q", got)
	}
	if got := runCLI(t, "messages", "get", msgID); !strings.Contains(got, "event\t") || !strings.Contains(got, "+15005550141") {
		t.Fatalf("messages get = %q", got)
	}
}
