"""
Validating an LTI 1.3 launch on top of pylti1p3, stricter where it is lenient.

pylti1p3 checks the state, the signature against the platform's key set, the
registration (issuer and client ID), the deployment and the message's claims.
This module adds what the tool needs on top:

- an unknown deployment is refused (django-lti's tool config creates one);
- the audience: ``aud`` holds our client ID, and ``azp`` names it when present
  or when there are several audiences;
- ``exp`` and ``iat`` are required, not only checked when present;
- a nonce is used once: it is deleted when a launch succeeds, so the same
  id_token posted again is refused;
- nothing of the launch is kept before every check has passed.

Every refusal is a LaunchRefused whose words say what went wrong and what the
LMS administrator should check.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from lti_tool.models import Key, LtiDeployment, LtiRegistration
from lti_tool.utils import DjangoToolConfig
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException, OIDCException

from .http import platform_session
from .models import ORIGIN
from .storage import DatabaseLaunchStorage

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPES = {"LtiResourceLinkRequest", "LtiDeepLinkingRequest"}


@dataclass
class LaunchRefused(Exception):
    """A launch or login the tool will not accept, in words for a person."""

    what: str
    check: str
    status: int = 403

    def __str__(self) -> str:
        return self.what


class NoToolKey(LaunchRefused):
    """The tool has no signing key yet."""


def no_key() -> NoToolKey:
    return NoToolKey(
        "The tool has no signing key yet, so it cannot take part in an LTI launch.",
        "The site's administrator should run `python manage.py lti_keys` once "
        "(it creates the key the LMS reads from the JWKS URL), then try again.",
        status=503,
    )


# pylti1p3's messages, by their start, in plain words.
_MESSAGES: list[tuple[str, str, str, int]] = [
    (
        "Missing state",
        "The launch came without the state the login step set.",
        "Open the activity again from the course page.",
        400,
    ),
    (
        "State not found",
        "This browser did not start the launch it is finishing (the state "
        "does not match), or its cookies were blocked.",
        "Open the activity again from the course; if it keeps failing, use "
        "“Open in a new window”, as the browser may block cookies in frames.",
        403,
    ),
    (
        "Missing %s cookie",
        "The launch came without the cookie the login step set: the browser "
        "blocked it, or the launch was sent from another browser.",
        "Open the activity again from the course; if it keeps failing, use "
        "“Open in a new window”, as the browser may block cookies in frames.",
        403,
    ),
    (
        "Missing id_token",
        "The launch came without an id_token.",
        "Check that the LMS sends LTI 1.3 launches to the tool's launch URL.",
        400,
    ),
    (
        "Invalid id_token",
        "The id_token is not a signed JWT.",
        "Check that the LMS sends LTI 1.3 launches to the tool's launch URL.",
        400,
    ),
    (
        "Invalid JWT format",
        "The id_token could not be read.",
        "Check that the LMS sends LTI 1.3 launches to the tool's launch URL.",
        400,
    ),
    (
        '"nonce" is empty',
        "The id_token has no nonce.",
        "The LMS must echo the nonce the tool sent at login.",
        400,
    ),
    (
        "Invalid Nonce",
        "This launch was already used, or it is not the answer to a login "
        "the tool started (unknown or replayed nonce).",
        "Open the activity again from the course page; a launch works once.",
        403,
    ),
    (
        "Registration not found",
        "No active platform registration matches this issuer and client ID.",
        "In the tool's admin, check LTI registrations: the issuer and client "
        "ID must be exactly those the LMS shows for the tool, and it must be "
        "active.",
        403,
    ),
    (
        "Client id not registered",
        "The id_token is addressed to another client ID.",
        "Check the client ID in the tool's LTI registration.",
        403,
    ),
    (
        "Can't decode id_token: Signature has expired",
        "The id_token has expired.",
        "Launch again; if it keeps failing, check that the LMS server's "
        "clock is right.",
        403,
    ),
    (
        "Can't decode id_token: The token is not yet valid",
        "The id_token was issued in the future.",
        "Check that the LMS server's clock is right.",
        403,
    ),
    (
        "Can't decode id_token: Token is missing the",
        "The id_token lacks a required time claim (exp or iat).",
        "The LMS must send exp and iat in the id_token.",
        400,
    ),
    (
        "Can't decode id_token",
        "The id_token's signature does not match the platform's keys.",
        "Check the keyset URL in the tool's LTI registration: it must be the "
        "LMS's public key set for this tool.",
        403,
    ),
    (
        "Unable to find public key",
        "None of the platform's published keys signed this id_token.",
        "Check the keyset URL in the tool's LTI registration.",
        403,
    ),
    (
        "JWT KID not found",
        "The id_token does not say which key signed it (no kid).",
        "Check the keyset URL in the tool's LTI registration.",
        403,
    ),
    (
        "Error during fetch URL",
        "The platform's key set could not be fetched.",
        "Check the keyset URL in the tool's LTI registration and that this "
        "server can reach it.",
        403,
    ),
    (
        "Invalid response from",
        "The platform's key set URL did not answer with JSON.",
        "Check the keyset URL in the tool's LTI registration.",
        403,
    ),
    (
        "Unable to find deployment",
        "This deployment of the tool is not registered or not active.",
        "In the tool's admin, add the deployment ID the LMS shows to the LTI "
        "registration and mark it active.",
        403,
    ),
    (
        "deployment_id is not set",
        "The id_token names no deployment.",
        "The LMS must send the deployment_id claim.",
        400,
    ),
]

_CLAIMS_CHECK = (
    "The LMS sent an LTI launch the tool cannot use; check that the tool is "
    "configured as an LTI 1.3 tool in the LMS."
)


def refusal(error: Exception) -> LaunchRefused:
    """pylti1p3's exception in plain words; unknown ones say what they said."""
    if isinstance(error, LaunchRefused):
        return error
    message = str(error)
    for start, what, check, status in _MESSAGES:
        if message.startswith(start):
            return LaunchRefused(what, check, status)
    return LaunchRefused(f"The launch is not valid: {message}.", _CLAIMS_CHECK, 400)


