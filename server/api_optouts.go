package server

import (
	"encoding/csv"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"hookline"
)

// maxOptOutImport bounds one CSV import; bigger lists are sent in parts.
const maxOptOutImport = 100000

// optOutCreate is the JSON body of POST /api/v1/opt-outs: one phone or many.
type optOutCreate struct {
	Phone  string   `json:"phone"`
	Phones []string `json:"phones"`
}

// handleOptOutList answers JSON pages, or the whole list as CSV
// (phone,source,created_at) for ?format=csv or Accept: text/csv.
func (s *Server) handleOptOutList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := hookline.OptOutFilter{AccountID: accountFrom(r.Context()).ID, Cursor: q.Get("cursor")}
	if q.Get("format") == "csv" || strings.Contains(r.Header.Get("Accept"), "text/csv") {
		s.writeOptOutCSV(w, r, f)
		return
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			s.Error(w, r, hookline.Errorf(hookline.EInvalidParameter, "limit must be a number from 1 to 1000."))
			return
		}
		f.Limit = n
	}
	list, next, err := s.OptOuts.FindOptOuts(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"opt_outs": list, "next_cursor": next})
}

func (s *Server) writeOptOutCSV(w http.ResponseWriter, r *http.Request, f hookline.OptOutFilter) {
	f.Limit, f.Cursor = 10000, ""
	list, next, err := s.OptOuts.FindOptOuts(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="opt-outs.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"phone", "source", "created_at"})
	for {
		for _, o := range list {
			_ = cw.Write([]string{o.Phone, o.Source, o.CreatedAt.Format("2006-01-02T15:04:05.000000Z07:00")})
		}
		if next == "" {
			break
		}
		f.Cursor = next
		if list, next, err = s.OptOuts.FindOptOuts(r.Context(), f); err != nil {
			// The header is sent: cut the file short rather than lie.
			s.logger().Error("opt-out export", "err", err)
			return
		}
	}
	cw.Flush()
}

// handleOptOutCreate adds phones from a JSON body or a CSV import (text/csv:
// the first column of each row is a phone; a header row is skipped). Every
// phone is checked before any is added, so a bad file changes nothing.
func (s *Server) handleOptOutCreate(w http.ResponseWriter, r *http.Request) {
	raw, source, err := s.readOptOuts(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	phones := make([]string, 0, len(raw))
	for i, p := range raw {
		phone, err := hookline.ParsePhone(p, s.region())
		if err != nil {
			if source == hookline.OptOutImport {
				err = hookline.Errorf(hookline.EInvalidPhone, "Row %d: %s", i+1, hookline.ErrorMessage(err))
			}
			s.Error(w, r, err)
			return
		}
		phones = append(phones, phone)
	}
	if len(phones) == 0 {
		s.Error(w, r, hookline.Errorf(hookline.EMissingPhone, "Give a phone, phones, or a CSV file of phones."))
		return
	}
	added, err := s.OptOuts.AddOptOuts(r.Context(), accountFrom(r.Context()).ID, phones, source)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"added": added, "already_opted_out": len(phones) - added})
}

// readOptOuts returns the raw phones of the request and their source.
func (s *Server) readOptOuts(r *http.Request) ([]string, string, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "text/csv" {
		var in optOutCreate
		if err := s.decodeJSON(r, &in); err != nil {
			return nil, "", err
		}
		if in.Phone != "" {
			in.Phones = append(in.Phones, in.Phone)
		}
		return in.Phones, hookline.OptOutAPI, nil
	}
	cr := csv.NewReader(http.MaxBytesReader(nil, r.Body, 8<<20))
	cr.FieldsPerRecord = -1
	var phones []string
	for row := 0; ; row++ {
		rec, err := cr.Read()
		var maxErr *http.MaxBytesError
		switch {
		case errors.Is(err, io.EOF):
			return phones, hookline.OptOutImport, nil
		case errors.As(err, &maxErr):
			return nil, "", hookline.Errorf(hookline.ERequestTooLarge, "A CSV import is at most 8 MB; send the list in parts.")
		case err != nil:
			return nil, "", hookline.Errorf(hookline.EInvalidBody, "The CSV is malformed at row %d.", row+1)
		}
		p := strings.TrimSpace(rec[0])
		if row == 0 && strings.EqualFold(p, "phone") || p == "" {
			continue
		}
		if len(phones) == maxOptOutImport {
			return nil, "", hookline.Errorf(hookline.ERequestTooLarge, "A CSV import holds at most %d phones; send the list in parts.", maxOptOutImport)
		}
		phones = append(phones, p)
	}
}

func (s *Server) handleOptOutDelete(w http.ResponseWriter, r *http.Request) {
	phone, err := hookline.ParsePhone(r.PathValue("phone"), s.region())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	removed, err := s.OptOuts.RemoveOptOut(r.Context(), accountFrom(r.Context()).ID, phone)
	if err != nil {
		s.Error(w, r, err)
		return
	} else if !removed {
		s.Error(w, r, hookline.Errorf(hookline.ENotFound, "%s is not on the opt-out list.", phone))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
