package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"hookline"
)

// newUsersCmd manages the people who sign in to the dashboard.
func newUsersCmd() *cobra.Command {
	users := &cobra.Command{Use: "users", Short: "Manage dashboard users"}
	cfg := DefaultConfig()
	var email, account, password string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create a dashboard user (password from --password or the first line of standard input)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("password") {
				var err error
				if password, err = readPassword(cmd.InOrStdin()); err != nil {
					return err
				}
			}
			db, a, err := openAccount(cmd.Context(), cfg, account)
			if err != nil {
				return err
			}
			defer db.Close()
			u := &hookline.User{AccountID: a.ID, Email: email}
			if err := db.CreateUser(cmd.Context(), u, password); err != nil {
				return cliError(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "user %s created in account %q\n", u.Email, a.Name)
			return nil
		},
	}
	addDatabaseFlags(create.Flags(), &cfg)
	create.Flags().StringVar(&email, "email", "", "e-mail address to sign in with (required)")
	create.Flags().StringVar(&account, "account", "default", "account name (created if needed)")
	create.Flags().StringVar(&password, "password", "", "password (prefer standard input: flags show in ps)")
	_ = create.MarkFlagRequired("email")
	users.AddCommand(create)
	return users
}

// readPassword reads the first line of r, without its line ending.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("no password: pass --password or write it on standard input")
	}
	return line, nil
}
