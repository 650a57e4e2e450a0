"""
The tool's writes: accepting a launch (accounts, memberships, the activity),
recording and sending scores (Assignment and Grade Services), and syncing a
course's roster (Names and Role Provisioning Services).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from django.contrib.auth.models import Group, User
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from lti_tool.lti_core.constants import (
    AgsScope,
    ContextRole,
    InstitutionRole,
    SystemRole,
)
from lti_tool.lti_core.utils import normalize_role
from lti_tool.models import Key, LtiContext, LtiLaunch, LtiRegistration, LtiUser
from lti_tool.utils import sync_data_from_launch
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from accounts.groups import INSTRUCTORS, TRAINEES
from accounts.names import clean_name
from accounts.services import instructors_staff_sync

from .activities import CUSTOM_PARAMETER, Activity, activity_find
from .http import platform_session
from .launch import CLAIM, LaunchRefused, MessageLaunch, no_key
from .models import ActivityKind, ActivityLaunch, ScoreSend, ScoreStatus

log = logging.getLogger(__name__)

AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
# What the gradebook gets: the score as a percentage of 100, for every kind.
SCORE_MAXIMUM = 100.0
# A failed send waits 1, 2, 4, ... minutes, at most six hours, and the outbox
# gives up (status Failed, still retried from the admin) after MAX_TRIES.
MAX_TRIES = 12
MAX_BACKOFF = timedelta(hours=6)
# How long a sender holds a row it took, so that two never send the same one.
LEASE = timedelta(minutes=5)

_TEACHING_ROLES = {
    ContextRole.INSTRUCTOR,
    ContextRole.ADMINISTRATOR,
    InstitutionRole.ADMINISTRATOR,
    InstitutionRole.INSTRUCTOR,
    SystemRole.ADMINISTRATOR,
    SystemRole.SYS_ADMIN,
}
_TEACHING_ROLE_URIS = {role.value for role in _TEACHING_ROLES}


def roles_teach(roles: list[str]) -> bool:
    """Whether LTI roles make someone a course's instructor or administrator."""
    return any(normalize_role(role) in _TEACHING_ROLE_URIS for role in roles or [])


# Accounts -----------------------------------------------------------------


def _username(registration: LtiRegistration, sub: str) -> str:
    digest = hashlib.sha256(f"{registration.issuer}\n{sub}".encode()).hexdigest()
    return f"lti-{digest[:16]}"


def user_for_lti_user(*, lti_user: LtiUser, teaches: bool) -> User:
    """
    The site account of a platform user: made on first sight with no usable
    password (they sign in only through the LMS), its name and email kept up
    to date from the platform. The email is never used to match an existing
    account, which would let a platform take over anyone's account.
    """
    user = lti_user.auth_user
    first = clean_name(lti_user.given_name)[:150]
    last = clean_name(lti_user.family_name)[:150]
    if not (first or last) and lti_user.name:
        first = clean_name(lti_user.name)[:150]
    if user is None:
        user = User(
            username=_username(lti_user.registration, lti_user.sub),
            first_name=first,
            last_name=last,
            email=lti_user.email,
        )
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get_or_create(name=TRAINEES)[0])
        lti_user.auth_user = user
        lti_user.save(update_fields=["auth_user", "datetime_modified"])
    else:
        changed = {
            field: value
            for field, value in (
                ("first_name", first),
                ("last_name", last),
                ("email", lti_user.email),
            )
            if value and getattr(user, field) != value
        }
        if changed:
            for field, value in changed.items():
                setattr(user, field, value)
            user.save(update_fields=list(changed))
    options = getattr(lti_user.registration, "trainer_options", None)
    if teaches and options is not None and options.instructors_join_group:
        group = Group.objects.get_or_create(name=INSTRUCTORS)[0]
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
            instructors_staff_sync(user_ids=[user.pk])
    return user


# Launches -----------------------------------------------------------------


@dataclass(frozen=True)
class LaunchAccepted:
    """What a valid launch signed in and where it leads."""

    user: User
    context: LtiContext
    teaches: bool
    activity: Activity | None


