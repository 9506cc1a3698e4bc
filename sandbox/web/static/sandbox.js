// The sandbox page's few behaviours: follow webLinks, keep the lists fresh, move the clock.
"use strict";

(function () {
  // Messages and events carry webLinks "<sandbox>/#/mail/<user>/<message>" and
  // "<sandbox>/#/calendar/<user>/<event>"; open the item they name.
  var link = /^#\/(mail|calendar)\/([^/]+)\/([^/]+)$/.exec(window.location.hash);
  if (link) {
    window.location.replace(
      "/web/users/" + encodeURIComponent(decodeURIComponent(link[2])) +
      "/" + link[1] + "/" + encodeURIComponent(decodeURIComponent(link[3])));
    return;
  }

  var REFRESH_MS = 3000;
  var live = document.body.getAttribute("data-live");
  var version = null;

  function refresh() {
    if (!live || document.hidden) {
      return;
    }
    var url = live + (live.indexOf("?") < 0 ? "?" : "&") + "since=" + encodeURIComponent(version || "");
    fetch(url, { headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (update) {
        if (!update) {
          return;
        }
        version = update.version;
        // Regions are server-rendered HTML fragments (Jinja autoescaped), swapped whole.
        Object.keys(update.regions || {}).forEach(function (id) {
          var region = document.getElementById(id);
          if (region && region.innerHTML !== update.regions[id]) {
            region.innerHTML = update.regions[id];
          }
        });
      })
      .catch(function () { /* the sandbox may be restarting; try again next tick */ });
  }

  if (live) {
    version = document.body.getAttribute("data-version");
    window.setInterval(refresh, REFRESH_MS);
    document.addEventListener("visibilitychange", refresh);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-advance]");
    if (!button) {
      return;
    }
    button.disabled = true;
    fetch("/_sandbox/clock", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ advance_seconds: Number(button.getAttribute("data-advance")) })
    }).then(function () { window.location.reload(); },
            function () { button.disabled = false; });
  });
})();
