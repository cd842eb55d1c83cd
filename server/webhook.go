package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sort"
	"time"

	"github.com/google/uuid"

	"hookline"
)

// Admission decides at the webhook whether a message may be queued (opt-outs,
// frequency caps) and when it may go (quiet hours): a nil time means now.
type Admission interface {
	Admit(ctx context.Context, t *hookline.Trigger, phone string) (*time.Time, error)
}

// AudioResolver returns the stored audio id of a voicemail: the audio at
// audioURL (fetched and validated) or, when it is empty, the trigger's.
type AudioResolver interface {
	ResolveAudio(ctx context.Context, t *hookline.Trigger, audioURL string) (string, error)
}

// webhookAnswer is the success body, compatible with the hosted service.
type webhookAnswer struct {
	Message string                 `json:"message"`
	ID      string                 `json:"id"`
	Status  hookline.MessageStatus `json:"status"`
}

func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		w.Header().Set("Retry-After", "5")
		s.Error(w, r, hookline.Errorf(hookline.EUnavailable, "The server is shutting down; retry shortly."))
		return
	}
	acc, err := s.webhook(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, webhookAnswer{Message: "Message sent with ID: " + acc.MessageID, ID: acc.MessageID, Status: acc.Status})
}

// webhook validates the call and commits its message. The order follows the
// hosted service's: read the phone, resolve the audio, then queue.
func (s *Server) webhook(r *http.Request) (*hookline.Acceptance, error) {
	params, err := ParseWebhookParams(r, s.maxBody())
	if err != nil {
		return nil, err
	}
	t, err := s.Triggers.FindTriggerByID(r.Context(), 0, r.PathValue("id"))
	if err != nil {
		return nil, err
	} else if !t.Enabled {
		return nil, errTriggerGone()
	}
	phone, err := hookline.ParsePhone(params["phone"], s.region())
	if err != nil {
		return nil, err
	}
	if e := params["email"]; e != "" {
		if err := hookline.ValidateEmail(e); err != nil {
			return nil, err
		}
	}
	fields := hookline.MergeFields{Phone: phone, First: params["first"], Last: params["last"], Email: params["email"]}
	m := &hookline.Message{ID: newMessageID(), AccountID: t.AccountID, TriggerID: t.ID, Kind: t.Kind, Phone: phone, From: t.From, Status: hookline.StatusQueued}
	if err := s.fillContent(r.Context(), t, m, fields, params["audio"]); err != nil {
		return nil, err
	}
	if s.Admission != nil {
		at, err := s.Admission.Admit(r.Context(), t, phone)
		if err != nil {
			return nil, err
		}
		if at != nil {
			m.Status, m.ScheduledFor = hookline.StatusScheduled, at
		}
	}
	sub := &hookline.Submission{
		Message:        m,
		Contact:        &hookline.Contact{AccountID: t.AccountID, Phone: phone, First: fields.First, Last: fields.Last, Email: fields.Email},
		IdempotencyKey: r.Header.Get("Idempotency-Key"),
		CallbackURL:    t.StatusCallbackURL,
		RateLimit:      t.RateLimit,
		FrequencyCap:   t.FrequencyCap,
	}
	if sub.IdempotencyKey != "" {
		if len(sub.IdempotencyKey) > 255 {
			return nil, hookline.Errorf(hookline.EInvalidParameter, "The Idempotency-Key header is longer than 255 characters.")
		}
		sub.RequestHash = requestHash(t.ID, params)
	}
	return s.Messages.Accept(r.Context(), sub)
}

func errTriggerGone() error {
	return hookline.Errorf(hookline.ETriggerNotFound, "No enabled trigger has this ID.")
}

// fillContent renders the text of an SMS or resolves the audio of an RVM.
func (s *Server) fillContent(ctx context.Context, t *hookline.Trigger, m *hookline.Message, f hookline.MergeFields, audioURL string) error {
	if t.Kind == hookline.KindSMS {
		if audioURL != "" {
			return hookline.Errorf(hookline.EAudioNotAllowed, "The audio parameter is only for voicemail (RVM) triggers.")
		}
		tmpl, err := hookline.ParseTemplate(t.Body)
		if err != nil {
			return err
		}
		m.Body = tmpl.Render(f)
		m.Encoding, m.Segments = hookline.Segments(m.Body)
		return nil
	}
	if s.Audio != nil {
		id, err := s.Audio.ResolveAudio(ctx, t, audioURL)
		m.AudioID = id
		return err
	}
	if audioURL != "" || t.AudioID == "" {
		return hookline.Errorf(hookline.EAudioRequired, "This voicemail trigger has no audio; pass audio=<public MP3 URL>.")
	}
	m.AudioID = t.AudioID
	return nil
}

// requestHash identifies a request for idempotency.
func requestHash(triggerID string, params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	h.Write([]byte(triggerID))
	for _, k := range keys {
		h.Write([]byte{0})
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(params[k]))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (s *Server) maxBody() int64 {
	if s.MaxBodyBytes > 0 {
		return s.MaxBodyBytes
	}
	return 64 << 10
}

func (s *Server) region() string {
	if s.DefaultRegion != "" {
		return s.DefaultRegion
	}
	return "US"
}

// newMessageID returns a UUID v7: time-ordered, so message rows and their
// indexes grow at one edge of the B-tree instead of dirtying a random page
// per insert. Unlike a trigger's id, a message id is not a capability.
func newMessageID() string {
	return uuid.Must(uuid.NewV7()).String()
}
