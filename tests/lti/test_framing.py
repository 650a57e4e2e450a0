"""Pages of an LTI launch are framable by their platform only; others never."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import launch

pytestmark = pytest.mark.django_db


def _frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(p for p in policy.split("; ") if p.startswith("frame-ancestors"))


def test_a_launched_page_may_be_framed_by_the_platform_only(client, platform, quiz):
    launch(client, platform)

    page = client.get(quiz.get_absolute_url(), secure=True)

    assert page.status_code == 200
    assert "X-Frame-Options" not in page
    ancestors = _frame_ancestors(page).split()[1:]
    # The issuer's origin and the school's, from the signed return URL.
    assert ancestors == ["https://lms.test", "https://school.lms.test"]


def test_an_ordinary_page_is_never_framed(client, quiz, alice):
    client.force_login(alice)

    page = client.get(quiz.get_absolute_url())

    assert page["X-Frame-Options"] == "DENY"
    assert _frame_ancestors(page) == "frame-ancestors 'none'"


def test_logging_out_ends_the_framing(client, platform, quiz):
    launch(client, platform)
    client.post("/accounts/logout/", secure=True)

    page = client.get(quiz.get_absolute_url(), secure=True)

    assert page["X-Frame-Options"] == "DENY"


def test_the_launch_sets_cross_site_session_and_csrf_cookies(client, platform, quiz):
    response = launch(client, platform)

    session = response.cookies["sessionid"]
    assert session["samesite"] == "None"
    assert session["secure"] is True
    # Kept by browsers that block third-party cookies (CHIPS).
    assert session.output().endswith("; Partitioned")
    page = client.get(quiz.get_absolute_url(), secure=True)
    csrf = page.cookies.get("csrftoken") or response.cookies.get("csrftoken")
    assert csrf is not None
    assert csrf["samesite"] == "None"
    assert csrf["secure"] is True
    assert "Partitioned" in csrf.output()


def test_the_state_cookie_of_the_login_step_works_cross_site(client, platform):
    response = client.get(
        "/lti/login/",
        {
            "iss": "https://lms.test",
            "login_hint": "h",
            "client_id": "trainer-client-1",
            "lti1p3_new_window": "1",
        },
        secure=True,
    )

    state_cookies = [c for name, c in response.cookies.items() if "state-" in name]
    assert state_cookies
    assert all(c["samesite"] == "None" and c["secure"] for c in state_cookies)
    assert all(c.output().endswith("; Partitioned") for c in state_cookies)


def test_an_ordinary_visitor_keeps_lax_cookies(client, alice):
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "correct horse battery staple"},
    )

    assert response.cookies["sessionid"]["samesite"] == "Lax"
    assert "Partitioned" not in response.cookies["sessionid"].output()


def test_an_anonymous_request_costs_no_query_for_framing(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")

    assert response["X-Frame-Options"] == "DENY"
    assert not [q for q in queries if "django_session" in q["sql"]]


def test_posts_inside_a_launch_still_need_the_csrf_token(platform, quiz):
    from django.test import Client

    from .platform import INSTRUCTOR

    client = Client(enforce_csrf_checks=True)
    launch(client, platform, sub="teacher-1", roles=[INSTRUCTOR])

    response = client.post("/lti/roster/", secure=True)

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
