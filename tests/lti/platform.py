"""
A fake LTI 1.3 platform (an LMS) for the tests: its own RSA key, signing
id_tokens as a platform does (RS256 with a kid), serving its JWKS, answering
the OAuth2 token endpoint (checking the tool's client assertion against the
tool's own JWKS), the roster (NRPS) and line item scores (AGS), and recording
what it receives. It answers at the `requests` level: the tool's HTTP calls to
https://lms.test never leave the process.
"""

from __future__ import annotations

import json
import time
import uuid
from urllib.parse import parse_qs

import jwt
import requests
from jwcrypto.jwk import JWK

ISSUER = "https://lms.test"
CLIENT_ID = "trainer-client-1"
DEPLOYMENT_ID = "deployment-1"
COURSE = f"{ISSUER}/courses/7"
MEMBERSHIPS_URL = f"{COURSE}/names_and_roles"
LINEITEMS_URL = f"{COURSE}/line_items"
LINEITEM_URL = f"{COURSE}/line_items/31"
LAUNCH_URL = "https://testserver/lti/launch/"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def new_key(kid: str) -> tuple[JWK, str]:
    key = JWK.generate(kty="RSA", size=2048, kid=kid)
    return key, key.export_to_pem(private_key=True, password=None).decode()


class FakePlatform(requests.adapters.BaseAdapter):
    """The LMS; mounted for https://lms.test by the `platform` fixture."""

    def __init__(self) -> None:
        super().__init__()
        self.key, self.private_pem = new_key("platform-key-1")
        self.down = False
        self.tokens: dict[str, str] = {}  # access token -> scope
        self.assertions: list[dict] = []
        self.scores: list[dict] = []
        self.members: list[dict] = []
        self.tool_jwks: callable = lambda: {"keys": []}

    # What the platform signs -------------------------------------------

    def sign(self, claims: dict, *, private_pem: str | None = None, kid=None) -> str:
        return jwt.encode(
            claims,
            private_pem or self.private_pem,
            algorithm="RS256",
            headers={"kid": kid or self.key["kid"]},
        )

    def claims(self, *, nonce: str, sub: str = "learner-1", roles=None, **extra):
        """An LtiResourceLinkRequest's claims, as a platform sends them."""
        now = int(time.time())
        body = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": sub,
            "exp": now + 300,
            "iat": now,
            "nonce": nonce,
            "given_name": "Lee",
            "family_name": "Learner",
            "name": "Lee Learner",
            "email": "lee@school.test",
            CLAIM + "deployment_id": DEPLOYMENT_ID,
            CLAIM + "message_type": "LtiResourceLinkRequest",
            CLAIM + "version": "1.3.0",
            CLAIM + "roles": roles if roles is not None else [LEARNER],
            CLAIM + "target_link_uri": LAUNCH_URL,
            CLAIM + "resource_link": {"id": "link-1", "title": "IAM groups"},
            CLAIM + "context": {"id": "course-7", "title": "Cloud security 101"},
            CLAIM + "custom": {"activity": "quiz:groups"},
            CLAIM + "launch_presentation": {
                "document_target": "iframe",
                "return_url": "https://school.lms.test/course/7",
            },
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": [
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                ],
                "lineitems": LINEITEMS_URL,
                "lineitem": LINEITEM_URL,
            },
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": MEMBERSHIPS_URL,
                "service_versions": ["2.0"],
            },
        }
        body.update(extra)
        return body

    def deep_linking_claims(self, *, nonce: str, **extra):
        body = self.claims(nonce=nonce, sub="teacher-1", roles=[INSTRUCTOR])
        for name in ("resource_link", "custom"):
            del body[CLAIM + name]
        body[CLAIM + "message_type"] = "LtiDeepLinkingRequest"
        body["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
            "deep_link_return_url": f"{COURSE}/deep_links",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "data": "opaque-platform-data",
        }
        body.update(extra)
        return body

    # HTTP ---------------------------------------------------------------

    def send(self, request, **kwargs):
        response = requests.Response()
        response.request = request
        response.url = request.url
        response.headers["Content-Type"] = "application/json"
        status, payload = self._answer(request)
        response.status_code = status
        response._content = json.dumps(payload).encode()
        return response

    def close(self) -> None:
        pass

    def _answer(self, request) -> tuple[int, object]:
        if self.down:
            return 503, {"error": "maintenance"}
        url = request.url
        if url == f"{ISSUER}/jwks":
            return 200, {"keys": [self.public_jwk()]}
        if url == f"{ISSUER}/token":
            return self._token(request)
        scope = self.tokens.get(
            (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        )
        if scope is None:
            return 401, {"error": "no valid token"}
        if url == MEMBERSHIPS_URL and request.method == "GET":
            return 200, {
                "id": MEMBERSHIPS_URL,
                "context": {"id": "course-7", "title": "Cloud security 101"},
                "members": self.members,
            }
        line_item = url.startswith(LINEITEMS_URL + "/") and url.endswith("/scores")
        if line_item and request.method == "POST":
            if "lti-ags/scope/score" not in scope:
                return 403, {"error": "scope"}
            assert request.headers["Content-Type"] == (
                "application/vnd.ims.lis.v1.score+json"
            )
            self.scores.append({**json.loads(request.body), "url": url})
            return 200, {}
        return 404, {"error": f"no such endpoint {url}"}

    def public_jwk(self) -> dict:
        jwk = json.loads(self.key.export_public())
        return {**jwk, "alg": "RS256", "use": "sig"}

    def _token(self, request) -> tuple[int, object]:
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        assertion = form.get("client_assertion", "")
        header = jwt.get_unverified_header(assertion)
        keys = {key["kid"]: key for key in self.tool_jwks()["keys"]}
        if header.get("kid") not in keys:
            return 401, {"error": "unknown tool key"}
        public = jwt.PyJWK(keys[header["kid"]]).key
        try:
            claims = jwt.decode(
                assertion, public, algorithms=["RS256"], audience=f"{ISSUER}/token"
            )
        except jwt.InvalidTokenError as error:
            return 401, {"error": str(error)}
        if claims["iss"] != CLIENT_ID or claims["sub"] != CLIENT_ID:
            return 401, {"error": "not this client"}
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        self.assertions.append(claims)
        token = uuid.uuid4().hex
        self.tokens[token] = form.get("scope", "")
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