class ToolConfig(DjangoToolConfig):
    """django-lti's tool config, minus creating deployments nobody registered."""

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        registrations = LtiRegistration.objects.active().filter(issuer=iss)
        if client_id:
            registrations = registrations.filter(client_id=client_id)
        registrations = list(registrations[:2])
        # Without a client ID (optional at login), one registration per issuer.
        if len(registrations) != 1:
            return None
        self.registration = registrations[0]
        try:
            return self.registration.to_registration()
        except Key.DoesNotExist:
            raise no_key() from None

    def find_deployment_by_params(self, iss, deployment_id, client_id, *a, **kw):
        self.deployment = (
            LtiDeployment.objects.active()
            .filter(
                registration=self.registration,
                registration__issuer=iss,
                registration__client_id=client_id,
                deployment_id=deployment_id,
            )
            .first()
        )
        if self.deployment is None:
            return None
        return Deployment().set_deployment_id(self.deployment.deployment_id)


def storage() -> DatabaseLaunchStorage:
    return DatabaseLaunchStorage()


class OIDCLogin(DjangoOIDCLogin):
    """The login initiation, with the tool's storage and refusals."""

    def __init__(self, request):
        super().__init__(request, ToolConfig(), launch_data_storage=storage())

    def redirect_to_platform(self, launch_url: str):
        """The redirect to the platform's authorization endpoint."""
        try:
            return self.get_redirect_object(launch_url).do_redirect()
        except (OIDCException, LtiException) as error:
            message = str(error)
            if "issuer" in message or "login hint" in message:
                raise LaunchRefused(
                    f"The login request is incomplete: {message.lower()}.",
                    "The LMS must send iss and login_hint to the login URL.",
                    400,
                ) from None
            if "registration" in message:
                raise LaunchRefused(
                    "No active platform registration matches this issuer and "
                    "client ID.",
                    "In the tool's admin, check LTI registrations: the issuer "
                    "and client ID must be exactly those the LMS shows.",
                    403,
                ) from None
            raise refusal(error) from None


