package audio

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// parseNumericHost reports whether host (as returned by url.URL.Hostname)
// is an IP address in any notation that URL parsers or inet_aton accept:
// IPv6 literals, and IPv4 written with 1 to 4 parts in decimal, octal
// (leading 0) or hexadecimal (0x), such as 127.1, 2130706433, 0x7f.0.0.1
// or 0177.0.0.1. As in the WHATWG URL standard, a host whose last label is
// numeric is an IPv4 address and must parse as one.
func parseNumericHost(host string) (netip.Addr, bool, error) {
	if strings.Contains(host, ":") {
		ip, err := netip.ParseAddr(host)
		if err != nil {
			return netip.Addr{}, true, fmt.Errorf("bad IPv6 address %q", host)
		}
		return ip, true, nil
	}
	parts := strings.Split(strings.TrimSuffix(host, "."), ".")
	if !isNumericLabel(parts[len(parts)-1]) {
		return netip.Addr{}, false, nil
	}
	if len(parts) > 4 {
		return netip.Addr{}, true, fmt.Errorf("bad IPv4 address %q", host)
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		v, err := parseInetPart(p)
		if err != nil {
			return netip.Addr{}, true, fmt.Errorf("bad IPv4 address %q", host)
		}
		vals[i] = v
	}
	// The last part fills the remaining bytes (inet_aton).
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return netip.Addr{}, true, fmt.Errorf("bad IPv4 address %q", host)
	}
	n := last
	for i, v := range vals[:len(vals)-1] {
		if v > 255 {
			return netip.Addr{}, true, fmt.Errorf("bad IPv4 address %q", host)
		}
		n |= v << (8 * (3 - i))
	}
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true, nil
}

func isNumericLabel(s string) bool {
	if s == "" {
		return false
	}
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		for _, c := range s[2:] {
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return false
			}
		}
		return true
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func parseInetPart(p string) (uint64, error) {
	switch {
	case p == "":
		return 0, fmt.Errorf("empty part")
	case strings.HasPrefix(p, "0x") || strings.HasPrefix(p, "0X"):
		if len(p) == 2 {
			return 0, nil
		}
		return strconv.ParseUint(p[2:], 16, 32)
	case len(p) > 1 && p[0] == '0':
		return strconv.ParseUint(p[1:], 8, 32)
	}
	return strconv.ParseUint(p, 10, 32)
}
