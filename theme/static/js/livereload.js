// Development only (invoke serve): reload the page when the preview server finished a rebuild.
// The server holds each request until the version differs from `since` (or a few seconds
// passed), so the page reloads as soon as a rebuild is done.
(function () {
  "use strict";
  var url = "/__casebook__/version";
  // The version this page was served at (the server's cookie on each page): a rebuild that
  // ended while the page loaded differs from it, and reloads the page at once. A page reloaded
  // for a version that it is served at again (a server without the cookie's update) starts
  // from the server's version instead: never a reload loop.
  var key = "casebook-reloaded-from";
  var served = /(?:^|;\s*)casebook_version=(\d+)/.exec(document.cookie);
  var seen = null;
  try {
    if (served && window.sessionStorage.getItem(key) !== served[1]) { seen = served[1]; }
    window.sessionStorage.removeItem(key);
  } catch (error) { seen = null; }
  function poll() {
    var address = seen === null ? url : url + "?since=" + encodeURIComponent(seen);
    fetch(address, { cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (version) {
        if (version !== null && seen !== null && version !== seen) {
          try { window.sessionStorage.setItem(key, seen); } catch (error) { /* reload all the same */ }
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
