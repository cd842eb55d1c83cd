package hookline

import (
	"strings"
)

// MergeFields are the values a webhook supplies to a message template.
type MergeFields struct {
	Phone string
	First string
	Last  string
	Email string
}

func (f MergeFields) get(name string) string {
	switch name {
	case "first":
		return f.First
	case "last":
		return f.Last
	case "email":
		return f.Email
	case "phone":
		return f.Phone
	}
	return ""
}

// MergeFieldNames lists the merge fields a template may use.
var MergeFieldNames = []string{"first", "last", "email", "phone"}

// Template is a parsed message body: literal text with merge fields such as
// {first} or {first|there}, where the text after the bar is a fallback used
// when the field is empty.
type Template struct {
	parts []part
}

type part struct {
	literal  string
	field    string
	fallback string
}

// ParseTemplate parses body and refuses unknown merge fields, so a typo is
// caught when the trigger is saved rather than when a message goes out.
// A brace that does not open a merge field is kept as text.
func ParseTemplate(body string) (*Template, error) {
	t := &Template{}
	rest := body
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			t.addLiteral(rest)
			return t, nil
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			t.addLiteral(rest)
			return t, nil
		}
		inner := rest[i+1 : i+j]
		name, fallback, _ := strings.Cut(inner, "|")
		name = strings.TrimSpace(name)
		if !isMergeField(name) {
			if looksLikeField(name) {
				return nil, Errorf(EInvalidTemplate, "Unknown merge field {%s}; use {first}, {last}, {email} or {phone}, with an optional fallback like {first|there}.", name)
			}
			t.addLiteral(rest[:i+j+1])
			rest = rest[i+j+1:]
			continue
		}
		t.addLiteral(rest[:i])
		t.parts = append(t.parts, part{field: name, fallback: fallback})
		rest = rest[i+j+1:]
	}
}

func (t *Template) addLiteral(s string) {
	if s != "" {
		t.parts = append(t.parts, part{literal: s})
	}
}

func isMergeField(name string) bool {
	for _, n := range MergeFieldNames {
		if n == name {
			return true
		}
	}
	return false
}

// looksLikeField reports whether s is shaped like a merge field name (a word
// of letters, digits and underscores), as opposed to other braced text.
func looksLikeField(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// Render fills the template with f.
func (t *Template) Render(f MergeFields) string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.field == "" {
			b.WriteString(p.literal)
		} else if v := f.get(p.field); v != "" {
			b.WriteString(v)
		} else {
			b.WriteString(p.fallback)
		}
	}
	return b.String()
}
