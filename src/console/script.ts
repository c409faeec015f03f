// The console's only script, served as /admin/console.js (the CSP allows no inline script). It only
// enhances: an edition in flight, or an import, refreshes its numbers in place by polling its JSON endpoint;
// without it the page has a refresh link.
export const CONSOLE_SCRIPT = `"use strict";
(function () {
  var live = document.querySelector("[data-progress-url]");
  if (!live) return;
  var url = live.getAttribute("data-progress-url");
  function tick() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) return;
        live.querySelectorAll("[data-field]").forEach(function (el) {
          var v = p[el.getAttribute("data-field")];
          if (v !== undefined && v !== null) el.textContent = typeof v === "number" ? v.toLocaleString("en") : String(v);
        });
        if (p.status === "done" || p.status === "stopped") {
          // Done: load the page once more for the final figures, the rate and any failures.
          location.reload();
          return;
        }
        setTimeout(tick, 2000);
      })
      .catch(function () { setTimeout(tick, 5000); });
  }
  setTimeout(tick, 2000);
})();
`;
