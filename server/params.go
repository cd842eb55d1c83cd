package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"hookline"
)

// webhookParams are the only parameter names a webhook accepts: a misspelt
// field must fail loudly, not send an unpersonalised message.
var webhookParams = []string{"phone", "first", "last", "email", "audio"}

// maxParamLen bounds one parameter value.
const maxParamLen = 2048

// ParseWebhookParams reads the webhook's parameters from the query and the
// body (form, multipart or a JSON object), merged. The same name with two
// different values is an error, as is any name not in webhookParams.
func ParseWebhookParams(r *http.Request, maxBody int64) (map[string]string, error) {
	out := map[string]string{}
	if err := mergeValues(out, r.URL.Query()); err != nil {
		return nil, err
	}
	if r.Method != http.MethodPost {
		return out, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return nil, hookline.Errorf(hookline.ERequestTooLarge, "The request body is larger than %d bytes.", maxBody)
	} else if err != nil {
		return nil, hookline.Errorf(hookline.EInvalidBody, "The request body could not be read.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return out, nil
	}
	values, err := parseBody(r.Header.Get("Content-Type"), body)
	if err != nil {
		return nil, err
	}
	if err := mergeValues(out, values); err != nil {
		return nil, err
	}
	return out, nil
}

func parseBody(contentType string, body []byte) (url.Values, error) {
	mt, params, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "application/x-www-form-urlencoded":
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, hookline.Errorf(hookline.EInvalidBody, "The form body is not valid URL encoding.")
		}
		return v, nil
	case "multipart/form-data":
		return parseMultipart(body, params["boundary"])
	case "application/json", "":
		return parseJSON(body)
	}
	return nil, hookline.Errorf(hookline.EUnsupportedMedia, "Send the parameters as a query string, a form, multipart form data or a JSON object, not %s.", mt)
}

func parseMultipart(body []byte, boundary string) (url.Values, error) {
	if boundary == "" {
		return nil, hookline.Errorf(hookline.EInvalidBody, "The multipart body has no boundary.")
	}
	req := &http.Request{Method: http.MethodPost, Header: http.Header{"Content-Type": {"multipart/form-data; boundary=" + boundary}}, Body: io.NopCloser(bytes.NewReader(body))}
	if err := req.ParseMultipartForm(int64(len(body)) + 1024); err != nil {
		return nil, hookline.Errorf(hookline.EInvalidBody, "The multipart body could not be parsed.")
	}
	if req.MultipartForm != nil && len(req.MultipartForm.File) > 0 {
		for name := range req.MultipartForm.File {
			return nil, hookline.Errorf(hookline.EInvalidParameter, "The parameter %q must be text, not a file.", name)
		}
	}
	return req.MultipartForm.Value, nil
}

func parseJSON(body []byte) (url.Values, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || dec.More() {
		return nil, hookline.Errorf(hookline.EInvalidBody, "The body must be one JSON object of string values.")
	}
	v := url.Values{}
	for k, val := range obj {
		switch x := val.(type) {
		case string:
			v.Set(k, x)
		case json.Number:
			v.Set(k, x.String())
		case nil:
		default:
			return nil, hookline.Errorf(hookline.EInvalidParameter, "The parameter %q must be a string.", k)
		}
	}
	return v, nil
}

// mergeValues adds v to out, checking names, encoding and conflicts.
func mergeValues(out map[string]string, v url.Values) error {
	for name, vals := range v {
		if !slices.Contains(webhookParams, name) {
			return hookline.Errorf(hookline.EUnknownParameter, "Unknown parameter %q; the accepted parameters are %s.", truncate(name), strings.Join(webhookParams, ", "))
		}
		for _, val := range vals {
			if !utf8.ValidString(val) {
				return hookline.Errorf(hookline.EInvalidParameter, "The parameter %q is not valid UTF-8.", name)
			}
			if len(val) > maxParamLen {
				return hookline.Errorf(hookline.EInvalidParameter, "The parameter %q is longer than %d bytes.", name, maxParamLen)
			}
			if prev, ok := out[name]; ok && prev != val {
				return hookline.Errorf(hookline.EConflictingParameter, "The parameter %q is given twice with different values.", name)
			}
			out[name] = val
		}
	}
	return nil
}

func truncate(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
