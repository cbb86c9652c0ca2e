// Development only (invoke serve): reload the page when the preview server finished a rebuild.
// The server holds each request until the version differs from `since` (or a few seconds
// passed), so the page reloads as soon as a rebuild is done.
(function () {
  "use strict";
  var url = "/__casebook__/version";
  var seen = null;
  function poll() {
    var address = seen === null ? url : url + "?since=" + encodeURIComponent(seen);
    fetch(address, { cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (version) {
        if (version !== null && seen !== null && version !== seen) {
          window.location.reload();
          return;
        }
        if (version !== null) { seen = version; }
        window.setTimeout(poll, version === null ? 1000 : 0);
      })
      .catch(function () { window.setTimeout(poll, 1000); });
  }
  poll();
})();
