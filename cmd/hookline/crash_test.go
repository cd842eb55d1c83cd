package main

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestCrashLosesNothing kills the server with SIGKILL while a bounded load
// runs, restarts it on the same data folder, and checks that every message
// answered 200 exists and is delivered exactly once: one entry in the
// simulated phone's inbox, none lost, none duplicated.
func TestCrashLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	dir := t.TempDir()
	addr := FreeAddr(t)
	// Accepted messages wait up to 300 ms to share a delivery job, so the
	// kill lands while some wait: the restart must give them their job.
	p := StartProc(t, addr, "--data-dir", dir, "--sim-receipt-delay", "50ms", "--fetch-poll-interval", "20ms", "--job-batch-wait", "300ms")
	key := RunCLI(t, "keys", "create", "--data-dir", dir)
	hook := RunCLI(t, "triggers", "create", "--data-dir", dir, "--addr", addr, "--name", "Crash", "--body", "Hi {first}, code {last}", "--send-window", "off")

	var mu sync.Mutex
	accepted := map[string]string{} // message id -> phone
	var n, refused atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				k := n.Add(1)
				if k > 20000 {
					return
				}
				phone := fmt.Sprintf("+1775%07d", 5380000+k)
				req, _ := http.NewRequest("GET", fmt.Sprintf("%s?phone=%%2B%s&first=W%d&last=%d", hook, phone[1:], w, k), nil)
				r := doQuiet(client, req)
				if r == nil || r.Status != 200 {
					refused.Add(1)
					time.Sleep(5 * time.Millisecond)
					continue
				}
				mu.Lock()
				accepted[r.Body["id"].(string)] = phone
				mu.Unlock()
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	p.Kill()
	mu.Lock()
	atKill := len(accepted)
	mu.Unlock()
	time.Sleep(200 * time.Millisecond)
	p.Start()
	time.Sleep(700 * time.Millisecond)
	close(stop)
	wg.Wait()
	if atKill == 0 || len(accepted) == atKill {
		t.Fatalf("load did not span the crash: %d accepted before the kill, %d in all", atKill, len(accepted))
	}
	t.Logf("%d accepted (%d before the kill), %d refused or failed while down", len(accepted), atKill, refused.Load())

	ids := make([]string, 0, len(accepted))
	for id := range accepted {
		ids = append(ids, id)
	}
	p.WaitDelivered(t, key, ids, 60*time.Second)
	for id, phone := range accepted {
		inbox := doQuiet(client, authed("GET", p.URL+"/api/v1/simulator/inbox?phone=%2B"+phone[1:], key))
		entries, _ := inbox.Body["entries"].([]any)
		if len(entries) != 1 || entries[0].(map[string]any)["message_id"] != id {
			t.Fatalf("phone %s received %d texts, want exactly 1 (message %s): %s", phone, len(entries), id, inbox.Raw)
		}
	}
	if err := p.Stop(); err != nil {
		t.Fatalf("clean stop after restart: %v", err)
	}
}
