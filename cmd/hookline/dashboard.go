package main

import (
	"net/http"
	"strings"

	"hookline/web"
)

// mountDashboard builds the web dashboard over the same services as the
// API and mounts it on the server at /.
func (m *Main) mountDashboard() error {
	d := &web.Handler{
		Users: m.DB, Accounts: m.DB, Triggers: m.DB, Messages: m.DB, Contacts: m.DB, Inbox: m.DB,
		OptOuts: m.DB, Replies: m.DB, Rotator: m.DB, Secrets: m.DB,
		Inbound:       m.Server.InboundHandler,
		WebhookURL:    m.Server.WebhookURL,
		DefaultRegion: m.Config.DefaultRegion,
		SecureCookies: strings.HasPrefix(m.Server.BaseURL, "https://"),
		Now:           m.Config.Now,
		Logger:        m.Logger.With("component", "dashboard"),
	}
	if m.Voicemail != nil {
		d.Audio = m.Voicemail
	}
	// The test form fires through the served handler, once it exists, so a
	// test call takes exactly the public webhook path.
	d.Webhook = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { m.HTTP.Handler.ServeHTTP(w, r) })
	if err := d.Init(); err != nil {
		return err
	}
	m.Server.Dashboard = d
	return nil
}
