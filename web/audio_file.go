package web

import (
	"bytes"
	"net/http"
)

// audioFile serves one of the account's MP3s to the audio players.
func (h *Handler) audioFile(w http.ResponseWriter, r *http.Request) {
	if h.Audio == nil {
		http.NotFound(w, r)
		return
	}
	a, err := h.Audio.FindAudio(r.Context(), sessionFrom(r.Context()).AccountID, r.PathValue("id"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	data, err := h.Audio.AudioData(r.Context(), a.ID)
	if err != nil {
		h.logger().Error("audio data", "id", a.ID, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "audio/mpeg")
	w.Header().Set("Cache-Control", "private, max-age=86400")
	// ServeContent answers range requests, which players use to seek.
	http.ServeContent(w, r, a.ID+".mp3", a.CreatedAt, bytes.NewReader(data))
}
