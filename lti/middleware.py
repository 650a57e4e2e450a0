"""
Framing and cookies for pages seen inside an LMS's iframe.

Everywhere else the site cannot be framed (X-Frame-Options DENY, CSP
frame-ancestors 'none') and its cookies are SameSite=Lax. A session that came
through an LTI launch carries the platform's origins (FRAME_ORIGINS, set by the
launch view); its pages may be framed by those origins only, and its session
and CSRF cookies are SameSite=None; Secure, which a browser needs to send them
from inside another site's frame.

Browsers that block third-party cookies (Chromium does by default) still keep
a cookie marked Partitioned (CHIPS) inside a frame, in a jar of its own for the
framing site. So every SameSite=None; Secure cookie leaves marked Partitioned:
the LTI session's and pylti1p3's state cookies; no other cookie of the site is
SameSite=None.

The check reads the session only when the request has a session cookie, or
when the view already loaded the session: an anonymous request costs nothing,
and no request costs a database query it would not have made for login.
"""

from http.cookies import Morsel

from django.conf import settings

FRAME_ORIGINS = "lti_frame_origins"


class LtiFramingMiddleware:
    """Between the CSP middleware (outside) and the session middleware (inside)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origins = _frame_origins(request)
        if not origins:
            _partition(response)
            return response
        if "X-Frame-Options" in response:
            del response["X-Frame-Options"]
        if getattr(response, "_csp_config", None) is None:
            response._csp_config = {**settings.SECURE_CSP}
        response._csp_config = {**response._csp_config, "frame-ancestors": origins}
        for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
            if name in response.cookies and response.cookies[name].value:
                response.cookies[name]["samesite"] = "None"
                response.cookies[name]["secure"] = True
        _partition(response)
        return response


class PartitionedMorsel(Morsel):
    """A cookie with the Partitioned attribute, which Python's http.cookies
    only knows from 3.14 on."""

    def OutputString(self, attrs=None) -> str:
        return super().OutputString(attrs) + "; Partitioned"


def _partition(response) -> None:
    for name, morsel in list(response.cookies.items()):
        if isinstance(morsel, PartitionedMorsel):
            continue
        if morsel["samesite"] == "None" and morsel["secure"] and morsel.value:
            partitioned = PartitionedMorsel()
            partitioned.update(morsel)
            partitioned.set(morsel.key, morsel.value, morsel.coded_value)
            # dict's own item assignment: SimpleCookie's would make a new Morsel.
            dict.__setitem__(response.cookies, name, partitioned)


def _frame_origins(request) -> list[str]:
    session = getattr(request, "session", None)
    if session is None:
        return []
    if not (session.accessed or settings.SESSION_COOKIE_NAME in request.COOKIES):
        return []
    return session.get(FRAME_ORIGINS) or []
