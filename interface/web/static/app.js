// The dashboard's only script: the caseload refreshes itself in place.
// Every 30 s (data-refresh) it fetches the page it is on and swaps the live part,
// unless the tab is hidden or the reader is in the filters or the list (keeping focus). Without it, the
// "Refresh now" link does the same.
(function () {
  "use strict";
  var live = document.getElementById("caseload-live");
  if (!live || !window.fetch || !window.DOMParser) { return; }
  var seconds = parseInt(live.getAttribute("data-refresh"), 10) || 30;

  function busy() {
    var active = document.activeElement;
    var focused = active && active !== document.body;
    return document.hidden || (focused && (live.contains(active) || active.closest("form")));
  }

  function refresh() {
    if (busy()) { return; }
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (answer) {
        if (answer.redirected || !answer.ok) { window.location.reload(); return null; }
        return answer.text();
      })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("caseload-live");
        if (fresh && !busy()) { live.replaceWith(fresh); live = fresh; }
      })
      .catch(function () { /* offline for a moment: try again next time */ });
  }

  window.setInterval(refresh, seconds * 1000);
})();
