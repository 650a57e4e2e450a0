"""A launch from the fake platform, and every way one is refused."""

import time

import pytest

from .conftest import launch, launch_post, login_step
from .platform import CLAIM, CLIENT_ID, ISSUER, new_key

pytestmark = pytest.mark.django_db

STORED = [
    ("auth", "User"),
    ("lti_tool", "LtiUser"),
    ("lti_tool", "LtiContext"),
    ("lti_tool", "LtiMembership"),
    ("lti_tool", "LtiResourceLink"),
    ("lti", "ActivityLaunch"),
]


def _counts() -> dict[str, int]:
    from django.apps import apps

    return {name: apps.get_model(app, name).objects.count() for app, name in STORED}


def test_a_learner_lands_signed_in_on_the_quiz(client, platform, quiz):
    from django.contrib.auth.models import User
    from lti_tool.models import LtiUser

    from lti.models import ActivityLaunch

    response = launch(client, platform)

    assert response.status_code == 302
    assert response["Location"] == quiz.get_absolute_url()
    lti_user = LtiUser.objects.get(sub="learner-1")
    user = lti_user.auth_user
    assert (user.first_name, user.last_name, user.email) == (
        "Lee",
        "Learner",
        "lee@school.test",
    )
    assert not user.has_usable_password()
    assert user.groups.filter(name="Trainees").exists()
    assert int(client.session["_auth_user_id"]) == user.pk
    page = client.get(quiz.get_absolute_url(), secure=True)
    assert page.status_code == 200
    assert page.context["user"] == user
    assert ActivityLaunch.objects.get(user=user).line_item_url.endswith("/31")
    assert User.objects.filter(username__startswith="lti-").count() == 1


def test_a_second_launch_reuses_the_account_and_updates_its_name(
    client, platform, quiz
):
    from django.contrib.auth.models import User

    launch(client, platform)
    client.logout()
    launch(client, platform, given_name="Leigh")

    assert User.objects.get(username__startswith="lti-").first_name == "Leigh"


def test_a_first_launch_that_loses_a_race_for_the_account_uses_the_winners(
    client, platform, quiz, monkeypatch
):
    """Two first launches of one LMS user at once: the second to write meets
    the rows the first made (an IntegrityError), and tries once more."""
    from django.db import IntegrityError
    from lti_tool.models import LtiUser

    import lti.services

    real = lti.services.user_for_lti_user
    calls = []

    def losing_once(*, lti_user, teaches):
        calls.append(lti_user.sub)
        if len(calls) == 1:
            raise IntegrityError("duplicate key value violates unique constraint")
        return real(lti_user=lti_user, teaches=teaches)

    monkeypatch.setattr(lti.services, "user_for_lti_user", losing_once)

    response = launch(client, platform)

    assert response.status_code == 302
    assert response["Location"] == quiz.get_absolute_url()
    assert calls == ["learner-1", "learner-1"]
    assert LtiUser.objects.get(sub="learner-1").auth_user is not None


