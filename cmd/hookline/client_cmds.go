package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"hookline"
	"hookline/client"
)

// apiFlags select a running server to talk to through package client
// instead of opening the database directly.
type apiFlags struct {
	Server string
	APIKey string
}

func (f *apiFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.Server, "server", f.Server, "URL of a running hookline server (HOOKLINE_SERVER); with --api-key the command uses the API")
	fs.StringVar(&f.APIKey, "api-key", f.APIKey, "API key for --server (HOOKLINE_API_KEY)")
}

// client returns an API client, or nil when --server or --api-key is
// missing (commands that can then fall back to the database do).
func (f *apiFlags) client() *client.Client {
	if f.Server == "" || f.APIKey == "" {
		return nil
	}
	return client.New(f.Server, f.APIKey)
}

func (f *apiFlags) mustClient() (*client.Client, error) {
	if f.Server == "" {
		return nil, fmt.Errorf("give --server (or HOOKLINE_SERVER)")
	}
	return client.New(f.Server, f.APIKey), nil
}

func triggersCreateViaAPI(cmd *cobra.Command, c *client.Client, in client.TriggerInput) error {
	t, err := c.CreateTrigger(cmd.Context(), in)
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintln(cmd.OutOrStdout(), t.WebhookURL)
	return nil
}

func triggersListViaAPI(cmd *cobra.Command, c *client.Client) error {
	ts, err := c.ListTriggers(cmd.Context())
	if err != nil {
		return cliError(err)
	}
	for _, t := range ts {
		state := "enabled"
		if !t.Enabled {
			state = "disabled"
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Kind, state, t.Name, t.WebhookURL)
	}
	return nil
}

func newMessagesCmd() *cobra.Command {
	var api apiFlags
	msgs := &cobra.Command{Use: "messages", Short: "Read messages through the API"}
	api.add(msgs.PersistentFlags())
	var f hookline.MessageFilter
	var status string
	list := &cobra.Command{
		Use:   "list",
		Short: "List messages, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := api.mustClient()
			if err != nil {
				return err
			}
			f.Status = hookline.MessageStatus(status)
			ms, next, err := c.ListMessages(cmd.Context(), f)
			if err != nil {
				return cliError(err)
			}
			for _, m := range ms {
				fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\t%s\t%s\t%s\n", m.ID, m.CreatedAt.Format("2006-01-02T15:04:05Z"), m.Phone, m.Status, m.ErrorCode)
			}
			if next != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "more: --cursor %s\n", next)
			}
			return nil
		},
	}
	list.Flags().StringVar(&f.TriggerID, "trigger", "", "only this trigger's messages")
	list.Flags().StringVar(&f.Phone, "phone", "", "only messages to this phone")
	list.Flags().StringVar(&status, "status", "", "only messages in this status")
	list.Flags().StringVar(&f.Cursor, "cursor", "", "the next page's cursor")
	list.Flags().IntVar(&f.Limit, "limit", 50, "messages per page (1-500)")
	get := &cobra.Command{
		Use:   "get ID",
		Short: "Show a message and its status events",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := api.mustClient()
			if err != nil {
				return err
			}
			m, err := c.GetMessage(cmd.Context(), args[0])
			if err != nil {
				return cliError(err)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "id\t%s\ntrigger\t%s\nphone\t%s\nstatus\t%s\n", m.ID, m.TriggerID, m.Phone, m.Status)
			if m.ErrorCode != "" {
				fmt.Fprintf(out, "error\t%s\n", m.ErrorCode)
			}
			for _, e := range m.Events {
				fmt.Fprintf(out, "event\t%s\t%s\t%s\n", e.OccurredAt.Format("2006-01-02T15:04:05.000Z"), e.Status, e.ErrorCode)
			}
			return nil
		},
	}
	msgs.AddCommand(list, get)
	return msgs
}

func newSendCmd() *cobra.Command {
	var api apiFlags
	var trigger, phone, first, last, email, audio, idem string
	cmd := &cobra.Command{
		Use:   "send",
		Short: "Fire a trigger's webhook, as an app would",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := api.mustClient()
			if err != nil {
				return err
			}
			params := map[string]string{"phone": phone}
			for k, v := range map[string]string{"first": first, "last": last, "email": email, "audio": audio} {
				if v != "" {
					params[k] = v
				}
			}
			a, err := c.Send(cmd.Context(), strings.TrimSpace(trigger), params, idem)
			if err != nil {
				return cliError(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\n", a.ID, a.Status)
			return nil
		},
	}
	api.add(cmd.Flags())
	cmd.Flags().StringVar(&trigger, "trigger", "", "trigger id (the last part of its webhook URL)")
	cmd.Flags().StringVar(&phone, "phone", "", "recipient phone")
	cmd.Flags().StringVar(&first, "first", "", "first name")
	cmd.Flags().StringVar(&last, "last", "", "last name")
	cmd.Flags().StringVar(&email, "email", "", "email")
	cmd.Flags().StringVar(&audio, "audio", "", "rvm: public MP3 URL")
	cmd.Flags().StringVar(&idem, "idempotency-key", "", "Idempotency-Key header")
	_ = cmd.MarkFlagRequired("trigger")
	_ = cmd.MarkFlagRequired("phone")
	return cmd
}
