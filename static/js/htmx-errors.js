// A panel that htmx could not fill (a 400, 403 or 500 answer, which the site's
// htmx-config does not swap, or a lost connection) must not keep showing the
// answer to an earlier request under new inputs: say so in its place instead.
// The panel opts in with data-fail-message; its [data-stale] part (or all of it)
// is replaced.
(function () {
  "use strict";
  function fail(event, why) {
    const target = event.detail.target;
    if (!target || !target.dataset.failMessage) return;
    const alert = document.createElement("div");
    alert.className = "alert alert-danger mt-2 mb-0";
    alert.setAttribute("role", "alert");
    alert.textContent = target.dataset.failMessage + " (" + why + ").";
    const stale = target.querySelector("[data-stale]");
    (stale || target).replaceChildren(alert);
  }
  document.body.addEventListener("htmx:responseError", (event) => {
    fail(event, "the server answered " + event.detail.xhr.status);
  });
  document.body.addEventListener("htmx:sendError", (event) => {
    fail(event, "the server could not be reached");
  });
})();
