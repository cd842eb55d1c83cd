package web

import (
	"encoding/csv"
	"net/http"
	"strings"

	"hookline"
)

// contactView is a contact with its opt-out state, when known.
type contactView struct {
	*hookline.Contact
	OptedOut bool
}

func (h *Handler) contactList(w http.ResponseWriter, r *http.Request) {
	accountID := sessionFrom(r.Context()).AccountID
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	cs, next, err := h.Contacts.FindContacts(r.Context(), hookline.ContactFilter{AccountID: accountID, Query: q, Cursor: r.URL.Query().Get("cursor"), Limit: 50})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	views := make([]contactView, len(cs))
	for i, c := range cs {
		views[i].Contact = c
		if h.OptOuts != nil {
			if views[i].OptedOut, err = h.OptOuts.IsOptedOut(r.Context(), accountID, c.Phone); err != nil {
				h.serverError(w, r, err)
				return
			}
		}
	}
	h.render(w, r, "contacts", map[string]any{"Title": "Contacts", "Nav": "contacts", "Contacts": views, "Query": q, "Next": next,
		"OptOutsEnabled": h.OptOuts != nil})
}

// contactExport writes every contact matching the search as CSV, page by
// page, so a large account is never held in memory at once.
func (h *Handler) contactExport(w http.ResponseWriter, r *http.Request) {
	accountID := sessionFrom(r.Context()).AccountID
	f := hookline.ContactFilter{AccountID: accountID, Query: strings.TrimSpace(r.URL.Query().Get("q")), Limit: 500}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="contacts.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"phone", "first", "last", "email", "opted_out", "created_at"})
	for {
		cs, next, err := h.Contacts.FindContacts(r.Context(), f)
		if err != nil {
			h.logger().Error("contact export", "err", err)
			return
		}
		for _, c := range cs {
			opted := ""
			if h.OptOuts != nil {
				if o, err := h.OptOuts.IsOptedOut(r.Context(), accountID, c.Phone); err == nil && o {
					opted = "yes"
				}
			}
			_ = cw.Write([]string{c.Phone, csvSafe(c.First), csvSafe(c.Last), csvSafe(c.Email), opted, c.CreatedAt.Format("2006-01-02T15:04:05Z")})
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	cw.Flush()
}

// csvSafe defuses cells a spreadsheet would run as a formula: names come
// from webhook callers, who are not trusted.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// optOutSource marks opt-outs added by hand in the dashboard.
const optOutSource = "dashboard"

func (h *Handler) optOutSave(w http.ResponseWriter, r *http.Request) {
	h.optOutChange(w, r, true)
}

func (h *Handler) optOutRemove(w http.ResponseWriter, r *http.Request) {
	h.optOutChange(w, r, false)
}

func (h *Handler) optOutChange(w http.ResponseWriter, r *http.Request, out bool) {
	back := safeNext(r.FormValue("back"))
	if h.OptOuts == nil {
		h.redirectFlash(w, r, back, flash{Kind: "error", Text: "Opt-outs are not available on this server."})
		return
	}
	phone, err := hookline.ParsePhone(r.FormValue("phone"), h.region())
	if err == nil {
		accountID := sessionFrom(r.Context()).AccountID
		if out {
			_, err = h.OptOuts.AddOptOuts(r.Context(), accountID, []string{phone}, optOutSource)
		} else {
			_, err = h.OptOuts.RemoveOptOut(r.Context(), accountID, phone)
		}
	}
	if err != nil {
		if hookline.ErrorCode(err) == hookline.EInternal {
			h.logger().Error("opt-out", "err", err)
		}
		h.redirectFlash(w, r, back, flash{Kind: "error", Text: hookline.ErrorMessage(err)})
		return
	}
	text := phone + " is opted out: nothing will be sent to it."
	if !out {
		text = phone + " may be messaged again."
	}
	h.redirectFlash(w, r, back, flash{Kind: "ok", Text: text})
}
