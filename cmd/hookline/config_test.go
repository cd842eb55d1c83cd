package main

import (
	"os"
	"path/filepath"
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
