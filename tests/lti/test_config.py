"""What an LMS administrator needs: URLs, Canvas's JSON, keys, registrations."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_configuration_page_lists_the_urls_to_paste(client):
    response = client.get("/lti/")

    page = response.content.decode()
    assert "http://testserver/lti/login/" in page
    assert "http://testserver/lti/launch/" in page
    assert "http://testserver/lti/jwks.json" in page
    assert "lti_keys" in page  # no key yet: it says what to run


def test_canvas_gets_a_developer_key_json(client):
    config = client.get("/lti/canvas.json").json()

    assert config["oidc_initiation_url"] == "http://testserver/lti/login/"
    assert config["target_link_uri"] == "http://testserver/lti/launch/"
    assert config["public_jwk_url"] == "http://testserver/lti/jwks.json"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in config["scopes"]
    [placement, _] = config["extensions"][0]["settings"]["placements"]
    assert placement["message_type"] == "LtiDeepLinkingRequest"


def test_the_keys_command_creates_a_key_once_and_rotates_on_request(client):
    from lti_tool.models import Key

    assert client.get("/lti/jwks.json").json() == {"keys": []}
    call_command("lti_keys")
    call_command("lti_keys")
    [first] = client.get("/lti/jwks.json").json()["keys"]
    assert (first["alg"], first["use"], first["kty"]) == ("RS256", "sig", "RSA")

    call_command("lti_keys", "--rotate")
    assert len(client.get("/lti/jwks.json").json()["keys"]) == 2
    old = Key.objects.latest().datetime_created.replace(year=2020)
    Key.objects.update(datetime_created=old)
    call_command("lti_keys", "--rotate")
    kids = [k["kid"] for k in client.get("/lti/jwks.json").json()["keys"]]
    assert len(kids) == 1 and first["kid"] not in kids


def test_non_lti_pages_need_no_key(client, quiz, alice):
    client.force_login(alice)

    assert client.get("/").status_code == 200
    assert client.get(quiz.get_absolute_url()).status_code == 200


REGISTRATION = {
    "name": "Moodle",
    "issuer": "https://moodle.school.test",
    "client_id": "abc123",
    "audience": "",
    "auth_url": "https://moodle.school.test/mod/lti/auth.php",
    "token_url": "https://moodle.school.test/mod/lti/token.php",
    "keyset_url": "https://moodle.school.test/mod/lti/certs.php",
    "is_active": "on",
    "public_key": "",
    "private_key": "",
    "deployments-TOTAL_FORMS": "1",
    "deployments-INITIAL_FORMS": "0",
    "deployments-0-deployment_id": "1",
    "deployments-0-is_active": "on",
    "trainer_options-TOTAL_FORMS": "1",
    "trainer_options-INITIAL_FORMS": "0",
    "trainer_options-0-frame_origins": "",
}


def test_an_administrator_registers_a_platform(admin_client):
    from lti_tool.models import LtiDeployment, LtiRegistration

    response = admin_client.post("/admin/lti_tool/ltiregistration/add/", REGISTRATION)

    assert response.status_code == 302, response.content.decode()
    registration = LtiRegistration.objects.get()
    assert LtiDeployment.objects.get(registration=registration).is_active


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("issuer", "https://moodle.school.test/", "Remove the trailing slash"),
        ("keyset_url", "http://moodle.school.test/certs", "must start with https://"),
        ("client_id", "   ", "This field is required"),
        ("deployments-0-deployment_id", "  ", "This field is required"),
        ("trainer_options-0-frame_origins", "https://ok.test\n*", "Line 2 (*)"),
        (
            "trainer_options-0-frame_origins",
            "https://school.test; script-src *",
            "is not an origin",
        ),
        (
            "trainer_options-0-frame_origins",
            "https://school.test/courses",
            "is not an origin",
        ),
        ("trainer_options-0-frame_origins", "http://school.test", "https://"),
    ],
)
def test_a_registration_with_a_mistake_says_what_to_fix(
    admin_client, field, value, words
):
    from lti_tool.models import LtiRegistration

    response = admin_client.post(
        "/admin/lti_tool/ltiregistration/add/", {**REGISTRATION, field: value}
    )

    assert response.status_code == 200
    assert words in response.content.decode()
    assert not LtiRegistration.objects.exists()


def test_extra_frame_origins_are_kept_as_origins(admin_client):
    from lti_tool.models import LtiRegistration

    from lti.launch import registration_origins

    response = admin_client.post(
        "/admin/lti_tool/ltiregistration/add/",
        {
            **REGISTRATION,
            "trainer_options-0-frame_origins": " HTTPS://School.Test/ \n\n"
            "https://*.instructure.com",
        },
    )

    assert response.status_code == 302, response.content.decode()
    registration = LtiRegistration.objects.get()
    assert registration.trainer_options.frame_origins == (
        "https://school.test\nhttps://*.instructure.com"
    )
    assert registration_origins(registration) == {
        "https://moodle.school.test",
        "https://school.test",
        "https://*.instructure.com",
    }


def test_a_stored_line_that_is_no_origin_never_reaches_the_header(db):
    from lti.models import RegistrationOptions

    options = RegistrationOptions(
        frame_origins="https://school.test\nhttps://x.test; script-src *\n'none'"
    )
    assert options.extra_origins() == ["https://school.test"]
