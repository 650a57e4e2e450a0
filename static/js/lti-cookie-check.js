// The LTI login page inside an LMS's frame: when this browser keeps cookies
// here, continue at once; when it blocks them, offer only the new window.
(function () {
  "use strict";
  var box = document.getElementById("lti-cookie-check");
  if (!box) return;
  var next = box.getAttribute("data-next");
  var name = "lti1p3_test_cookie";
  // A frame's cookies must be SameSite=None; Secure and, where the browser
  // blocks third-party cookies, Partitioned, as the tool's are (accepted on
  // https and on localhost); a plain one is tried too, for a page not in a frame.
  document.cookie = name + "=1; path=/; SameSite=None; Secure; Partitioned";
  if (document.cookie.indexOf(name) === -1) document.cookie = name + "=1; path=/";
  if (document.cookie.indexOf(name) !== -1) {
    document.cookie =
      name + "=1; path=/; SameSite=None; Secure; Partitioned; max-age=0";
    document.cookie = name + "=1; path=/; max-age=0";
    window.location.replace(next);
  } else {
    document.getElementById("lti-cookies-continue").hidden = true;
  }
})();
