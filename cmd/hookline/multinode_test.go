package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"hookline/internal/pgtest"
)

// TestMultiNode runs two hookline processes on one PostgreSQL database:
// webhooks answered by either node are all delivered exactly once, by both
// nodes' workers; then one node is killed with SIGKILL while it holds jobs,
// and the other takes them over and finishes them, and sends the delivery
// reports the dead node owed.
func TestMultiNode(t *testing.T) {
	pgtest.Skip(t)
	if testing.Short() {
		t.Skip("builds the binary and runs processes")
	}
	t.Parallel()
	bin := BuildHookline(t)
	dbURL := pgtest.URL(t)
	pg, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })

	// Several nodes migrating at once must not race.
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { runHookline(t, bin, dbURL, "migrate") })
	}
	wg.Wait()
	key := strings.TrimSpace(runHookline(t, bin, dbURL, "keys", "create", "--account", "acme"))

	a := startNode(t, bin, dbURL)
	r := Do(t, "POST", a.url+"/api/v1/triggers", key, map[string]any{"kind": "sms", "name": "Welcome", "body": "Hi {first|there}", "send_window": nil})
	if r.Status != http.StatusCreated {
		t.Fatalf("create trigger: %d %s", r.Status, r.Raw)
	}
	hookPath := "/webhook/Custom/" + r.Body["id"].(string)
	// A alone works the first job, which tells us its River client id.
	first := fire(t, []*node{a}, hookPath, 1, 1)
	waitSettled(t, pg, first, 15*time.Second)
	// The message is sent a moment before its job is marked completed.
	var idA string
	for deadline := time.Now().Add(10 * time.Second); idA == ""; time.Sleep(10 * time.Millisecond) {
		err := pg.QueryRow(`SELECT attempted_by[1] FROM river_job WHERE attempted_by IS NOT NULL LIMIT 1`).Scan(&idA)
		if err != nil && (err != sql.ErrNoRows || time.Now().After(deadline)) {
			t.Fatal(err)
		}
	}

	b := startNode(t, bin, dbURL)
	nodes := []*node{a, b}
	spread := fire(t, nodes, hookPath, 400, 16)
	waitSettled(t, pg, spread, 30*time.Second)
	var workers int
	if err := pg.QueryRow(`SELECT COUNT(DISTINCT attempted_by[1]) FROM river_job WHERE state = 'completed'`).Scan(&workers); err != nil {
		t.Fatal(err)
	}
	if workers != 2 {
		t.Errorf("delivery jobs were worked by %d nodes, want 2", workers)
	}
	checkExactlyOnce(t, pg, len(first)+len(spread))

	// Kill B while it holds jobs: SIGSTOP freezes it so that the jobs seen
	// running are still held at the moment of SIGKILL.
	var late []string
	var lateMu sync.Mutex
	done := make(chan struct{})
	go func() {
		defer close(done)
		ids := fire(t, nodes, hookPath, 3000, 16)
		lateMu.Lock()
		late = ids
		lateMu.Unlock()
	}()
	held := killWhileHolding(t, pg, b, idA)
	killed := time.Now()
	<-done
	if held == 0 {
		t.Fatal("node B never held a running job: the kill proved nothing")
	}
	waitSettled(t, pg, late, 60*time.Second)
	// The jobs B held are rescued by A (River's rescuer, every 30 s, once
	// they are older than the 4 s rescue delay of this test) and completed.
	for {
		var open int
		if err := pg.QueryRow(`SELECT COUNT(*) FROM river_job WHERE state <> 'completed'`).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if open == 0 {
			break
		}
		if time.Since(killed) > time.Minute {
			t.Fatalf("%d jobs not completed a minute after the kill", open)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("killed node B holding %d running jobs; %d webhooks accepted during the run; all jobs completed %s after the kill",
		held, len(late), time.Since(killed).Round(time.Second))
	checkExactlyOnce(t, pg, len(first)+len(spread)+len(late))
	// The delivery reports B still owed died with its timers; A's simulator
	// sweep finds them in the database and sends them.
	waitAllDelivered(t, pg, len(first)+len(spread)+len(late), 30*time.Second)
	t.Logf("every message delivered %s after the kill", time.Since(killed).Round(time.Second))
}

// waitAllDelivered waits until want messages are delivered: every delivery
// report was sent, including those owed by a dead node.
func waitAllDelivered(t *testing.T, pg *sql.DB, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var delivered int
		if err := pg.QueryRow(`SELECT COUNT(*) FROM messages WHERE status = 'delivered'`).Scan(&delivered); err != nil {
			t.Fatal(err)
		}
		if delivered == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d messages delivered %s after all were sent", delivered, want, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// node is a running hookline serve process.
type node struct {
	cmd *exec.Cmd
	url string
}

// runHookline runs a one-shot command on the database and returns stdout.
func runHookline(t *testing.T, bin, dbURL string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "HOOKLINE_DATABASE_URL="+dbURL)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Errorf("hookline %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

// startNode starts hookline serve on a free loopback port.
func startNode(t *testing.T, bin, dbURL string) *node {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "HOOKLINE_DATABASE_URL="+dbURL, "HOOKLINE_ADDR=127.0.0.1:0",
		"HOOKLINE_DATA_DIR="+t.TempDir(), "HOOKLINE_RESCUE_AFTER=4s", "HOOKLINE_FETCH_POLL_INTERVAL=50ms",
		"HOOKLINE_SIM_RECEIPT_DELAY=10ms", "HOOKLINE_DELIVER_WORKERS=8", "HOOKLINE_LOG_LEVEL=warn")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &strings.Builder{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("node %d log:\n%s", cmd.Process.Pid, logs.String())
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case u := <-found:
		return &node{cmd: cmd, url: u}
	case <-time.After(30 * time.Second):
		t.Fatalf("node did not start:\n%s", logs.String())
		return nil
	}
}

var phoneSeq atomic.Int64

// fire calls the webhook n times from c concurrent clients, spread over the
// nodes like a load balancer would, moving on to the next node when one
// does not answer. It returns the ids of the accepted messages.
func fire(t *testing.T, nodes []*node, path string, n, c int) []string {
	t.Helper()
	var mu sync.Mutex
	var ids []string
	var next atomic.Int64
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for range c {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				seq := phoneSeq.Add(1)
				phone := fmt.Sprintf("+1775538%04d", seq%10000)
				// A client that retries through a balancer sends an
				// Idempotency-Key, so a request committed by a node that
				// died before answering is answered again, not sent twice.
				key := fmt.Sprintf("multinode-%d", seq)
				for try := range len(nodes) {
					nd := nodes[(int(i)+try)%len(nodes)]
					req, _ := http.NewRequest("POST", nd.url+path, strings.NewReader(url.Values{"phone": {phone}}.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("Idempotency-Key", key)
					resp, err := client.Do(req)
					if err != nil {
						continue // node down: the balancer tries the next
					}
					var id string
					if resp.StatusCode == 200 {
						var body struct{ ID string }
						_ = json.NewDecoder(resp.Body).Decode(&body)
						id = body.ID
					}
					resp.Body.Close()
					if id != "" {
						mu.Lock()
						ids = append(ids, id)
						mu.Unlock()
					}
					break
				}
			}
		})
	}
	wg.Wait()
	return ids
}

// killWhileHolding waits until b (the node whose River id is not idA) holds
// running jobs, then kills it and returns how many it held.
func killWhileHolding(t *testing.T, pg *sql.DB, b *node, idA string) int {
	t.Helper()
	const q = `SELECT COUNT(*) FROM river_job WHERE state = 'running' AND attempted_by[array_length(attempted_by, 1)] <> $1`
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := pg.QueryRow(q, idA).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			time.Sleep(2 * time.Millisecond)
			continue
		}
		_ = b.cmd.Process.Signal(syscall.SIGSTOP)
		time.Sleep(50 * time.Millisecond) // let statements in flight land
		if err := pg.QueryRow(q, idA).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			_ = b.cmd.Process.Signal(syscall.SIGCONT)
			continue
		}
		if err := b.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		return n
	}
	return 0
}

