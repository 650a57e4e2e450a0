"""A course page of a fake LMS frames the trainer: the LTI launch signs the
learner in inside the frame, the quiz works there, and the score reaches the
LMS's gradebook."""

import html
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from playwright.sync_api import expect

from tests.lti.platform import CLIENT_ID, DEPLOYMENT_ID, ISSUER, FakePlatform

pytestmark = pytest.mark.browser


class _LmsPages(BaseHTTPRequestHandler):
    """What the browser sees of the LMS: the course page and the OIDC
    authorization endpoint, which answers with the signed launch."""

    platform: FakePlatform
    tool: str

    def log_message(self, *args) -> None:
        pass

    def _send(self, body: str) -> None:
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/course":
            login = (
                self.tool
                + "/lti/login/?"
                + urlencode(
                    {
                        "iss": ISSUER,
                        "login_hint": "hint-1",
                        "client_id": CLIENT_ID,
                        "lti_deployment_id": DEPLOYMENT_ID,
                        "target_link_uri": self.tool + "/lti/launch/",
                    }
                )
            )
            self._send(
                "<!doctype html><title>Cloud security 101</title>"
                "<h1>Cloud security 101</h1>"
                f'<iframe title="IAM groups" src="{html.escape(login)}" '
                'width="1100" height="900"></iframe>'
            )
        elif url.path == "/auth":
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            token = self.platform.sign(self.platform.claims(nonce=query["nonce"]))
            # The tool names its https address; this test serves it over http.
            target = query["redirect_uri"].replace("https://", "http://", 1)
            self._send(
                "<!doctype html><title>Launching</title>"
                f'<form method="post" action="{html.escape(target)}">'
                f'<input type="hidden" name="id_token" value="{token}">'
                f'<input type="hidden" name="state" value="{query["state"]}">'
                "</form><script>document.forms[0].submit()</script>"
            )
        else:
            self.send_error(404)


@pytest.fixture
def lms(live_server, transactional_db, monkeypatch, settings):
    """The fake LMS: its pages on a loopback server, its services (JWKS,
    token, scores) answered in process as in tests/lti."""
    from lti_tool.models import Key, LtiDeployment, LtiRegistration

    from tests.workshops.conftest import _build_quiz

    _build_quiz()
    Key.objects.generate()
    fake = FakePlatform()
    fake.tool_jwks = lambda: Key.objects.as_jwks()
    original = requests.Session.get_adapter
    monkeypatch.setattr(
        requests.Session,
        "get_adapter",
        lambda self, url: fake if url.startswith(ISSUER + "/") else original(self, url),
    )
    handler = type("Pages", (_LmsPages,), {"platform": fake, "tool": live_server.url})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    registration = LtiRegistration.objects.create(
        name="Fake LMS",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        auth_url=origin + "/auth",
        token_url=ISSUER + "/token",
        keyset_url=ISSUER + "/jwks",
    )
    LtiDeployment.objects.create(
        registration=registration, deployment_id=DEPLOYMENT_ID, is_active=True
    )
    # The LTI endpoints see https (as behind a TLS proxy), so their cookies are
    # SameSite=None; Secure, which Chromium accepts from localhost.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    yield fake, origin
    server.shutdown()
    server.server_close()


def test_a_learner_takes_a_quiz_inside_the_lms_and_the_lms_gets_the_score(
    live_server, lms, page, screenshot
):
    platform, origin = lms
    page.route(
        re.compile(r".*/lti/(login|launch)/.*"),
        lambda route: route.continue_(
            headers={**route.request.headers, "x-forwarded-proto": "https"}
        ),
    )

    page.goto(origin + "/course")
    frame = page.frame_locator("iframe")
    frame.get_by_role("button", name="Start the quiz").click()
    for number in (1, 2):
        heading = frame.get_by_role("heading", level=1)
        expect(heading).to_contain_text(f"Question {number} of 2")
        if "belong to groups" in frame.locator(".prompt").inner_text():
            frame.get_by_label("False", exact=True).check()
        else:
            frame.get_by_label("A user can belong to several groups.").check()
        frame.get_by_role("button", name="Check answer").click()
        expect(frame.get_by_text("✔ Correct")).to_be_visible()
        if number == 1:
            frame.get_by_role("link", name="Next question").click()
    frame.get_by_role("link", name="Finish and see results").click()
    frame.get_by_role("button", name="Submit and see results").click()
    expect(frame.get_by_text("Score: 100.0%")).to_be_visible()
    screenshot("lti-quiz-in-lms")

    assert [score["scoreGiven"] for score in platform.scores] == [100.0]
    assert platform.scores[0]["userId"] == "learner-1"
