// The LTI login page inside an LMS's frame: when this browser keeps cookies
// here, continue at once; when it blocks them, offer only the new window.
(function () {
  "use strict";
  var box = document.getElementById("lti-cookie-check");
  if (!box) return;
  var next = box.getAttribute("data-next");
  var secure = window.location.protocol === "https:";
  document.cookie = "lti1p3_test_cookie=1; path=/" + (secure ? "; SameSite=None; Secure" : "");
  var kept = document.cookie.indexOf("lti1p3_test_cookie") !== -1;
  if (kept) {
    document.cookie = "lti1p3_test_cookie=1; path=/; expires=Thu, 01 Jan 1970 00:00:01 GMT";
    window.location.replace(next);
  } else {
    document.getElementById("lti-cookies-continue").hidden = true;
  }
})();
