// app.js adds what plain forms cannot do: the live SMS counter, copy
// buttons, confirmations, and live updates of the message log, a message
// and the simulated phone. Every page works without it.
(function () {
  "use strict";

  function counter() {
    var body = document.querySelector("[data-segments]");
    if (!body || !window.hooklineSegments) return;
    var chars = document.querySelector("[data-count-chars]");
    var enc = document.querySelector("[data-count-encoding]");
    var segs = document.querySelector("[data-count-segments]");
    function update() {
      var r = window.hooklineSegments(body.value.replace(/\r\n/g, "\n"));
      chars.textContent = r.chars;
      enc.textContent = r.encoding;
      segs.textContent = r.segments;
      body.closest(".field").classList.toggle("ucs2", r.encoding === "UCS-2");
    }
    body.addEventListener("input", update);
    update();
  }

  function copyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var el = document.querySelector(btn.dataset.copy);
        var text = "value" in el && el.tagName !== "PRE" ? el.value : el.textContent;
        var done = function () {
          var label = btn.textContent;
          btn.textContent = "Copied";
          btn.classList.add("copied");
          setTimeout(function () { btn.textContent = label; btn.classList.remove("copied"); }, 1500);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(el, text); done(); });
        } else {
          fallbackCopy(el, text);
          done();
        }
      });
    });
  }

  // fallbackCopy copies over plain http, where the clipboard API is off.
  function fallbackCopy(el, text) {
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.className = "sr-only";
    document.body.appendChild(ta);
    ta.select();
    try { document.execCommand("copy"); } catch (e) { /* the text stays selectable */ }
    ta.remove();
    if (el.select) el.select();
  }

  function confirms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (ev) {
        if (!window.confirm(f.dataset.confirm)) ev.preventDefault();
      });
    });
  }

  function badge(status) {
    var s = document.createElement("span");
    s.className = "badge badge-" + status;
    s.textContent = status;
    return s;
  }

  // liveLog polls the log's JSON and updates statuses; new messages
  // reload the table body from the server-rendered page.
  function liveLog() {
    var table = document.querySelector("[data-live-log]");
    if (!table) return;
    var params = new URLSearchParams(location.search);
    if (params.get("cursor")) return;
    async function tick() {
      try {
        var res = await fetch("/messages.json?" + params.toString(), { headers: { Accept: "application/json" } });
        if (!res.ok) return;
        var data = await res.json();
        var rows = table.tBodies[0];
        var known = new Set(Array.from(rows.querySelectorAll("tr[data-id]")).map(function (tr) { return tr.dataset.id; }));
        if (data.messages.some(function (m) { return !known.has(m.id); })) {
          var page = await (await fetch(location.href)).text();
          var fresh = new DOMParser().parseFromString(page, "text/html").querySelector("[data-live-log] tbody");
          if (fresh) rows.replaceWith(fresh);
          return;
        }
        data.messages.forEach(function (m) {
          var cell = rows.querySelector('tr[data-id="' + m.id + '"] [data-status]');
          if (!cell || cell.firstElementChild.textContent === m.status) return;
          cell.replaceChildren(badge(m.status));
          if (m.error_code) {
            var c = document.createElement("code");
            c.textContent = m.error_code;
            cell.append(" ", c);
          }
        });
      } catch (e) { /* try again on the next tick */ }
    }
    setInterval(tick, 1000);
  }

  // liveMessage reloads a message page until its status is final.
  function liveMessage() {
    var el = document.querySelector("[data-message-status]");
    if (!el || el.dataset.final === "true") return;
    var id = location.pathname.split("/").pop();
    var current = el.textContent.trim();
    var timer = setInterval(async function () {
      try {
        var res = await fetch("/messages.json?id=" + encodeURIComponent(id), { headers: { Accept: "application/json" } });
        var data = await res.json();
        var m = data.messages.find(function (x) { return x.id === id; });
        if (m && m.status !== current) { clearInterval(timer); location.reload(); }
      } catch (e) { /* next tick */ }
    }, 1000);
  }

  // livePhone refreshes the conversation when the phone receives something
  // or its opt-out state changes, keeping what is typed in the reply box.
  function livePhone() {
    var dev = document.querySelector("[data-phone]");
    if (!dev) return;
    setInterval(async function () {
      try {
        var res = await fetch("/phone.json?phone=" + encodeURIComponent(dev.dataset.phone));
        var data = await res.json();
        if (data.key === dev.dataset.key) return;
        var page = await (await fetch(location.href)).text();
        var doc = new DOMParser().parseFromString(page, "text/html");
        var fresh = doc.querySelector("[data-phone]");
        if (!fresh) return;
        ["[data-conversation]", "[data-optout]"].forEach(function (sel) {
          var a = dev.querySelector(sel), b = fresh.querySelector(sel);
          if (a && b) a.replaceWith(b);
        });
        dev.dataset.key = data.key;
      } catch (e) { /* next tick */ }
    }, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    counter();
    copyButtons();
    confirms();
    liveLog();
    liveMessage();
    livePhone();
  });
})();
