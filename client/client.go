// Package client is a Go client of Hookline's /api/v1 and webhook, used by
// the CLI and end-to-end tests. Errors from the server come back as
// *hookline.Error with the server's stable code.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hookline"
)

// Client calls one Hookline server with one API key.
type Client struct {
	BaseURL string
	APIKey  string
	HTTP    *http.Client
}

// New returns a client of the server at baseURL (like http://localhost:8080).
func New(baseURL, apiKey string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), APIKey: apiKey, HTTP: http.DefaultClient}
}

// Trigger is a trigger as the API shows it.
type Trigger struct {
	hookline.Trigger
	WebhookURL string `json:"webhook_url"`
}

// TriggerInput is the body of a trigger create; see the OpenAPI document.
type TriggerInput struct {
	Kind              hookline.TriggerKind `json:"kind"`
	Name              string               `json:"name"`
	Body              string               `json:"body,omitempty"`
	AudioID           string               `json:"audio_id,omitempty"`
	From              string               `json:"from,omitempty"`
	Enabled           *bool                `json:"enabled,omitempty"`
	StatusCallbackURL string               `json:"status_callback_url,omitempty"`
	RateLimit         *hookline.RateLimit  `json:"rate_limit,omitempty"`
	// SendWindow, when set, is the quiet-hours window (Window nil: none);
	// left nil, the server gives the default window.
	SendWindow *hookline.SendWindowPatch `json:"send_window,omitempty"`
}

// WebhookAnswer is the webhook's success answer.
type WebhookAnswer struct {
	Message string                 `json:"message"`
	ID      string                 `json:"id"`
	Status  hookline.MessageStatus `json:"status"`
}

// CreatedKey is a new API key with its secret, shown only this once.
type CreatedKey struct {
	hookline.APIKey
	Secret string `json:"secret"`
}

// do sends a JSON request and decodes a JSON answer into out (if non-nil).
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	httpc := c.HTTP
	if httpc == nil {
		httpc = http.DefaultClient
	}
	resp, err := httpc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e struct{ Error, Message string }
		if json.Unmarshal(raw, &e) != nil || e.Error == "" {
			return fmt.Errorf("%s %s: HTTP %d", method, path, resp.StatusCode)
		}
		return &hookline.Error{Code: e.Error, Message: e.Message}
	}
	if out == nil || len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// CreateTrigger creates a trigger.
func (c *Client) CreateTrigger(ctx context.Context, in TriggerInput) (*Trigger, error) {
	var t Trigger
	return &t, c.do(ctx, "POST", "/api/v1/triggers", in, &t)
}

// ListTriggers lists the account's triggers.
func (c *Client) ListTriggers(ctx context.Context) ([]Trigger, error) {
	var out struct{ Triggers []Trigger }
	return out.Triggers, c.do(ctx, "GET", "/api/v1/triggers", nil, &out)
}

// GetTrigger returns one trigger.
func (c *Client) GetTrigger(ctx context.Context, id string) (*Trigger, error) {
	var t Trigger
	return &t, c.do(ctx, "GET", "/api/v1/triggers/"+url.PathEscape(id), nil, &t)
}

// UpdateTrigger applies a PATCH (only the set fields of upd change).
func (c *Client) UpdateTrigger(ctx context.Context, id string, upd map[string]any) (*Trigger, error) {
	var t Trigger
	return &t, c.do(ctx, "PATCH", "/api/v1/triggers/"+url.PathEscape(id), upd, &t)
}

// DeleteTrigger deletes a trigger.
func (c *Client) DeleteTrigger(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", "/api/v1/triggers/"+url.PathEscape(id), nil, nil)
}

// RotateTrigger gives a trigger a new id and webhook URL.
func (c *Client) RotateTrigger(ctx context.Context, id string) (*Trigger, error) {
	var t Trigger
	return &t, c.do(ctx, "POST", "/api/v1/triggers/"+url.PathEscape(id)+"/rotate", nil, &t)
}

// ListMessages returns a page of messages and the cursor of the next.
func (c *Client) ListMessages(ctx context.Context, f hookline.MessageFilter) ([]*hookline.Message, string, error) {
	q := url.Values{}
	for k, v := range map[string]string{"trigger_id": f.TriggerID, "phone": f.Phone, "status": string(f.Status), "cursor": f.Cursor} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	var out struct {
		Messages   []*hookline.Message `json:"messages"`
		NextCursor string              `json:"next_cursor"`
	}
	err := c.do(ctx, "GET", "/api/v1/messages?"+q.Encode(), nil, &out)
	return out.Messages, out.NextCursor, err
}

// GetMessage returns a message with its events.
func (c *Client) GetMessage(ctx context.Context, id string) (*hookline.Message, error) {
	var m hookline.Message
	return &m, c.do(ctx, "GET", "/api/v1/messages/"+url.PathEscape(id), nil, &m)
}

// ListKeys lists the account's API keys, without secrets.
func (c *Client) ListKeys(ctx context.Context) ([]hookline.APIKey, error) {
	var out struct{ Keys []hookline.APIKey }
	return out.Keys, c.do(ctx, "GET", "/api/v1/keys", nil, &out)
}

// CreateKey creates a named API key.
func (c *Client) CreateKey(ctx context.Context, name string) (*CreatedKey, error) {
	var k CreatedKey
	return &k, c.do(ctx, "POST", "/api/v1/keys", map[string]string{"name": name}, &k)
}

// RevokeKey revokes an API key of the account.
func (c *Client) RevokeKey(ctx context.Context, id int64) error {
	return c.do(ctx, "DELETE", "/api/v1/keys/"+strconv.FormatInt(id, 10), nil, nil)
}

// RotateSigningSecret creates or replaces the callback signing secret.
func (c *Client) RotateSigningSecret(ctx context.Context) (string, error) {
	var out struct{ Secret string }
	return out.Secret, c.do(ctx, "POST", "/api/v1/signing-secret", map[string]string{}, &out)
}

// Send fires a trigger's webhook with these parameters (phone, first, ...).
// It needs no API key: the trigger id is the capability.
func (c *Client) Send(ctx context.Context, triggerID string, params map[string]string, idempotencyKey string) (*WebhookAnswer, error) {
	cc := *c
	cc.APIKey = ""
	var a WebhookAnswer
	if idempotencyKey == "" {
		return &a, cc.do(ctx, "POST", "/webhook/Custom/"+url.PathEscape(triggerID), params, &a)
	}
	return &a, cc.sendIdempotent(ctx, triggerID, params, idempotencyKey, &a)
}

func (c *Client) sendIdempotent(ctx context.Context, triggerID string, params map[string]string, key string, out *WebhookAnswer) error {
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	tr := &keyTransport{key: key, next: hc.Transport}
	cc := *c
	cc.HTTP = &http.Client{Transport: tr, Timeout: hc.Timeout}
	return cc.do(ctx, "POST", "/webhook/Custom/"+url.PathEscape(triggerID), params, out)
}

// keyTransport adds an Idempotency-Key header.
type keyTransport struct {
	key  string
	next http.RoundTripper
}

func (t *keyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Idempotency-Key", t.key)
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(r)
}
