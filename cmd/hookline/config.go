package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Config is every setting of hookline serve. Each is a flag and also reads
// the HOOKLINE_* environment variable of the same name (--data-dir is
// HOOKLINE_DATA_DIR); a flag given on the command line wins.
type Config struct {
	Addr          string
	DataDir       string
	DatabaseURL   string
	BaseURL       string
	DefaultRegion string
	MaxBodyBytes  int64
	LogLevel      string
	LogFormat     string

	SMSCarrier        string
	RVMCarrier        string
	SimReceiptDelay   time.Duration
	SimSweepEvery     time.Duration
	SimSweepAfter     time.Duration
	SimFailPhones     []string
	DeliverWorkers    int
	ShutdownTimeout   time.Duration
	RescueAfter       time.Duration
	FetchPollInterval time.Duration
	// JobBatchWait is how long, on SQLite, accepted messages may wait to
	// share a delivery job with those of later commits.
	JobBatchWait time.Duration
	// CallbackAllow lists networks (CIDR) status callbacks may reach even
	// though they are private; by default only public addresses are.
	CallbackAllow []string
	// CallbackRetryBase is the first retry delay of a failed callback; it
	// doubles up to an hour, for 24 hours.
	CallbackRetryBase time.Duration
	// Audio is the voicemail audio settings (--fetch-allow, ...).
	Audio AudioConfig
	// Carriers is the settings of the real carriers (--smpp-*, --twilio-*,
	// --sip-*).
	Carriers CarrierConfig

	// Now is the clock of the policies that depend on the time of day
	// (quiet hours). It is not a flag: nil is time.Now, and tests pin it so
	// they do not depend on when they run.
	Now func() time.Time
}

// DefaultConfig returns the embedded defaults: SQLite in ./hookline-data and
// the built-in simulator as carrier.
func DefaultConfig() Config {
	return Config{
		Addr:              ":8080",
		DataDir:           "hookline-data",
		DefaultRegion:     "US",
		MaxBodyBytes:      64 << 10,
		LogLevel:          "info",
		LogFormat:         "json",
		SMSCarrier:        "simulator",
		RVMCarrier:        "simulator",
		SimReceiptDelay:   500 * time.Millisecond,
		SimSweepEvery:     time.Second,
		SimSweepAfter:     5 * time.Second,
		DeliverWorkers:    16,
		ShutdownTimeout:   20 * time.Second,
		RescueAfter:       30 * time.Second,
		FetchPollInterval: 50 * time.Millisecond,
		JobBatchWait:      20 * time.Millisecond,
		CallbackRetryBase: 5 * time.Second,
		Audio:             defaultAudioConfig(),
		Carriers:          defaultCarrierConfig(),
	}
}

// addDatabaseFlags adds the flags of every command that opens the database.
func addDatabaseFlags(fs *pflag.FlagSet, c *Config) {
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "folder of the embedded SQLite database")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "postgres://... to use PostgreSQL instead of SQLite")
}

// addServeFlags adds the flags of hookline serve.
func addServeFlags(fs *pflag.FlagSet, c *Config) {
	addDatabaseFlags(fs, c)
	fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public origin used in webhook URLs (default http://<addr>)")
	fs.StringVar(&c.DefaultRegion, "default-region", c.DefaultRegion, "region for phone numbers written without a country code")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", c.MaxBodyBytes, "largest webhook or API request body")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "json or text")
	fs.StringVar(&c.SMSCarrier, "sms-carrier", c.SMSCarrier, "carrier for texts: simulator, smpp or twilio")
	fs.StringVar(&c.RVMCarrier, "rvm-carrier", c.RVMCarrier, "carrier for voicemail drops: simulator, sip or twilio")
	fs.DurationVar(&c.SimReceiptDelay, "sim-receipt-delay", c.SimReceiptDelay, "simulator: delay before a delivery report")
	fs.DurationVar(&c.SimSweepEvery, "sim-sweep-every", c.SimSweepEvery, "simulator: how often a node looks for delivery reports another node owes (0 turns it off)")
	fs.DurationVar(&c.SimSweepAfter, "sim-sweep-after", c.SimSweepAfter, "simulator: how long past --sim-receipt-delay a report must be overdue before a sweep sends it")
	fs.StringSliceVar(&c.SimFailPhones, "sim-fail", c.SimFailPhones, "simulator: E.164 numbers to refuse permanently")
	fs.IntVar(&c.DeliverWorkers, "deliver-workers", c.DeliverWorkers, "delivery jobs worked at once")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "how long SIGTERM waits for requests and jobs to finish")
	fs.DurationVar(&c.RescueAfter, "rescue-after", c.RescueAfter, "how long a running job may go unfinished before another node takes it over")
	fs.DurationVar(&c.FetchPollInterval, "fetch-poll-interval", c.FetchPollInterval, "how often idle workers look for new jobs")
	fs.DurationVar(&c.JobBatchWait, "job-batch-wait", c.JobBatchWait, "SQLite: how long accepted messages may wait to share one delivery job (0: a job per commit)")
	fs.DurationVar(&c.CallbackRetryBase, "callback-retry-base", c.CallbackRetryBase, "first retry delay of a failed status callback (doubles up to 1h, for 24h)")
	fs.StringSliceVar(&c.CallbackAllow, "callback-allow", c.CallbackAllow, "private networks (CIDR) status callbacks may reach, like 10.0.0.0/8")
	addAudioFlags(fs, &c.Audio)
	addCarrierFlags(fs, &c.Carriers)
}

// envName is the environment variable of a flag.
func envName(flag string) string {
	return "HOOKLINE_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// bindEnv sets every flag not given on the command line from its
// HOOKLINE_* variable, or from the file named by HOOKLINE_*_FILE, then
// refuses negative durations.
func bindEnv(cmd *cobra.Command) error {
	if err := setFromEnv(cmd); err != nil {
		return err
	}
	return checkDurations(cmd.Flags())
}

// checkDurations refuses a negative value in any duration flag: none has a
// meaning for one, and each would otherwise act as zero or fall back to its
// default without a word.
func checkDurations(fs *pflag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Value.Type() != "duration" {
			return
		}
		if d, perr := time.ParseDuration(f.Value.String()); perr == nil && d < 0 {
			err = fmt.Errorf("--%s (or %s) is %s: a duration must not be negative", f.Name, envName(f.Name), f.Value)
		}
	})
	return err
}

// setFromEnv is bindEnv's first step.
func setFromEnv(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed {
			return
		}
		v, ok := os.LookupEnv(envName(f.Name))
		if !ok {
			path, ok2 := os.LookupEnv(envName(f.Name) + "_FILE")
			if !ok2 {
				return
			}
			b, rerr := os.ReadFile(path)
			if rerr != nil {
				err = fmt.Errorf("read %s_FILE: %w", envName(f.Name), rerr)
				return
			}
			v = strings.TrimSpace(string(b))
		}
		if serr := f.Value.Set(v); serr != nil {
			err = fmt.Errorf("%s=%q: %w", envName(f.Name), v, serr)
		}
	})
	return err
}
