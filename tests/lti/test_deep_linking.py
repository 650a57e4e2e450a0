"""An instructor picks an activity; the platform gets a signed answer."""

import re
from html import unescape

import jwt
import pytest

from .conftest import launch_post, login_step
from .platform import CLIENT_ID, COURSE, ISSUER, LEARNER

pytestmark = pytest.mark.django_db

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def _deep_link_launch(client, platform, **claims):
    state, nonce = login_step(client)
    token = platform.sign(platform.deep_linking_claims(nonce=nonce, **claims))
    return launch_post(client, token, state)


def test_an_instructor_picks_a_quiz_and_the_platform_gets_a_signed_link(
    client, platform, quiz
):
    from lti_tool.models import Key

    response = _deep_link_launch(client, platform)
    assert response.status_code == 302
    assert response["Location"] == "/lti/pick/"
    picker = client.get("/lti/pick/", secure=True)
    assert "IAM groups" in picker.content.decode()

    answer = client.post("/lti/pick/", {"activity": "quiz:groups"}, secure=True)

    assert answer.status_code == 200
    page = answer.content.decode()
    assert f'action="{COURSE}/deep_links"' in page
    token = unescape(re.search(r'name="JWT" value="([^"]+)"', page).group(1))
    keys = {key["kid"]: key for key in Key.objects.as_jwks()["keys"]}
    kid = jwt.get_unverified_header(token)["kid"]
    claims = jwt.decode(
        token, jwt.PyJWK(keys[kid]).key, algorithms=["RS256"], audience=ISSUER
    )
    assert claims["iss"] == CLIENT_ID
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == (
        "LtiDeepLinkingResponse"
    )
    assert claims[DL + "data"] == "opaque-platform-data"
    [item] = claims[DL + "content_items"]
    assert item["type"] == "ltiResourceLink"
    assert item["url"] == "https://testserver/lti/launch/"
    assert item["custom"] == {"activity": "quiz:groups"}
    assert item["lineItem"]["scoreMaximum"] == 100.0
    assert item["lineItem"]["resourceId"] == "quiz:groups"
    # The answer posts to the platform: the page's CSP allows that form target.
    assert "form-action 'self' https://lms.test" in answer["Content-Security-Policy"]


def test_the_link_the_instructor_picked_launches_that_activity(
    client, platform, exercises
):
    from django.test import Client

    _deep_link_launch(client, platform)
    client.post("/lti/pick/", {"activity": "exercise:read-reports"}, secure=True)
    learner = Client()
    state, nonce = login_step(learner)
    custom = {"activity": "exercise:read-reports"}
    token = platform.sign(
        platform.claims(
            nonce=nonce, **{"https://purl.imsglobal.org/spec/lti/claim/custom": custom}
        )
    )

    response = launch_post(learner, token, state)

    assert response["Location"] == exercises["read-reports"].get_absolute_url()


def test_an_unknown_choice_shows_the_picker_again(client, platform, quiz):
    _deep_link_launch(client, platform)

    response = client.post("/lti/pick/", {"activity": "quiz:nope"}, secure=True)

    assert response.status_code == 422
    assert "Choose one of the published activities" in response.content.decode()


def test_a_learner_cannot_ask_for_the_picker(client, platform, quiz):
    from lti_tool.models import LtiUser

    response = _deep_link_launch(
        client,
        platform,
        **{"https://purl.imsglobal.org/spec/lti/claim/roles": [LEARNER]},
    )

    assert response.status_code == 403
    assert "instructors and administrators" in response.content.decode()
    assert not LtiUser.objects.exists()


def test_the_picker_is_refused_outside_a_launch(client, alice):
    client.force_login(alice)

    response = client.get("/lti/pick/")

    assert response.status_code == 403
    assert "opens only from a course" in response.content.decode()


def test_a_return_address_that_is_no_web_address_gets_no_answer(client, platform, quiz):
    settings = platform.deep_linking_claims(nonce="x")[DL + "deep_linking_settings"]
    response = _deep_link_launch(
        client,
        platform,
        **{
            DL + "deep_linking_settings": {
                **settings,
                "deep_link_return_url": "javascript:alert(1)//",
            }
        },
    )
    assert response.status_code == 302

    answer = client.post("/lti/pick/", {"activity": "quiz:groups"}, secure=True)

    assert answer.status_code == 400
    page = answer.content.decode()
    assert "no web address to send the chosen activity back to" in page
    assert "JWT" not in page
