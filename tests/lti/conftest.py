"""The fake platform, registered with the tool, and the journey's helpers."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.workshops.conftest import _build_quiz, _import_exercises

from .platform import CLIENT_ID, DEPLOYMENT_ID, ISSUER, FakePlatform


@pytest.fixture
def quiz(db, load_once):
    from quizzes.models import Quiz

    load_once(_build_quiz)
    return Quiz.objects.get(slug="groups")


@pytest.fixture
def exercises(db, load_once):
    from exercises.models import Exercise

    load_once(_import_exercises)
    return {e.slug: e for e in Exercise.objects.all()}


@pytest.fixture
def tool_key(db):
    from lti_tool.models import Key

    return Key.objects.generate()


@pytest.fixture
def registration(db):
    from lti_tool.models import LtiDeployment, LtiRegistration

    registration = LtiRegistration.objects.create(
        name="Test LMS",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        auth_url=f"{ISSUER}/auth",
        token_url=f"{ISSUER}/token",
        keyset_url=f"{ISSUER}/jwks",
    )
    LtiDeployment.objects.create(
        registration=registration, deployment_id=DEPLOYMENT_ID, is_active=True
    )
    return registration


@pytest.fixture
def platform(monkeypatch, registration, tool_key):
    """The LMS, answering every request the tool makes to https://lms.test."""
    from lti_tool.models import Key

    fake = FakePlatform()
    fake.tool_jwks = lambda: Key.objects.as_jwks()
    original = requests.Session.get_adapter

    def get_adapter(self, url):
        if url.startswith(ISSUER + "/"):
            return fake
        return original(self, url)

    monkeypatch.setattr(requests.Session, "get_adapter", get_adapter)
    return fake


def login_step(client, **params) -> tuple[str, str]:
    """The platform's login initiation; returns the state and nonce the tool
    sends to the platform's authorization endpoint."""
    query = {
        "iss": ISSUER,
        "login_hint": "hint-1",
        "target_link_uri": "https://testserver/lti/launch/",
        "client_id": CLIENT_ID,
        "lti_deployment_id": DEPLOYMENT_ID,
        "lti1p3_new_window": "1",
        **params,
    }
    response = client.get("/lti/login/", query, secure=True)
    assert response.status_code == 302, response.content.decode()
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (f"{ISSUER}/auth")
    auth = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert auth["redirect_uri"] == "https://testserver/lti/launch/"
    assert auth["client_id"] == CLIENT_ID
    return auth["state"], auth["nonce"]


def launch_post(client, id_token: str, state: str):
    return client.post(
        "/lti/launch/", {"id_token": id_token, "state": state}, secure=True
    )


def launch(client, platform, **claims):
    """Login initiation, then the launch of a token with these claims."""
    state, nonce = login_step(client)
    token = platform.sign(platform.claims(nonce=nonce, **claims))
    return launch_post(client, token, state)