def test_a_launch_through_the_cookie_check_page_offers_a_new_window(client, platform):
    response = client.get(
        "/lti/login/",
        {"iss": ISSUER, "login_hint": "h", "client_id": CLIENT_ID},
        secure=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Open in a new window" in page
    assert "lti1p3_new_window=1" in page
    assert "frame-ancestors https://lms.test" in response["Content-Security-Policy"]


def _refused(response, words: str) -> None:
    assert response.status_code in {400, 403}, response.status_code
    page = response.content.decode()
    assert "The course link could not be opened" in page
    assert words in page, page
    assert "What to check" in page
    assert "_auth_user_id" not in response.wsgi_request.session


def _launch_with(client, platform, *, sign=None, state=None, **claims):
    before = _counts()
    real_state, nonce = login_step(client)
    body = platform.claims(nonce=nonce, **claims)
    token = sign(body) if sign else platform.sign(body)
    response = launch_post(client, token, state or real_state)
    assert _counts() == before, "a refused launch stored something"
    return response


def test_a_token_signed_with_another_key_is_refused(client, platform, quiz):
    _, other_pem = new_key("platform-key-1")

    response = _launch_with(
        client, platform, sign=lambda body: platform.sign(body, private_pem=other_pem)
    )

    _refused(response, "signature does not match")


def test_a_token_signed_with_an_unknown_kid_is_refused(client, platform, quiz):
    response = _launch_with(
        client, platform, sign=lambda body: platform.sign(body, kid="unknown")
    )

    _refused(response, "None of the platform")


def test_a_replayed_launch_is_refused(client, platform, quiz):
    state, nonce = login_step(client)
    token = platform.sign(platform.claims(nonce=nonce))
    assert launch_post(client, token, state).status_code == 302
    kept = {k: v for k, v in client.cookies.items() if k.startswith("lti1p3")}
    client.logout()  # the same browser, signed out, keeps the LTI cookies
    client.cookies.update(kept)
    before = _counts()

    response = launch_post(client, token, state)

    _refused(response, "already used")
    assert _counts() == before


def test_a_launch_replayed_from_another_browser_is_refused(client, platform, quiz):
    from django.test import Client

    state, nonce = login_step(client)
    token = platform.sign(platform.claims(nonce=nonce))
    assert launch_post(client, token, state).status_code == 302

    _refused(launch_post(Client(), token, state), "without the cookie")


def test_a_nonce_the_tool_never_issued_is_refused(client, platform, quiz):
    state, _ = login_step(client)
    token = platform.sign(platform.claims(nonce="made-up"))

    _refused(launch_post(client, token, state), "already used")


def test_a_token_for_another_tool_is_refused(client, platform, quiz):
    response = _launch_with(client, platform, aud=[CLIENT_ID, "other"], azp="other")

    _refused(response, "authorized party")


def test_a_token_whose_audience_is_another_client_is_refused(client, platform, quiz):
    response = _launch_with(client, platform, aud="someone-else")

    # The client ID is how the tool finds the registration: none matches.
    _refused(response, "No active platform registration")


def test_an_expired_token_is_refused(client, platform, quiz):
    past = int(time.time()) - 3600
    response = _launch_with(client, platform, exp=past, iat=past - 60)

    _refused(response, "expired")


def test_a_token_issued_in_the_future_is_refused(client, platform, quiz):
    later = int(time.time()) + 3600
    response = _launch_with(client, platform, iat=later, exp=later + 300)

    _refused(response, "issued in the future")


def test_a_token_without_exp_is_refused(client, platform, quiz):
    def sign(body):
        del body["exp"]
        return platform.sign(body)

    _refused(_launch_with(client, platform, sign=sign), "exp or iat")


def test_an_unknown_issuer_is_refused(client, platform, quiz):
    response = _launch_with(client, platform, iss="https://elsewhere.test")

    _refused(response, "No active platform registration")


def test_an_unknown_deployment_is_refused(client, platform, quiz):
    from lti_tool.models import LtiDeployment

    response = _launch_with(client, platform, **{CLAIM + "deployment_id": "other"})

    _refused(response, "deployment of the tool is not registered")
    assert LtiDeployment.objects.count() == 1


def test_an_inactive_deployment_is_refused(client, platform, quiz):
    from lti_tool.models import LtiDeployment

    LtiDeployment.objects.update(is_active=False)

    _refused(_launch_with(client, platform), "not registered or not active")


def test_a_wrong_state_is_refused(client, platform, quiz):
    response = _launch_with(client, platform, state="state-forged")

    _refused(response, "state does not match")


@pytest.mark.parametrize(
    "claim, words",
    [
        ("sub", "Must have a user"),
        (CLAIM + "roles", "Missing Roles Claim"),
        (CLAIM + "resource_link", "Missing Resource Link Id"),
        (CLAIM + "message_type", "untyped"),
        (CLAIM + "version", "not LTI version 1.3.0"),
    ],
)
def test_a_token_missing_a_required_claim_is_refused(
    client, platform, quiz, claim, words
):
    def sign(body):
        del body[claim]
        return platform.sign(body)

    _refused(_launch_with(client, platform, sign=sign), words)


def test_a_link_to_an_unpublished_activity_is_refused(client, platform, quiz):
    quiz.is_published = False
    quiz.save()

    _refused(_launch_with(client, platform), "published")


def test_a_launch_without_an_id_token_is_refused(client, platform):
    state, _ = login_step(client)

    response = client.post("/lti/launch/", {"state": state}, secure=True)

    _refused(response, "without an id_token")


def test_a_launch_answered_by_a_get_is_refused(client):
    assert client.get("/lti/launch/").status_code == 405


def test_a_launch_without_a_tool_key_says_what_to_run(client, registration):
    response = client.get(
        "/lti/login/",
        {
            "iss": ISSUER,
            "login_hint": "h",
            "client_id": CLIENT_ID,
            "lti1p3_new_window": 1,
        },
        secure=True,
    )

    assert response.status_code == 503
    assert "manage.py lti_keys" in response.content.decode()


def test_a_login_without_issuer_is_refused(client, db):
    response = client.get("/lti/login/", {"login_hint": "h"})

    assert response.status_code == 400
    assert "no iss" in response.content.decode()


def test_a_login_from_an_unknown_platform_is_refused(client, platform):
    response = client.get(
        "/lti/login/",
        {"iss": "https://other.test", "login_hint": "h", "lti1p3_new_window": 1},
        secure=True,
    )

    assert response.status_code == 403
    assert "No active platform registration" in response.content.decode()


def test_login_initiation_also_accepts_a_post(client, platform):
    response = client.post(
        "/lti/login/",
        {
            "iss": ISSUER,
            "login_hint": "h",
            "client_id": CLIENT_ID,
            "lti1p3_new_window": "1",
        },
        secure=True,
    )

    assert response.status_code == 302
    assert response["Location"].startswith(f"{ISSUER}/auth?")


def test_an_instructor_lands_on_the_course_page_with_the_roster(client, platform, quiz):
    from .platform import INSTRUCTOR

    response = launch(client, platform, sub="teacher-1", roles=[INSTRUCTOR])

    assert response["Location"] == "/lti/course/"
    page = client.get("/lti/course/", secure=True).content.decode()
    assert "Cloud security 101" in page
    assert "Course roster" in page
    assert quiz.get_absolute_url() in page


def test_overlong_optional_claims_are_cut_and_the_launch_works(client, platform, quiz):
    from lti_tool.models import LtiUser

    response = launch(
        client,
        platform,
        given_name="L" * 600,
        email="x" * 300 + "@school.test",
        picture="https://img.test/" + "p" * 300,
    )

    assert response.status_code == 302
    lti_user = LtiUser.objects.get()
    assert len(lti_user.given_name) == 500
    assert (lti_user.email, lti_user.picture_url) == ("", "")
    assert len(lti_user.auth_user.first_name) == 150


def test_an_overlong_user_id_is_refused(client, platform, quiz):
    _refused(_launch_with(client, platform, sub="s" * 300), "longer than 255")


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bare_request_to_the_lms_endpoints_gets_a_clear_400(client, db, method):
    login = getattr(client, method)("/lti/login/")
    assert login.status_code == 400
    assert "What to check" in login.content.decode()
    if method == "post":
        launched = client.post("/lti/launch/")
        assert launched.status_code == 400
        assert "What to check" in launched.content.decode()
