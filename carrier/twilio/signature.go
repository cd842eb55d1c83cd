package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// SignatureHeader carries Twilio's signature of a request.
const SignatureHeader = "X-Twilio-Signature"

// Signature returns the X-Twilio-Signature Twilio sends with a request to
// fullURL carrying the POST parameters params: the base64 HMAC-SHA1, keyed by
// the auth token, of the URL followed by each parameter's name and value in
// name order. Values are used as decoded, never re-encoded.
func Signature(authToken, fullURL string, params url.Values) string {
	var b strings.Builder
	b.WriteString(fullURL)
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		vals := append([]string(nil), params[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// ValidSignature reports whether sig is Twilio's signature of a request to
// fullURL with POST parameters params, comparing in constant time.
func ValidSignature(authToken, fullURL string, params url.Values, sig string) bool {
	if sig == "" {
		return false
	}
	want := Signature(authToken, fullURL, params)
	return hmac.Equal([]byte(want), []byte(sig))
}

// requestURL is the URL Twilio requested, rebuilt from PublicURL and the
// request-target as it reached us. RequestURI is used rather than URL
// because http.StripPrefix rewrites URL but not RequestURI.
func (c *Client) requestURL(r *http.Request) string {
	target := r.RequestURI
	if target == "" || !strings.HasPrefix(target, "/") {
		target = r.URL.RequestURI()
	}
	pub, err := url.Parse(c.cfg.PublicURL)
	if err != nil {
		return ""
	}
	return pub.Scheme + "://" + pub.Host + strings.TrimRight(pub.Path, "/") + target
}
