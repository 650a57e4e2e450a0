"""
The LTI endpoints: login initiation, launch, JWKS, deep linking, the roster
page and the configuration an LMS administrator pastes. Only the two an LMS
posts to from its own site (login initiation and launch) skip the CSRF check:
they carry no CSRF token by design, and a signed id_token, state and nonce
protect them instead.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.lti_core.constants import AgsScope
from lti_tool.models import Key, LtiContext, LtiRegistration
from pylti1p3.deep_link import DeepLink

from .activities import CUSTOM_PARAMETER, activities_published, activity_find
from .launch import (
    CLAIM,
    LaunchRefused,
    OIDCLogin,
    launch_validate,
    no_key,
    origin_of,
    registration_origins,
)
from .middleware import FRAME_ORIGINS
from .services import SCORE_MAXIMUM, launch_accept, roster_sync

BACKEND = "django.contrib.auth.backends.ModelBackend"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
# The session's record of the launch: registration, context, role, deep linking.
SESSION_LAUNCH = "lti_launch"


def refused(request: HttpRequest, error: LaunchRefused) -> HttpResponse:
    """The error page: what went wrong and what the LMS administrator should check."""
    response = render(request, "lti/error.html", {"error": error}, status=error.status)
    # Shown in the LMS's frame: the registered platforms may frame it.
    origins = set()
    for registration in LtiRegistration.objects.active().select_related(
        "trainer_options"
    )[:50]:
        origins |= registration_origins(registration)
    return _framable(response, sorted(origins))


def _launch_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("lti:launch"))


@csrf_exempt
@xframe_options_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def login_initiation(request: HttpRequest) -> HttpResponse:
    """
    Third-party login initiation: a page that checks the browser keeps cookies
    in the LMS's frame (else it offers a new window), then the redirect to the
    platform's authorization endpoint with state and nonce.
    """
    params = request.POST if request.method == "POST" else request.GET
    for required in ("iss", "login_hint"):
        if not params.get(required):
            return refused(
                request,
                LaunchRefused(
                    f"The login request has no {required}.",
                    "Point the LMS's “Initiate login URL” at this address; the "
                    "LMS adds iss and login_hint itself.",
                    400,
                ),
            )
    if not params.get("lti1p3_new_window"):
        query = {k: v for k, v in params.items() if k != "csrfmiddlewaretoken"}
        query["lti1p3_new_window"] = "1"
        continue_url = request.path + "?" + urlencode(query)
        response = render(request, "lti/cookie_check.html", {"next": continue_url})
        return _framable(response, _login_origins(params))
    try:
        response = OIDCLogin(request).redirect_to_platform(_launch_url(request))
    except LaunchRefused as error:
        return refused(request, error)
    except Key.DoesNotExist:
        return refused(request, no_key())
    return response


def _login_origins(params) -> list[str]:
    registrations = LtiRegistration.objects.active().filter(issuer=params.get("iss"))
    origins = set()
    for registration in registrations.select_related("trainer_options")[:5]:
        origins |= registration_origins(registration)
    return sorted(origins)


def _framable(response: HttpResponse, origins: list[str]) -> HttpResponse:
    response._csp_config = {
        **settings.SECURE_CSP,
        "frame-ancestors": origins or ["'none'"],
    }
    response.xframe_options_exempt = bool(origins)
    return response


def _session_origins(launch) -> list[str]:
    body = launch.get_launch_data()
    origins = registration_origins(launch.get_tool_conf().registration)
    # The platform signed these, so they are as trusted as its issuer.
    presentation = body.get(CLAIM + "launch_presentation") or {}
    platform = body.get(CLAIM + "tool_platform") or {}
    for url in (presentation.get("return_url"), platform.get("url")):
        origin = origin_of(url, schemes=("https",))
        if origin:
            origins.add(origin)
    return sorted(origins)


@csrf_exempt
@never_cache
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """
    The launch: validate the id_token in full, then sign the person in (no
    password) and take them to the activity, or an instructor's deep linking
    request to the picker. A refusal stores nothing and signs nobody in.
    """
    try:
        message_launch = launch_validate(request)
        accepted = launch_accept(launch=message_launch)
    except LaunchRefused as error:
        return refused(request, error)
    body = message_launch.get_launch_data()
    registration = message_launch.get_tool_conf().registration
    login(request, accepted.user, backend=BACKEND)
    record = {
        "registration": registration.pk,
        "context": accepted.context.pk,
        "teaches": accepted.teaches,
        "deployment_id": body[CLAIM + "deployment_id"],
    }
    if message_launch.is_deep_link_launch():
        record["deep_linking"] = body[DL_CLAIM]
    request.session[SESSION_LAUNCH] = record
    request.session[FRAME_ORIGINS] = _session_origins(message_launch)
    if message_launch.is_deep_link_launch():
        return redirect("lti:pick")
    if accepted.teaches:
        record["activity"] = accepted.activity.reference
        request.session[SESSION_LAUNCH] = record
        return redirect("lti:course")
    return redirect(accepted.activity.url)


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The tool's public keys, which platforms verify its messages with."""
    response = JsonResponse(Key.objects.as_jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


def _launch_record(request: HttpRequest) -> dict | None:
    if not request.user.is_authenticated:
        return None
    return request.session.get(SESSION_LAUNCH)


def _not_in_launch() -> LaunchRefused:
    return LaunchRefused(
        "This page opens only from a course in your LMS.",
        "Open the tool again from the course page.",
    )


def _instructors_only(doing: str) -> LaunchRefused:
    return LaunchRefused(
        f"Only a course's instructors may {doing}.",
        "Ask the course's instructor, who sees this in the LMS as an instructor.",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def pick(request: HttpRequest) -> HttpResponse:
    """The instructor's picker of a deep linking request, and its answer."""
    record = _launch_record(request)
    if record is None or "deep_linking" not in record:
        return refused(request, _not_in_launch())
    if not record["teaches"]:
        return refused(request, _instructors_only("pick activities"))
    if request.method == "GET":
        return render(request, "lti/pick.html", {"kinds": activities_published()})
    activity = activity_find(request.POST.get("activity", ""))
    if activity is None:
        response = render(
            request,
            "lti/pick.html",
            {
                "kinds": activities_published(),
                "error": "Choose one of the published activities below.",
            },
            status=422,
        )
        return response
    registration = LtiRegistration.objects.get(pk=record["registration"])
    settings_claim = record["deep_linking"]
    try:
        deep_link = DeepLink(
            registration.to_registration(), record["deployment_id"], settings_claim
        )
    except Key.DoesNotExist:
        return refused(request, no_key())
    message = deep_link.get_message_jwt([])
    message[CLAIM.replace("/lti/", "/lti-dl/") + "content_items"] = [
        {
            "type": "ltiResourceLink",
            "title": activity.title,
            "url": _launch_url(request),
            "custom": {CUSTOM_PARAMETER: activity.reference},
            "lineItem": {
                "scoreMaximum": SCORE_MAXIMUM,
                "label": activity.title,
                "resourceId": activity.reference,
            },
        }
    ]
    return_url = settings_claim.get("deep_link_return_url")
    return_origin = origin_of(return_url)
    if return_origin is None:
        return refused(
            request,
            LaunchRefused(
                "The LMS gave no web address to send the chosen activity back to.",
                "The LMS must send deep_link_return_url in its deep linking "
                "settings; check the tool's deep linking configuration there.",
                400,
            ),
        )
    token = deep_link.encode_jwt(message)
    response = render(
        request,
        "lti/pick_return.html",
        {"return_url": return_url, "jwt": token, "activity": activity},
    )
    response._csp_config = {
        **settings.SECURE_CSP,
        "form-action": ["'self'", return_origin],
    }
    # The page is framed by the platform too (the middleware adds it).
    request.session[SESSION_LAUNCH] = {
        k: v for k, v in record.items() if k != "deep_linking"
    }
    return response


@never_cache
@require_GET
def course(request: HttpRequest) -> HttpResponse:
    """An instructor's landing page after a launch: the activity and the roster."""
    record = _launch_record(request)
    if record is None or not record["teaches"]:
        return refused(request, _not_in_launch())
    context = LtiContext.objects.get(pk=record["context"])
    activity = activity_find(record.get("activity", ""))
    return render(
        request, "lti/course.html", {"context": context, "activity": activity}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest) -> HttpResponse:
    """A course's members, for its instructors, and a button to sync them."""
    record = _launch_record(request)
    if record is None:
        return refused(request, _not_in_launch())
    if not record["teaches"]:
        return refused(request, _instructors_only("see its roster"))
    context = LtiContext.objects.select_related("deployment__registration").get(
        pk=record["context"]
    )
    synced = None
    if request.method == "POST":
        try:
            synced = roster_sync(context=context)
        except LaunchRefused as error:
            return refused(request, error)
    memberships = context.memberships.select_related("user__auth_user").order_by(
        "user__family_name", "user__given_name", "user__sub"
    )
    return render(
        request,
        "lti/roster.html",
        {"context": context, "memberships": memberships, "synced": synced},
    )


def _urls(request: HttpRequest) -> dict[str, str]:
    def absolute(name: str) -> str:
        return request.build_absolute_uri(reverse(name))

    return {
        "login": absolute("lti:login"),
        "launch": absolute("lti:launch"),
        "jwks": absolute("lti:jwks"),
        "deep_link": absolute("lti:launch"),
        "canvas": absolute("lti:canvas"),
        "config": absolute("lti:config"),
    }


@require_GET
def config(request: HttpRequest) -> HttpResponse:
    """What an LMS administrator pastes to register the tool."""
    return render(
        request,
        "lti/config.html",
        {"urls": _urls(request), "has_key": Key.objects.active().exists()},
    )


@require_GET
def canvas_config(request: HttpRequest) -> JsonResponse:
    """Canvas's developer key JSON ("Enter URL" or "Paste JSON")."""
    urls = _urls(request)
    host = urlsplit(urls["launch"]).hostname or ""
    picker = {
        "message_type": "LtiDeepLinkingRequest",
        "target_link_uri": urls["launch"],
        "text": "Shared Responsibility Trainer",
    }
    return JsonResponse(
        {
            "title": "Shared Responsibility Trainer",
            "description": "Quizzes, IAM policy exercises and labs on the AWS "
            "shared responsibility model.",
            "oidc_initiation_url": urls["login"],
            "target_link_uri": urls["launch"],
            "public_jwk_url": urls["jwks"],
            "scopes": [
                AgsScope.MANAGE_LINEITEMS.value,
                AgsScope.QUERY_LINEITEMS.value,
                AgsScope.PUBLISH_SCORES.value,
                AgsScope.ACCESS_RESULTS.value,
                NRPS_SCOPE,
            ],
            "extensions": [
                {
                    "domain": host,
                    "platform": "canvas.instructure.com",
                    "privacy_level": "public",
                    "settings": {
                        "placements": [
                            {"placement": "link_selection", **picker},
                            {"placement": "assignment_selection", **picker},
                        ]
                    },
                }
            ],
            "custom_fields": {},
        }
    )
