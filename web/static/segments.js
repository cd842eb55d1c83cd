// segments.js counts the characters, encoding and SMS segments of a text.
// It is a port of Segments in segments.go; a Go test runs both on the same
// strings and checks that they agree.
(function (root) {
  "use strict";
  var GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var GSM_EXT = "\f^{}\\[~]|€";
  var septets = new Map();
  for (var c of GSM_BASIC) septets.set(c, 1);
  for (var e of GSM_EXT) septets.set(e, 2);

  // countSegments packs indivisible units into segments.
  function countSegments(units, single, multi) {
    var total = units.reduce(function (a, b) { return a + b; }, 0);
    if (total <= single) return 1;
    var segments = 1, used = 0;
    for (var u of units) {
      if (used + u > multi) { segments++; used = 0; }
      used += u;
    }
    return segments;
  }

  // segments returns {chars, encoding, segments} like segments.go: chars
  // counts code points (what a person sees as characters).
  function segments(text) {
    var chars = Array.from(text);
    if (chars.length === 0) return { chars: 0, encoding: "GSM-7", segments: 1 };
    var units = [], gsm = true;
    for (var ch of chars) {
      var n = septets.get(ch);
      if (!n) { gsm = false; break; }
      units.push(n);
    }
    if (gsm) return { chars: chars.length, encoding: "GSM-7", segments: countSegments(units, 160, 153) };
    units = chars.map(function (ch) { return ch.codePointAt(0) > 0xffff ? 2 : 1; });
    return { chars: chars.length, encoding: "UCS-2", segments: countSegments(units, 70, 67) };
  }

  root.hooklineSegments = segments;
  if (typeof module !== "undefined" && module.exports) module.exports = segments;
})(typeof window !== "undefined" ? window : globalThis);