def _activity_of(body: dict) -> Activity | None:
    custom = body.get(CLAIM + "custom") or {}
    reference = custom.get(CUSTOM_PARAMETER) if isinstance(custom, dict) else None
    if not reference:
        target = urlsplit(body.get(CLAIM + "target_link_uri") or "")
        for pair in target.query.split("&"):
            name, _, value = pair.partition("=")
            if name == CUSTOM_PARAMETER:
                reference = value.replace("%3A", ":").replace("%3a", ":")
    return activity_find(reference) if reference else None


def _line_item(body: dict) -> str:
    ags = body.get(AGS_CLAIM) or {}
    if AgsScope.PUBLISH_SCORES.value not in (ags.get("scope") or []):
        return ""
    return ags.get("lineitem") or ""


# The lengths of django-lti's columns, which PostgreSQL enforces: a longer
# optional value from a platform is cut or left out rather than fail the launch.
_TEXT_LIMITS = {"given_name": 500, "family_name": 500, "name": 500}
_URL_LIMIT = 200


def _fit(person: dict) -> None:
    """Make a person's claims (a launch's or a roster member's) fit the columns."""
    for name, limit in _TEXT_LIMITS.items():
        if isinstance(person.get(name), str):
            person[name] = person[name][:limit]
    email = person.get("email")
    if email is not None and (not isinstance(email, str) or len(email) > 254):
        del person["email"]
    picture = person.get("picture")
    if picture is not None and (not isinstance(picture, str) or len(picture) > 200):
        del person["picture"]


def _fit_launch(body: dict) -> None:
    _fit(body)
    for claim, limits in (
        ("context", {"title": 500, "label": 255}),
        ("resource_link", {"title": 500}),
    ):
        part = body.get(CLAIM + claim)
        if isinstance(part, dict):
            for name, limit in limits.items():
                if isinstance(part.get(name), str):
                    part[name] = part[name][:limit]
    # django-lti keeps these in 200-character URL columns: a longer one is
    # dropped (no roster, or no line item list) rather than fail the launch.
    for claim, key in (
        (NRPS_CLAIM, "context_memberships_url"),
        (AGS_CLAIM, "lineitems"),
    ):
        part = body.get(claim)
        if isinstance(part, dict) and len(str(part.get(key, ""))) > _URL_LIMIT:
            log.warning("LTI launch: a %s over %s characters ignored", key, _URL_LIMIT)
            part.pop(key)
            if claim == NRPS_CLAIM:
                del body[claim]
    identifiers = [body.get("sub"), (body.get(CLAIM + "context") or {}).get("id")]
    identifiers.append((body.get(CLAIM + "resource_link") or {}).get("id"))
    if any(isinstance(value, str) and len(value) > 255 for value in identifiers):
        raise LaunchRefused(
            "The launch names a user, course or link by an identifier longer than "
            "255 characters, which the tool cannot store.",
            "Tell the tool's maintainers which LMS sends such identifiers.",
            400,
        )


def launch_accept(*, launch: MessageLaunch) -> LaunchAccepted:
    """
    Store what a validated launch says (django-lti's rows: deployment, LTI
    user, context, membership, resource link), map the LTI user to a site
    account and, for a resource link, note the activity it opens and the line
    item its scores go to. One transaction: a refusal stores nothing.
    """
    body = launch.get_launch_data()
    _fit_launch(body)
    teaches = roles_teach(body.get(CLAIM + "roles") or [])
    activity = None
    if launch.is_resource_launch():
        activity = _activity_of(body)
        if activity is None:
            raise LaunchRefused(
                "This link does not name an activity of the tool that exists "
                "and is published.",
                "An instructor should add the activity again through the LMS's "
                "content picker (deep linking), which names the activity.",
                400,
            )
    elif not teaches:
        raise LaunchRefused(
            "Only a course's instructors and administrators may pick activities.",
            "Ask the course's instructor to add the activity.",
        )
    # Two first launches of one LMS user at once both try to make its rows;
    # the one that loses meets the other's rows when it tries again.
    for tries_left in (1, 0):
        try:
            user, context = _launch_store(launch, body, teaches, activity)
            break
        except IntegrityError:
            if not tries_left:
                raise
    return LaunchAccepted(user, context, teaches, activity)


