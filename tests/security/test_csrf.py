"""Every POST needs a CSRF token: no view is exempt but the two an LMS posts to
from its own site, and a tokenless POST is refused."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


# LTI's login initiation and launch come from the LMS's pages, cross-site and
# without our token; the signed id_token, state cookie and nonce protect them.
LTI_EXEMPT = ["lti/login/", "lti/launch/"]


def test_no_view_is_csrf_exempt_but_the_lti_endpoints():
    exempt = [
        route for route, view in _patterns() if getattr(view, "csrf_exempt", False)
    ]
    assert exempt == LTI_EXEMPT


@pytest.mark.parametrize(
    ("name", "args", "data"),
    [
        ("accounts:login", [], {"username": "alice", "password": "x"}),
        ("accounts:sign_up", [], {"username": "mallory"}),
        ("accounts:logout", [], {}),
        ("quizzes:start", ["basics"], {}),
        ("responsibility:matrix", [], {}),
    ],
)
def test_a_post_without_a_token_is_refused(alice, bank, name, args, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse(name, args=args), data)
    assert response.status_code in {403, 405}
    from quizzes.models import Attempt

    assert not Attempt.objects.exists()