class MessageLaunch(DjangoMessageLaunch):
    """A launch validated in full before anything of it is stored."""

    def __init__(self, request):
        super().__init__(
            request,
            ToolConfig(),
            launch_data_storage=storage(),
            requests_session=platform_session(),
        )
        # PyJWT checks exp and iat when present; they must be present.
        self.set_jwt_verify_options({"verify_aud": False, "require": ["exp", "iat"]})

    def validate(self):
        if self._restored:
            raise LtiException("Can't validate restored launch")
        self._validated = True
        try:
            self.validate_state()
            self.validate_jwt_format()
            self.validate_nonce()
            self.validate_registration()
            self.validate_jwt_signature()
            self._validate_audience()
            self.validate_deployment()
            self._validate_message_type()
            self.validate_message()
            self._use_nonce()
            self.save_launch_data()
        except Exception:
            self._validated = False
            raise
        return self

    def _validate_audience(self) -> None:
        body = self._jwt["body"]
        client_id = self._registration.get_client_id()
        aud = body.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        azp = body.get("azp")
        if client_id not in audiences:
            raise LaunchRefused(
                "The id_token is addressed to another tool (its aud is not "
                "this tool's client ID).",
                "Check the client ID in the tool's LTI registration.",
            )
        if (len(audiences) > 1 or azp is not None) and azp != client_id:
            raise LaunchRefused(
                "The id_token's authorized party (azp) is not this tool.",
                "Check the client ID in the tool's LTI registration.",
            )

    def _validate_message_type(self) -> None:
        body = self._jwt["body"]
        kind = body.get(CLAIM + "message_type")
        if kind not in MESSAGE_TYPES:
            raise LaunchRefused(
                f"The tool does not handle {kind or 'untyped'} messages; it takes "
                "resource link launches and deep linking requests.",
                "Add the tool to a course as an activity, or through the "
                "content picker (deep linking).",
                400,
            )
        if body.get(CLAIM + "version") != "1.3.0":
            raise LaunchRefused(
                "The launch is not LTI version 1.3.0.",
                "Configure the tool as an LTI 1.3 tool in the LMS.",
                400,
            )

    def _use_nonce(self) -> None:
        session = self._session_service
        key = session._get_key("nonce", self._jwt["body"]["nonce"])
        if not session.data_storage.take_value(key):
            raise LtiException("Invalid Nonce")


def launch_validate(request) -> MessageLaunch:
    """The request's launch, validated; LaunchRefused when it is not valid."""
    try:
        launch = MessageLaunch(request)
        launch.validate()
    except (LtiException, OIDCException, LaunchRefused) as error:
        raise refusal(error) from None
    except Key.DoesNotExist:
        raise no_key() from None
    return launch


def origin_of(url: str | None, *, schemes=("http", "https")) -> str | None:
    """The origin of a URL, as CSP's frame-ancestors takes it, or None when it
    has none (a relative URL, another scheme, user info or odd characters)."""
    parts = urlsplit(url or "")
    if parts.scheme not in schemes or not parts.hostname:
        return None
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    return origin if ORIGIN.fullmatch(origin) else None


def registration_origins(registration: LtiRegistration) -> set[str]:
    """The origins a registration's platform serves pages from, as far as the
    registration tells: its issuer's and its login URL's, and any added."""
    origins = {origin_of(url) for url in (registration.issuer, registration.auth_url)}
    origins.discard(None)
    options = getattr(registration, "trainer_options", None)
    if options is not None:
        origins.update(options.extra_origins())
    return origins
