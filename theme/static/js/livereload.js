// Development only (invoke serve): reload the page when the preview server finished a rebuild.
(function () {
  "use strict";
  var url = "/__casebook__/version";
  var seen = null;
  function poll() {
    fetch(url, { cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (version) {
        if (version === null) { return; }
        if (seen !== null && version !== seen) { window.location.reload(); }
        seen = version;
      })
      .catch(function () {})
      .finally(function () { window.setTimeout(poll, 250); });
  }
  poll();
})();
