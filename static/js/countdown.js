// The live countdown of a timed quiz attempt (templates/quizzes/includes/time_left.html).
// The server judges the deadline: this only shows the time left, warns at one
// minute, and when time is up opens the attempt, which the server then submits.
// It counts from the seconds the server said were left, so a wrong clock on the
// trainee's computer does not matter.
(function () {
  "use strict";
  const box = document.getElementById("time-left");
  if (!box) {
    return;
  }
  const clock = box.querySelector("[data-clock]");
  const status = box.querySelector("[data-status]");
  const warning = box.querySelector("[data-warning]");
  const endsAt = Date.now() + Number(box.dataset.secondsLeft) * 1000;
  const said = {};
  let timer = null;

  function inWords(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    const parts = [];
    if (minutes) {
      parts.push(minutes + (minutes === 1 ? " minute" : " minutes"));
    }
    if (rest || !minutes) {
      parts.push(rest + (rest === 1 ? " second" : " seconds"));
    }
    return parts.join(" ");
  }

  // Said once each, politely: screen readers are not told every second.
  function announce(key, text) {
    if (!said[key]) {
      said[key] = true;
      status.textContent = text;
    }
  }

  function tick() {
    const left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
    clock.textContent = "Time left: " + inWords(left);
    if (left <= 300 && left > 60) {
      announce("five", "Less than five minutes left.");
    }
    if (left <= 60 && !said.minute) {
      said.minute = true;
      box.classList.add("border-warning", "border-2", "bg-warning-subtle");
      warning.textContent =
        "One minute left. When time is up, your answers so far are submitted.";
    }
    if (left === 0) {
      window.clearInterval(timer);
      warning.textContent = "Time is up. Submitting your attempt…";
      // A second's grace, so the server's clock has passed the deadline too.
      window.setTimeout(function () {
        window.location.assign(box.dataset.timeUpUrl);
      }, 1000);
    }
  }

  tick();
  timer = window.setInterval(tick, 1000);
})();
