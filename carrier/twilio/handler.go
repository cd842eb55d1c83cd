package twilio

import (
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strings"

	"hookline"
)

// The routes of Handler, relative to where it is mounted.
const (
	routeStatus     = "status"
	routeSMS        = "sms"
	routeVoice      = "voice"
	routeAMD        = "amd"
	routeCallStatus = "call-status"
)

// maxFormBytes bounds the body of a request from Twilio.
const maxFormBytes = 64 << 10

// Handler returns the http.Handler for requests from Twilio. Mount it at
// Config.CallbackPath (default "/carrier/twilio/", with or without
// http.StripPrefix): it routes on the last path element, and every route
// takes only POST requests that carry a valid X-Twilio-Signature, answering
// 403 otherwise.
//
//   - status: a Message status callback (MessageStatus, ErrorCode) for the
//     message_id in the query, fed to Config.Reporter. Statuses before the
//     receipt (queued, sent, ...) are acknowledged without a report.
//   - sms: an inbound text (From, To, Body, MessageSid), fed to
//     Config.Inbound; answers an empty TwiML <Response/>. Configure it as
//     the "A message comes in" webhook of the numbers.
//   - voice: the TwiML of a voicemail call: a pause while AMD listens, then,
//     after the amd route redirects the call, the audio or a hang-up.
//   - amd: the asynchronous AMD result (AnsweredBy); redirects the live call.
//   - call-status: call progress (CallStatus), fed to Config.Reporter once
//     the call's fate is known.
//
// Twilio must reach PublicURL + CallbackPath + "/" + each route; the
// signature is checked against that URL, whatever proxies rewrote.
func (c *Client) Handler() http.Handler {
	return http.HandlerFunc(c.serveHTTP)
}

func (c *Client) serveHTTP(w http.ResponseWriter, r *http.Request) {
	route := path.Base(r.URL.Path)
	serve, ok := map[string]func(http.ResponseWriter, *http.Request){
		routeStatus:     c.serveStatus,
		routeSMS:        c.serveSMS,
		routeVoice:      c.serveVoice,
		routeAMD:        c.serveAMD,
		routeCallStatus: c.serveCallStatus,
	}[route]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	if !ValidSignature(c.cfg.AuthToken, c.requestURL(r), r.PostForm, r.Header.Get(SignatureHeader)) {
		// The query may hold an audio URL, a capability: log the path only.
		c.logger().Warn("twilio: refused request with a bad signature", "path", r.URL.Path, "remote", r.RemoteAddr)
		http.Error(w, "invalid signature", http.StatusForbidden)
		return
	}
	serve(w, r)
}

// serveStatus feeds a Message status callback to the Reporter.
func (c *Client) serveStatus(w http.ResponseWriter, r *http.Request) {
	status, code := messageStatus(r.PostForm.Get("MessageStatus"), r.PostForm.Get("ErrorCode"))
	if status == hookline.StatusSent {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	c.report(w, r, hookline.StatusReport{
		MessageID: r.URL.Query().Get(paramMessageID),
		CarrierID: r.PostForm.Get("MessageSid"),
		Status:    status,
		ErrorCode: code,
		At:        c.cfg.Now(),
	})
}

// serveSMS feeds an inbound text to the InboundHandler.
func (c *Client) serveSMS(w http.ResponseWriter, r *http.Request) {
	if c.cfg.Inbound != nil {
		m := &hookline.InboundMessage{
			From:       r.PostForm.Get("From"),
			To:         r.PostForm.Get("To"),
			Text:       r.PostForm.Get("Body"),
			Carrier:    c.Name(),
			CarrierID:  r.PostForm.Get("MessageSid"),
			ReceivedAt: c.cfg.Now(),
		}
		if err := c.cfg.Inbound.HandleInbound(r.Context(), m); err != nil {
			c.logger().Error("twilio: inbound text", "message_sid", m.CarrierID, "err", err)
			http.Error(w, "inbound text not stored", http.StatusInternalServerError)
			return
		}
	}
	writeTwiML(w, "")
}

// report hands rep to the Reporter and answers Twilio: 500 on failure, so
// that the failure shows in Twilio's debugger.
func (c *Client) report(w http.ResponseWriter, r *http.Request, rep hookline.StatusReport) {
	if c.cfg.Reporter == nil {
		c.logger().Warn("twilio: no Reporter configured; status dropped", "message_id", rep.MessageID, "status", rep.Status)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err := c.cfg.Reporter.ReportStatus(r.Context(), rep); err != nil {
		c.logger().Error("twilio: report status", "message_id", rep.MessageID, "status", rep.Status, "err", err)
		http.Error(w, "status not recorded", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// writeTwiML answers with a TwiML document whose body is verbs.
func writeTwiML(w http.ResponseWriter, verbs string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	if verbs == "" {
		io.WriteString(w, xml.Header+"<Response/>")
		return
	}
	io.WriteString(w, xml.Header+"<Response>"+verbs+"</Response>")
}

// xmlText escapes s for use as XML character data.
func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (c *Client) logger() *slog.Logger {
	if c.cfg.Logger != nil {
		return c.cfg.Logger
	}
	return slog.Default()
}

// detach keeps the values of ctx but not its cancellation, for work that
// must finish after Twilio hangs up on a slow answer.
func detach(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }
