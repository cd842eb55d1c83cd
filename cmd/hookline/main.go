// Command hookline sends SMS and ringless voicemail when other apps call a
// webhook. `hookline serve` runs everything on embedded defaults.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"hookline"
	"hookline/client"
	"hookline/sqlstore"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if err := newRootCmd().Execute(); err != nil {
		os.Exit(1)
	}
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "hookline",
		Short:         "Send SMS and ringless voicemail when an app calls a webhook",
		SilenceUsage:  true,
		SilenceErrors: false,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return bindEnv(cmd)
		},
	}
	root.AddCommand(newServeCmd(), newMigrateCmd(), newKeysCmd(), newTriggersCmd(), newVersionCmd(), newBenchCmd(), newUsersCmd(), newMessagesCmd(), newSendCmd())
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{Use: "version", Short: "Print the version", Args: cobra.NoArgs, Run: func(cmd *cobra.Command, args []string) {
		fmt.Fprintln(cmd.OutOrStdout(), "hookline", version)
	}}
}

func newServeCmd() *cobra.Command {
	cfg := DefaultConfig()
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the server (SQLite in --data-dir and the carrier simulator by default)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			logger, err := newLogger(cfg)
			if err != nil {
				return err
			}
			slog.SetDefault(logger)
			tuneGC()
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			m := NewMain(cfg)
			m.Logger = logger
			if err := m.Run(ctx); err != nil {
				m.Close()
				return err
			}
			where := "database " + cfg.DataDir
			if sqlstore.IsPostgresURL(cfg.DatabaseURL) {
				where = "PostgreSQL"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "hookline %s listening on %s (%s, sms carrier %s)\n", version, m.URL, where, cfg.SMSCarrier)
			<-ctx.Done()
			logger.Info("shutting down")
			return m.Close()
		},
	}
	addServeFlags(cmd.Flags(), &cfg)
	return cmd
}

func newLogger(cfg Config) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(cfg.LogFormat, "text") {
		return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
}

func newMigrateCmd() *cobra.Command {
	cfg := DefaultConfig()
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the database migrations (serve also does this at start)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := openDB(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "migrations applied")
			return db.Close()
		},
	}
	addDatabaseFlags(cmd.Flags(), &cfg)
	return cmd
}

func newKeysCmd() *cobra.Command {
	keys := &cobra.Command{Use: "keys", Short: "Manage API keys"}
	cfg := DefaultConfig()
	var account, name string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an API key and print it (the account is created if needed)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := openDB(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer db.Close()
			a, err := db.FindOrCreateAccount(cmd.Context(), account)
			if err != nil {
				return err
			}
			secret, _, err := db.CreateAPIKey(cmd.Context(), a.ID, name)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), secret)
			return nil
		},
	}
	addDatabaseFlags(create.Flags(), &cfg)
	create.Flags().StringVar(&account, "account", "default", "account name")
	create.Flags().StringVar(&name, "name", "default", "key name")
	keys.AddCommand(create)
	return keys
}

func newTriggersCmd() *cobra.Command {
	triggers := &cobra.Command{Use: "triggers", Short: "Manage triggers"}
	cfg := DefaultConfig()
	var account, kind, name, body, from, audioFile, window string
	var api apiFlags
	create := &cobra.Command{
		Use:   "create",
		Short: "Create a trigger and print its webhook URL",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			sw, err := hookline.ParseSendWindow(window)
			if err != nil {
				return cliError(err)
			}
			if c := api.client(); c != nil && audioFile == "" {
				return triggersCreateViaAPI(cmd, c, client.TriggerInput{Kind: hookline.TriggerKind(kind), Name: name, Body: body, From: from,
					SendWindow: &hookline.SendWindowPatch{Set: true, Window: sw}})
			}
			db, a, err := openAccount(cmd.Context(), cfg, account)
			if err != nil {
				return err
			}
			defer db.Close()
			t := &hookline.Trigger{AccountID: a.ID, Kind: hookline.TriggerKind(kind), Name: name, Body: body, From: from, Enabled: true}
			t.SendWindow = sw
			if t.AudioID, err = uploadAudioFile(cmd.Context(), cfg, db, t, audioFile); err != nil {
				return cliError(err)
			}
			if err := db.CreateTrigger(cmd.Context(), t); err != nil {
				return cliError(err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), webhookURL(cfg, t.ID))
			return nil
		},
	}
	addServeFlags(create.Flags(), &cfg)
	create.Flags().StringVar(&account, "account", "default", "account name")
	create.Flags().StringVar(&kind, "kind", "sms", "sms or rvm")
	create.Flags().StringVar(&name, "name", "", "trigger name")
	create.Flags().StringVar(&body, "body", "", "SMS text with merge fields like {first|there}")
	create.Flags().StringVar(&from, "from", "", "sender number or ID")
	create.Flags().StringVar(&audioFile, "audio-file", "", "rvm: MP3 file stored as the trigger's default audio")
	create.Flags().StringVar(&window, "send-window", "08:00-21:00", `quiet hours: send only between these local times of the recipient, or "off" to send at any time`)
	list := &cobra.Command{
		Use:   "list",
		Short: "List triggers with their webhook URLs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if c := api.client(); c != nil {
				return triggersListViaAPI(cmd, c)
			}
			db, a, err := openAccount(cmd.Context(), cfg, account)
			if err != nil {
				return err
			}
			defer db.Close()
			ts, err := db.FindTriggers(cmd.Context(), hookline.TriggerFilter{AccountID: a.ID})
			if err != nil {
				return err
			}
			for _, t := range ts {
				state := "enabled"
				if !t.Enabled {
					state = "disabled"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Kind, state, t.Name, webhookURL(cfg, t.ID))
			}
			return nil
		},
	}
	addServeFlags(list.Flags(), &cfg)
	list.Flags().StringVar(&account, "account", "default", "account name")
	api.add(triggers.PersistentFlags())
	triggers.AddCommand(create, list)
	return triggers
}

func openAccount(ctx context.Context, cfg Config, name string) (*sqlstore.DB, *hookline.Account, error) {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	a, err := db.FindOrCreateAccount(ctx, name)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, a, nil
}

func webhookURL(cfg Config, id string) string {
	base := cfg.BaseURL
	if base == "" {
		host := cfg.Addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		base = "http://" + host
	}
	return strings.TrimRight(base, "/") + "/webhook/Custom/" + id
}

// cliError turns a service error into its sentence for the terminal.
func cliError(err error) error {
	if code := hookline.ErrorCode(err); code != hookline.EInternal {
		return fmt.Errorf("%s: %s", code, hookline.ErrorMessage(err))
	}
	return err
}

// tuneGC lets the heap grow to five times its live size between collections
// (GOGC=400) unless GOGC is set: the server's live heap is small, and the
// default spends about a tenth of its CPU on collections under load (an A/B
// with `make bench` gave 12–15 % more webhooks/s).
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}