// waitSettled waits until every message left the queue: sent or beyond.
func waitSettled(t *testing.T, pg *sql.DB, ids []string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var open int
		err := pg.QueryRow(`SELECT COUNT(*) FROM messages WHERE id = ANY($1) AND status IN ('queued', 'sending', 'scheduled')`, ids).Scan(&open)
		if err != nil {
			t.Fatal(err)
		}
		var known int
		if err := pg.QueryRow(`SELECT COUNT(*) FROM messages WHERE id = ANY($1)`, ids).Scan(&known); err != nil {
			t.Fatal(err)
		}
		if known != len(ids) {
			t.Fatalf("%d of %d accepted messages are in the database", known, len(ids))
		}
		if open == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d messages still not sent after %s", open, len(ids), within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkExactlyOnce checks that each of the want messages reached the
// simulated phones once and was recorded sent once.
func checkExactlyOnce(t *testing.T, pg *sql.DB, want int) {
	t.Helper()
	var msgs, inbox, dupSent int
	row := pg.QueryRowContext(context.Background(), `SELECT
		(SELECT COUNT(*) FROM messages WHERE status IN ('sent', 'delivered')),
		(SELECT COUNT(*) FROM simulator_inbox),
		(SELECT COUNT(*) FROM messages WHERE history LIKE '%"s":"sent"%"s":"sent"%')`)
	if err := row.Scan(&msgs, &inbox, &dupSent); err != nil {
		t.Fatal(err)
	}
	if msgs != want || inbox != want || dupSent != 0 {
		t.Fatalf("messages sent %d, inbox entries %d, messages sent twice %d; want %d, %d, 0", msgs, inbox, dupSent, want, want)
	}
}
