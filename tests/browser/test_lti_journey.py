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

from tests.browser.test_axe import AXE, OPTIONS
from tests.lti.platform import CLIENT_ID, DEPLOYMENT_ID, ISSUER, FakePlatform

DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"

pytestmark = pytest.mark.browser


class _LmsPages(BaseHTTPRequestHandler):
    """What the browser sees of the LMS: the course page and the OIDC
    authorization endpoint, which answers with the signed launch."""

    platform: FakePlatform
    tool: str
    deep_links: list[str]  # the JWTs the tool handed back through the browser

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
        if url.path in ("/course", "/teach"):
            login = (
                self.tool
                + "/lti/login/?"
                + urlencode(
                    {
                        "iss": ISSUER,
                        "login_hint": "teacher" if url.path == "/teach" else "hint-1",
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
            if query["login_hint"] == "teacher":
                origin = f"http://127.0.0.1:{self.server.server_address[1]}"
                claims = self.platform.deep_linking_claims(nonce=query["nonce"])
                claims[DL_SETTINGS]["deep_link_return_url"] = origin + "/deep_links"
            else:
                claims = self.platform.claims(nonce=query["nonce"])
            token = self.platform.sign(claims)
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

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/deep_links":
            self.send_error(404)
            return
        length = int(self.headers["Content-Length"])
        form = parse_qs(self.rfile.read(length).decode())
        self.deep_links.append(form["JWT"][0])
        self._send("<!doctype html><title>Added</title><h1>Activity added</h1>")


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
    handler = type(
        "Pages",
        (_LmsPages,),
        {"platform": fake, "tool": live_server.url, "deep_links": []},
    )
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
    fake.deep_links = handler.deep_links
    yield fake, origin
    server.shutdown()
    server.server_close()


def test_a_learner_takes_a_quiz_inside_the_lms_and_the_lms_gets_the_score(
    live_server, lms, page, screenshot
):
    platform, origin = lms
    _https_to_the_tool(page)

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


def _https_to_the_tool(page) -> None:
    page.route(
        re.compile(r".*/lti/(login|launch)/.*"),
        lambda route: route.continue_(
            headers={**route.request.headers, "x-forwarded-proto": "https"}
        ),
    )


def _no_axe_violations(frame) -> None:
    results = AXE.run(frame, options=OPTIONS)
    assert results.violations_count == 0, results.generate_report()


def test_an_instructor_picks_an_activity_inside_the_lms(
    live_server, lms, page, screenshot
):
    """Deep linking in the browser: the picker opens in the LMS's frame, and
    the choice goes back to the LMS as a JWT signed with the tool's key."""
    import jwt
    from lti_tool.models import Key

    platform, origin = lms
    _https_to_the_tool(page)

    page.goto(origin + "/teach")
    frame = page.frame_locator("iframe")
    expect(frame.get_by_role("heading", level=1)).to_have_text(
        "Choose an activity for your course"
    )
    _no_axe_violations(page.frames[1])
    screenshot("lti-deep-link-picker")
    frame.get_by_label("IAM groups").check()
    frame.get_by_role("button", name="Add to the course").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("Activity added")

    [token] = platform.deep_links
    keys = {key["kid"]: key for key in Key.objects.as_jwks()["keys"]}
    kid = jwt.get_unverified_header(token)["kid"]
    claims = jwt.decode(
        token, jwt.PyJWK(keys[kid]).key, algorithms=["RS256"], audience=ISSUER
    )
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"activity": "quiz:groups"}
    assert item["lineItem"]["scoreMaximum"] == 100.0
