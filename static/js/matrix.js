// The matrix's explanation panel sits beside the table on a wide screen and
// below it on a phone. When a tapped cell's explanation arrives (htmx swap),
// bring the panel into view only if it is out of sight: no jump on a desktop.
(function () {
  "use strict";
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const panel = event.detail.target;
    if (!panel || panel.id !== "duty-panel") return;
    panel.scrollIntoView({ block: "nearest" });
  });
})();