def _launch_store(launch: MessageLaunch, body: dict, teaches: bool, activity):
    lti_launch = LtiLaunch(launch)
    with transaction.atomic():
        sync_data_from_launch(lti_launch)
        user = user_for_lti_user(lti_user=lti_launch.user, teaches=teaches)
        context = lti_launch.context
        if activity is not None:
            ActivityLaunch.objects.update_or_create(
                user=user,
                resource_link=lti_launch.resource_link,
                defaults={
                    "kind": activity.kind,
                    "slug": activity.slug,
                    "lms_user_id": body["sub"],
                    "line_item_url": _line_item(body),
                    "launched_at": timezone.now(),
                },
            )
    return user, context


# Scores -------------------------------------------------------------------


def score_record(*, user, kind: ActivityKind, slug: str, fraction: float) -> list[int]:
    """
    Put a score (a fraction from 0 to 1) in the outbox for every line item the
    user launched this activity for. Only a better score than any already
    recorded for that line item is sent: a worse later attempt does not lower
    the gradebook, and a better one replaces a pending worse one. Called inside
    the transaction that stores the attempt or submission; returns the new
    rows' ids, sent once that transaction commits.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    given = round(max(0.0, min(1.0, fraction)) * SCORE_MAXIMUM, 2)
    new = []
    for launch in ActivityLaunch.objects.filter(
        user=user, kind=kind, slug=slug
    ).exclude(line_item_url=""):
        rows = ScoreSend.objects.filter(
            user=user, line_item_url=launch.line_item_url
        ).exclude(status=ScoreStatus.SUPERSEDED)
        best = rows.aggregate(best=Max("score_given"))["best"]
        if best is not None and given <= best:
            continue
        rows.filter(status__in=[ScoreStatus.PENDING, ScoreStatus.FAILED]).update(
            status=ScoreStatus.SUPERSEDED
        )
        row = ScoreSend.objects.create(
            user=user,
            launch=launch,
            line_item_url=launch.line_item_url,
            lms_user_id=launch.lms_user_id,
            score_given=given,
            score_maximum=SCORE_MAXIMUM,
        )
        new.append(row.pk)
    if new:
        # The learner's earlier scores that wait for a retry go along.
        # robust: the attempt is stored whatever happens here; the row waits.
        transaction.on_commit(lambda: scores_send(ids=new, user=user), robust=True)
    return new


def _scores_url(line_item_url: str) -> str:
    parts = urlsplit(line_item_url)
    path = parts.path.rstrip("/") + "/scores"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def _connector(registration: LtiRegistration) -> ServiceConnector:
    return ServiceConnector(registration.to_registration(), platform_session())


def _score_post(row: ScoreSend) -> None:
    registration = row.launch.resource_link.context.deployment.registration
    payload = {
        "userId": row.lms_user_id,
        "scoreGiven": row.score_given,
        "scoreMaximum": row.score_maximum,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": row.created_at.isoformat(),
    }
    _connector(registration).make_service_request(
        [AgsScope.PUBLISH_SCORES.value],
        _scores_url(row.line_item_url),
        is_post=True,
        data=json.dumps(payload),
        content_type="application/vnd.ims.lis.v1.score+json",
    )


def _backoff(tries: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(tries - 1, 0)), MAX_BACKOFF)


@dataclass(frozen=True)
class SendCount:
    sent: int
    failed: int


def scores_send(
    *, ids: list[int] | None = None, user=None, now: datetime | None = None
) -> SendCount:
    """
    Send the outbox rows that are due: all of them, or those of ``ids`` and
    of ``user``. Each is sent at most once at a time: a row is leased before it
    is sent, so two senders (a request's on-commit and the cron command) never
    both send it.
    """
    now = now or timezone.now()
    due = ScoreSend.objects.filter(status=ScoreStatus.PENDING, next_try_at__lte=now)
    if ids is not None or user is not None:
        due = due.filter(Q(pk__in=ids or []) | Q(user=user))
    sent = failed = 0
    for pk in list(due.order_by("next_try_at").values_list("pk", flat=True)[:500]):
        taken = ScoreSend.objects.filter(
            pk=pk, status=ScoreStatus.PENDING, next_try_at__lte=now
        ).update(next_try_at=now + LEASE)
        if not taken:
            continue
        row = ScoreSend.objects.select_related(
            "launch__resource_link__context__deployment__registration"
        ).get(pk=pk)
        try:
            _score_post(row)
        except Exception as error:  # any failure stays in the outbox
            failed += 1
            row.tries += 1
            row.last_error = _describe(error)[:2000]
            row.next_try_at = now + _backoff(row.tries)
            if row.tries >= MAX_TRIES:
                row.status = ScoreStatus.FAILED
            row.save(update_fields=["tries", "last_error", "next_try_at", "status"])
            log.warning("LTI score %s not sent: %s", row.pk, row.last_error)
        else:
            sent += 1
            row.tries += 1
            row.status = ScoreStatus.SENT
            row.sent_at = timezone.now()
            row.last_error = ""
            row.save(update_fields=["tries", "status", "sent_at", "last_error"])
    return SendCount(sent, failed)


def _describe(error: Exception) -> str:
    if isinstance(error, Key.DoesNotExist):
        return "The tool has no signing key: run `python manage.py lti_keys`."
    response = getattr(error, "response", None)
    if response is not None and hasattr(response, "status_code"):
        return f"The platform answered {response.status_code}: {response.text[:500]}"
    return f"{type(error).__name__}: {error}"


def scores_retry(*, queryset) -> int:
    """Make failed or waiting rows due now (the admin's "retry now")."""
    return queryset.filter(status__in=[ScoreStatus.PENDING, ScoreStatus.FAILED]).update(
        status=ScoreStatus.PENDING, next_try_at=timezone.now()
    )


# Roster -------------------------------------------------------------------


@dataclass(frozen=True)
class RosterSynced:
    members: int
    accounts_created: int


def roster_sync(*, context: LtiContext) -> RosterSynced:
    """
    Fetch a course's members from the platform (NRPS, with a client-credentials
    token) and create or update their LTI users, memberships and site accounts
    (no password). Raises LaunchRefused with plain words when the platform
    offers no roster or does not answer; then nothing is stored.
    """
    if not context.memberships_url:
        raise LaunchRefused(
            "The platform did not offer this course's roster.",
            "Enable the Names and Role Provisioning service for the tool in the "
            "LMS, then launch the tool again from the course.",
            400,
        )
    registration = context.deployment.registration
    try:
        service = NamesRolesProvisioningService(
            _connector(registration),
            {"context_memberships_url": context.memberships_url},
        )
    except Key.DoesNotExist:
        raise no_key() from None
    try:
        members = service.get_members()
    except Exception as error:
        raise LaunchRefused(
            f"The platform's roster could not be fetched ({_describe(error)}).",
            "Check that the LMS grants the tool the roster (NRPS) scope and that "
            "its token URL in the tool's LTI registration is right.",
            502,
        ) from None
    members = [
        m
        for m in members
        if isinstance(m, dict) and m.get("user_id") and len(str(m["user_id"])) <= 255
    ]
    for member in members:
        _fit(member)
    created = 0
    with transaction.atomic():
        for member in members:
            member.setdefault("roles", [])
            member.setdefault("status", "Active")
        context.update_memberships(members)
        lti_users = LtiUser.objects.filter(
            registration=registration, sub__in=[m["user_id"] for m in members]
        ).select_related("registration", "registration__trainer_options")
        roles = {m["user_id"]: m["roles"] for m in members}
        for lti_user in lti_users:
            created += lti_user.auth_user_id is None
            user_for_lti_user(
                lti_user=lti_user, teaches=roles_teach(roles[lti_user.sub])
            )
    return RosterSynced(len(members), created)


def contexts_with_roster():
    return LtiContext.objects.exclude(Q(memberships_url="")).select_related(
        "deployment__registration"
    )
