// The projector's timer: the time spent on the current item. The server renders
// the elapsed seconds (so without JavaScript the page shows them as of its last
// load); this counts on from there every second, by this computer's clock only,
// so a clock set wrong here or on the server changes nothing. htmx replaces the
// element every few seconds with a fresh value from the server.
(function () {
  "use strict";

  const started = new WeakMap();

  function format(seconds) {
    const minutes = Math.floor(seconds / 60);
    return minutes + ":" + String(seconds % 60).padStart(2, "0");
  }

  function tick() {
    for (const element of document.querySelectorAll("time[data-elapsed]")) {
      if (!started.has(element)) {
        const elapsed = Number.parseInt(element.dataset.elapsed, 10) || 0;
        started.set(element, Date.now() - elapsed * 1000);
      }
      const seconds = Math.floor((Date.now() - started.get(element)) / 1000);
      element.textContent = format(Math.max(0, seconds));
      element.setAttribute("datetime", "PT" + Math.max(0, seconds) + "S");
    }
  }

  setInterval(tick, 1000);
  tick();
})();
