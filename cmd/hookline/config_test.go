package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// TestFlagsReadEnvironment checks that every serve flag reads its
// HOOKLINE_* variable, that a flag on the command line wins, and that
// secrets can come from a *_FILE.
func TestFlagsReadEnvironment(t *testing.T) {
	cfg := DefaultConfig()
	cmd := &cobra.Command{Use: "serve"}
	addServeFlags(cmd.Flags(), &cfg)

	secret := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(secret, []byte("s3cret\n"), 0o600)
	t.Setenv("HOOKLINE_DATA_DIR", "/var/lib/hookline")
	t.Setenv("HOOKLINE_ADDR", ":1111")
	t.Setenv("HOOKLINE_SIM_RECEIPT_DELAY", "3s")
	t.Setenv("HOOKLINE_SIM_FAIL", "+15005550001,+15005550002")
	t.Setenv("HOOKLINE_SIM_SWEEP_EVERY", "250ms")
	t.Setenv("HOOKLINE_SMPP_PASSWORD_FILE", secret)
	if err := cmd.ParseFlags([]string{"--addr", ":2222"}); err != nil {
		t.Fatal(err)
	}
	if err := bindEnv(cmd); err != nil {
		t.Fatal(err)
	}
	if cfg.DataDir != "/var/lib/hookline" || cfg.Addr != ":2222" || cfg.SimReceiptDelay != 3*time.Second || len(cfg.SimFailPhones) != 2 {
		t.Fatalf("config = data %q addr %q delay %s fail %v", cfg.DataDir, cfg.Addr, cfg.SimReceiptDelay, cfg.SimFailPhones)
	}
	if cfg.SimSweepEvery != 250*time.Millisecond || cfg.SimSweepAfter != 5*time.Second {
		t.Fatalf("simulator sweep every %s after %s", cfg.SimSweepEvery, cfg.SimSweepAfter)
	}
	if cfg.Carriers.SMPP.Password != "s3cret" {
		t.Fatalf("SMPP password from file = %q", cfg.Carriers.SMPP.Password)
	}

	t.Setenv("HOOKLINE_SIM_RECEIPT_DELAY", "soon")
	cfg2 := DefaultConfig()
	cmd2 := &cobra.Command{Use: "serve"}
	addServeFlags(cmd2.Flags(), &cfg2)
	if err := bindEnv(cmd2); err == nil {
		t.Fatal("a malformed HOOKLINE_SIM_RECEIPT_DELAY was accepted")
	}
}

// TestNegativeDurationsRefused checks that no duration flag takes a negative
// value, from the command line or from its variable.
func TestNegativeDurationsRefused(t *testing.T) {
	{ // zero is a value: --sim-sweep-every 0 turns the sweep off
		cfg := DefaultConfig()
		cmd := &cobra.Command{Use: "serve"}
		addServeFlags(cmd.Flags(), &cfg)
		if err := cmd.ParseFlags([]string{"--sim-sweep-every", "0"}); err != nil {
			t.Fatal(err)
		}
		if err := bindEnv(cmd); err != nil {
			t.Fatalf("zero refused: %v", err)
		}
	}
	for _, c := range []struct {
		args []string
		env  string
	}{
		{args: []string{"--sim-sweep-after", "-5s"}},
		{args: []string{"--audio-cache-ttl=-1m"}},
		{env: "HOOKLINE_SIM_RECEIPT_DELAY"},
	} {
		cfg := DefaultConfig()
		cmd := &cobra.Command{Use: "serve"}
		addServeFlags(cmd.Flags(), &cfg)
		if c.env != "" {
			t.Setenv(c.env, "-100ms")
		}
		if err := cmd.ParseFlags(c.args); err != nil {
			t.Fatal(err)
		}
		err := bindEnv(cmd)
		if err == nil || !strings.Contains(err.Error(), "must not be negative") {
			t.Errorf("%v %s: error %v, want a refusal", c.args, c.env, err)
		}
	}
}
