package web

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"hookline"
)

// maxUpload bounds a form post, MP3 included.
const maxUpload = 12 << 20

// triggerForm is what the create and edit forms post.
type triggerForm struct {
	Kind              hookline.TriggerKind
	Name              string
	Body              string
	From              string
	StatusCallbackURL string
	// SendWindow is nil when quiet hours are off.
	SendWindow *hookline.SendWindow
}

func readTriggerForm(r *http.Request) triggerForm {
	return triggerForm{
		Kind:              hookline.TriggerKind(r.FormValue("kind")),
		Name:              strings.TrimSpace(r.FormValue("name")),
		Body:              strings.ReplaceAll(r.FormValue("body"), "\r\n", "\n"),
		From:              strings.TrimSpace(r.FormValue("from")),
		StatusCallbackURL: strings.TrimSpace(r.FormValue("status_callback_url")),
		SendWindow:        readSendWindow(r),
	}
}

// readSendWindow reads the quiet-hours fields: a checkbox and two times.
func readSendWindow(r *http.Request) *hookline.SendWindow {
	if r.FormValue("quiet_hours") == "" {
		return nil
	}
	return &hookline.SendWindow{Start: strings.TrimSpace(r.FormValue("window_start")), End: strings.TrimSpace(r.FormValue("window_end"))}
}

// uploadedAudio stores the MP3 posted in the "audio" field, if any, and
// returns its id.
func (h *Handler) uploadedAudio(r *http.Request, accountID int64) (string, error) {
	f, _, err := r.FormFile("audio")
	// A urlencoded post (a client other than the page's multipart form)
	// carries no file: that is no new audio, not a bad one.
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return "", nil
	} else if err != nil {
		return "", hookline.Errorf(hookline.EAudioInvalid, "The audio file could not be read.")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUpload))
	if err != nil {
		return "", hookline.Errorf(hookline.EAudioInvalid, "The audio file could not be read.")
	} else if len(data) == 0 {
		return "", nil
	}
	if h.Audio == nil {
		return "", hookline.Errorf(hookline.EInvalid, "Audio uploads are not available on this server.")
	}
	a, err := h.Audio.Upload(r.Context(), accountID, data)
	if err != nil {
		return "", err
	}
	return a.ID, nil
}

func (h *Handler) triggerCreate(w http.ResponseWriter, r *http.Request) {
	accountID := sessionFrom(r.Context()).AccountID
	in := readTriggerForm(r)
	t := &hookline.Trigger{AccountID: accountID, Kind: in.Kind, Name: in.Name, Body: in.Body, From: in.From,
		StatusCallbackURL: in.StatusCallbackURL, Enabled: true}
	t.SendWindow = in.SendWindow
	if t.Kind == hookline.KindRVM {
		t.Body = ""
	}
	err := func() (err error) {
		if t.Kind == hookline.KindRVM {
			if t.AudioID, err = h.uploadedAudio(r, accountID); err != nil {
				return err
			}
		}
		return h.Triggers.CreateTrigger(r.Context(), t)
	}()
	if err != nil {
		h.formError(w, r, "trigger_new", map[string]any{"Title": "New trigger", "Nav": "triggers", "Form": t}, err)
		return
	}
	h.redirectFlash(w, r, "/triggers/"+t.ID, flash{Kind: "ok", Text: "Trigger created. Its webhook URL is ready to use."})
}

func (h *Handler) triggerSave(w http.ResponseWriter, r *http.Request) {
	accountID := sessionFrom(r.Context()).AccountID
	t, err := h.Triggers.FindTriggerByID(r.Context(), accountID, r.PathValue("id"))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	in := readTriggerForm(r)
	upd := hookline.TriggerUpdate{Name: &in.Name, From: &in.From, StatusCallbackURL: &in.StatusCallbackURL,
		SendWindow: hookline.SendWindowPatch{Set: true, Window: in.SendWindow}}
	if t.Kind == hookline.KindSMS {
		upd.Body = &in.Body
	}
	audioID, err := h.uploadedAudio(r, accountID)
	if err == nil && audioID != "" {
		upd.AudioID = &audioID
	}
	if err == nil {
		_, err = h.Triggers.UpdateTrigger(r.Context(), accountID, t.ID, upd)
	}
	if err != nil {
		upd.Apply(t)
		data, derr := h.triggerData(r, t)
		if derr != nil {
			h.serverError(w, r, derr)
			return
		}
		h.formError(w, r, "trigger", data, err)
		return
	}
	h.redirectFlash(w, r, "/triggers/"+t.ID, flash{Kind: "ok", Text: "Trigger saved."})
}

// formError shows a form again with the error's sentence, keeping what was
// typed. Internal errors are logged and shown as a generic sentence.
func (h *Handler) formError(w http.ResponseWriter, r *http.Request, name string, data map[string]any, err error) {
	if hookline.ErrorCode(err) == hookline.EInternal {
		h.logger().Error("dashboard form", "path", r.URL.Path, "err", err)
	}
	data["Error"] = hookline.ErrorMessage(err)
	h.renderStatus(w, r, http.StatusUnprocessableEntity, name, data)
}
