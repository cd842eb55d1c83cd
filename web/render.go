package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"hookline"
)

// page is one parsed page: the layout plus the page's own template.
type page struct{ t *template.Template }

var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"seconds": func(ms int64) string {
		return fmt.Sprintf("%.1f s", float64(ms)/1000)
	},
	"final": func(s hookline.MessageStatus) bool { return s.Final() },
	"short": func(id string) string {
		if len(id) > 8 {
			return id[:8]
		}
		return id
	},
	"statuses": func() []hookline.MessageStatus {
		return []hookline.MessageStatus{hookline.StatusQueued, hookline.StatusScheduled, hookline.StatusSending, hookline.StatusSent,
			hookline.StatusDelivered, hookline.StatusUndelivered, hookline.StatusFailed, hookline.StatusCanceled}
	},
}

// parsePages parses each page with the shared layout.
func parsePages() (map[string]*page, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*page{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", n, err)
		}
		pages[name] = &page{t: t}
	}
	return pages, nil
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, name string, data map[string]any) {
	h.renderStatus(w, r, http.StatusOK, name, data)
}

// renderStatus renders a page into a buffer first, so a template error
// becomes a clean 500 instead of half a page.
func (h *Handler) renderStatus(w http.ResponseWriter, r *http.Request, status int, name string, data map[string]any) {
	p, ok := h.pages[name]
	if !ok {
		http.Error(w, "unknown page "+name, http.StatusInternalServerError)
		return
	}
	if data == nil {
		data = map[string]any{}
	}
	if s := sessionFrom(r.Context()); s != nil {
		data["Session"] = s
		data["CSRF"] = s.CSRF
	}
	if _, ok := data["Flash"]; !ok {
		if f := h.takeFlash(w, r); f != nil {
			data["Flash"] = f
		}
	}
	data["Path"] = r.URL.Path
	var buf bytes.Buffer
	if err := p.t.ExecuteTemplate(&buf, "layout", data); err != nil {
		h.logger().Error("render", "page", name, "err", err)
		http.Error(w, "The page could not be shown.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
