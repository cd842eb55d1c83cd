package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"hookline"
)

// AudioLibrary stores and serves the MP3s that voicemails play
// (voicemail.Service).
type AudioLibrary interface {
	// Upload validates and stores an MP3, once per SHA-256 per account.
	Upload(ctx context.Context, accountID int64, data []byte) (*hookline.Audio, error)
	MaxUploadBytes() int64
	FindAudio(ctx context.Context, accountID int64, id string) (*hookline.Audio, error)
	AudioData(ctx context.Context, id string) ([]byte, error)
	// CheckMediaToken verifies the token of a public media URL.
	CheckMediaToken(audioID, token string) bool
}

// handleAudioUpload stores an MP3 sent as the raw body (Content-Type
// audio/mpeg) or as the "file" part of a multipart/form-data body.
func (s *Server) handleAudioUpload(w http.ResponseWriter, r *http.Request) {
	if s.AudioLibrary == nil {
		s.Error(w, r, hookline.Errorf(hookline.ENotFound, "Audio is not enabled on this server."))
		return
	}
	data, err := s.readUpload(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	a, err := s.AudioLibrary.Upload(r.Context(), accountFrom(r.Context()).ID, data)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a)
}

// readUpload returns the uploaded file, refusing more than the limit.
func (s *Server) readUpload(r *http.Request) ([]byte, error) {
	limit := s.AudioLibrary.MaxUploadBytes()
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		mt = ""
	}
	var src io.Reader
	switch mt {
	case "audio/mpeg", "audio/mp3", "application/octet-stream":
		src = r.Body
	case "multipart/form-data":
		part, err := filePart(r, params["boundary"])
		if err != nil {
			return nil, err
		}
		defer part.Close()
		src = part
	default:
		return nil, hookline.Errorf(hookline.EUnsupportedMedia, "Send the MP3 as the body with Content-Type audio/mpeg, or as the \"file\" field of a multipart/form-data body.")
	}
	data, err := io.ReadAll(io.LimitReader(src, limit+1))
	if err != nil {
		return nil, hookline.Errorf(hookline.EInvalidBody, "The upload could not be read.")
	}
	if int64(len(data)) > limit {
		return nil, hookline.Errorf(hookline.EAudioTooLarge, "The audio file is larger than the %d MiB limit.", limit>>20)
	} else if len(data) == 0 {
		return nil, hookline.Errorf(hookline.EAudioInvalid, "The upload is empty; send an MP3 file.")
	}
	return data, nil
}

// filePart returns the "file" part of a multipart body, or its first file.
func filePart(r *http.Request, boundary string) (io.ReadCloser, error) {
	if boundary == "" {
		return nil, hookline.Errorf(hookline.EInvalidBody, "The multipart body has no boundary.")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, hookline.Errorf(hookline.EInvalidBody, "The multipart body is malformed.")
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, hookline.Errorf(hookline.EInvalidBody, "The multipart body has no \"file\" field.")
		} else if err != nil {
			return nil, hookline.Errorf(hookline.EInvalidBody, "The multipart body is malformed.")
		}
		if p.FormName() == "file" || p.FileName() != "" {
			return p, nil
		}
		p.Close()
	}
}

func (s *Server) handleAudioGet(w http.ResponseWriter, r *http.Request) {
	if s.AudioLibrary == nil {
		s.Error(w, r, hookline.Errorf(hookline.ENotFound, "Audio is not enabled on this server."))
		return
	}
	a, err := s.AudioLibrary.FindAudio(r.Context(), accountFrom(r.Context()).ID, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// handleAudioFile streams the account's MP3, with range support so a
// browser can seek while playing it.
func (s *Server) handleAudioFile(w http.ResponseWriter, r *http.Request) {
	if s.AudioLibrary == nil {
		s.Error(w, r, hookline.Errorf(hookline.ENotFound, "Audio is not enabled on this server."))
		return
	}
	a, err := s.AudioLibrary.FindAudio(r.Context(), accountFrom(r.Context()).ID, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, max-age=3600")
	s.serveMP3(w, r, a)
}

// handleMedia serves an MP3 at its public, signed media URL
// (/media/<id>/<token>.mp3) to carriers that fetch audio themselves.
func (s *Server) handleMedia(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	token, ok := strings.CutSuffix(r.PathValue("file"), ".mp3")
	if s.AudioLibrary == nil || !ok || !s.AudioLibrary.CheckMediaToken(id, token) {
		s.Error(w, r, hookline.Errorf(hookline.ENotFound, "No media at this URL."))
		return
	}
	a, err := s.AudioLibrary.FindAudio(r.Context(), 0, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// The content of a media URL never changes.
	w.Header().Set("Cache-Control", "public, max-age=86400, immutable")
	s.serveMP3(w, r, a)
}

func (s *Server) serveMP3(w http.ResponseWriter, r *http.Request, a *hookline.Audio) {
	data, err := s.AudioLibrary.AudioData(r.Context(), a.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "audio/mpeg")
	w.Header().Set("ETag", `"`+a.SHA256+`"`)
	http.ServeContent(w, r, "", a.CreatedAt, bytes.NewReader(data))
}
