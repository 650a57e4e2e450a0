// When a page opens at #id and that element is a focus target (tabindex="-1"),
// move keyboard focus there, so that a screen reader reads it and Tab goes on
// from it: the quiz's feedback after "Check answer" is the first user. Without
// JavaScript the browser still scrolls there and starts Tab navigation from it.
(function () {
  "use strict";
  const id = decodeURIComponent(window.location.hash.slice(1));
  if (!id) return;
  const target = document.getElementById(id);
  if (target && target.getAttribute("tabindex") === "-1") target.focus();
})();
