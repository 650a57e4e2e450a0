"""What every console page shares: who may see and change an account, running
a form's IAM call, policy references in URLs, and the rate limits."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.throttle import Limit, rate_limit_hit
from iam.account import Account, AccountError
from iam.account.findings import Finding, findings
from iam.account.model import AWS_MANAGED_PREFIX

from ..forms import AccountForm
from ..models import PracticeAccount
from ..services import account_apply, account_load

# Per user and minute. A simulation is cheap; findings simulate every escalation
# step of every identity, so they get fewer.
SIMULATIONS_PER_MINUTE = 30
FINDINGS_PER_MINUTE = 10
WINDOW_SECONDS = 60
VIEW_PERMISSION = "labs.view_practiceaccount"


@dataclass
class Console:
    """A practice account as one request sees it."""

    practice: PracticeAccount
    account: Account
    can_change: bool  # the owner; a staff viewer only reads

    def url(self, name: str, *args: str) -> str:
        return reverse(f"labs:{name}", args=[self.practice.pk, *args])


def console_for(request: HttpRequest, pk: int) -> Console:
    """The account ``pk`` for its owner, or read-only for staff allowed to view
    practice accounts. Anyone else gets 404, as if it did not exist; a staff
    viewer's POST gets 403."""
    practice = get_object_or_404(
        PracticeAccount.objects.select_related("lab", "user"), pk=pk
    )
    user = request.user
    if practice.user_id == user.pk:
        can_change = True
    elif user.is_staff and user.has_perm(VIEW_PERMISSION):
        can_change = False
    else:
        raise Http404("No such practice account.")
    if request.method == "POST" and not can_change:
        raise PermissionDenied("This practice account is someone else's: view only.")
    return Console(practice, account_load(practice), can_change)


class Gone(Exception):
    """A POST about an entity that no longer exists (deleted in another tab)."""


def missing(request: HttpRequest) -> Exception:
    """What to raise for an entity that is not there: 404 for a GET (a wrong
    address); for a POST, ``Gone``, which ``handles_gone`` turns into a
    redirect to the account."""
    if request.method == "POST":
        return Gone()
    return Http404("No such entity in this practice account.")


def find_or_gone(request: HttpRequest, find: Callable[[str], object], name: str):
    """An entity by name, or ``missing``."""
    try:
        return find(name)
    except AccountError:
        raise missing(request) from None


def handles_gone(view):
    """Turns ``Gone`` into a redirect to the account, with a message."""

    @wraps(view)
    def wrapper(request, pk: int, *args, **kwargs):
        try:
            return view(request, pk, *args, **kwargs)
        except Gone:
            return gone_response(request, pk)

    return wrapper


def gone_response(request: HttpRequest, pk: int) -> HttpResponse:
    messages.warning(
        request,
        "What this form changed no longer exists: it was probably deleted in "
        "another tab. Nothing was changed.",
    )
    return redirect("labs:account", pk)


# --- policies in URLs ---------------------------------------------------------


def policy_ref(arn: str) -> str:
    """A managed policy's ARN as a URL path: ``aws/AmazonS3ReadOnlyAccess`` for
    an AWS managed one, ``customer/<path><name>`` for one of the account's."""
    tail = arn.split(":policy/", 1)[-1]
    return ("aws/" if arn.startswith(AWS_MANAGED_PREFIX) else "customer/") + tail


def policy_arn(account: Account, ref: str) -> str:
    owner, _, tail = ref.partition("/")
    if owner == "aws":
        return AWS_MANAGED_PREFIX + tail
    if owner == "customer":
        return f"arn:aws:iam::{account.id}:policy/{tail}"
    raise Http404("No such policy.")


def policy_url(practice_pk: int, arn: str) -> str:
    return reverse("labs:policy", args=[practice_pk, policy_ref(arn)])


# --- forms that change the account --------------------------------------------


@dataclass
class Outcome:
    """What a POST of one of a page's forms came to."""

    forms: dict[str, AccountForm]
    response: HttpResponse | None = None  # a redirect, when done
    failed: AccountForm | None = None
    done: AccountForm | None = None  # a form whose result the page shows once


def page_forms(
    console: Console,
    classes: Sequence[type[AccountForm]],
    *,
    target: str = "",
    kind: str = "",
    initial: dict[str, dict] | None = None,
) -> dict[str, AccountForm]:
    """Every form of a page, unbound, by operation."""
    initial = initial or {}
    return {
        cls.op: cls(
            account=console.account,
            target=target,
            kind=kind,
            initial=initial.get(cls.op),
        )
        for cls in classes
    }


def run_form(
    request: HttpRequest,
    console: Console,
    classes: Sequence[type[AccountForm]],
    *,
    target: str = "",
    kind: str = "",
    exists: Callable[[Account], bool] = lambda account: True,
    next_url: Callable[[AccountForm], str | None] = lambda form: None,
    initial: dict[str, dict] | None = None,
) -> Outcome:
    """Validate the posted form (``op`` names it) and make its call.

    Done: redirect to ``next_url(form)`` or back to the page, unless the form
    has a result to show once (a secret access key): then the page is rendered
    with it. Refused: the page is rendered with the bound form and IAM's code
    and message. When the page's entity is gone (deleted in another tab), back
    to the account with a message.
    """
    forms = page_forms(console, classes, target=target, kind=kind, initial=initial)
    by_op = {cls.op: cls for cls in classes}
    cls = by_op.get(request.POST.get("op", ""))
    if cls is None:
        return Outcome(forms, HttpResponse("Unknown operation.", status=400))
    form = cls(request.POST, account=console.account, target=target, kind=kind)
    forms[cls.op] = form
    gone = _gone(request, console, exists)
    if gone:
        return Outcome(forms, gone)
    if not form.is_valid():
        return Outcome(forms, failed=form)
    try:
        call = account_apply(console.practice, form.apply)
    except AccountError as error:
        form.add_error(None, f"{error.code}: {error.message}")
        console.account = account_load(console.practice)
        gone = _gone(request, console, exists)
        return Outcome(forms, gone, failed=form)
    console.account = account_load(console.practice)
    messages.success(request, f"Done: {call}.")
    if getattr(form, "secret", None):
        fresh = page_forms(console, classes, target=target, kind=kind)
        return Outcome(fresh, done=form)
    return Outcome(forms, redirect(next_url(form) or request.get_full_path()))


def _gone(request, console: Console, exists) -> HttpResponse | None:
    if exists(console.account):
        return None
    return gone_response(request, console.practice.pk)


def render_page(
    request: HttpRequest,
    template: str,
    console: Console,
    outcome: Outcome | None,
    context: dict,
) -> HttpResponse:
    status = 422 if outcome and outcome.failed else 200
    response = render(
        request,
        template,
        {
            "console": console,
            "practice": console.practice,
            "account": console.account,
            "can_change": console.can_change,
            "failed": outcome.failed if outcome else None,
            "done": outcome.done if outcome else None,
            **context,
        },
        status=status,
    )
    if outcome and outcome.done:
        # A secret access key is on this page: no cache may keep it.
        response["Cache-Control"] = "no-store"
    return response


# --- rate limits and findings -------------------------------------------------


def throttled(request: HttpRequest, what: str, allowed: int) -> int:
    """Counts one ``what`` (simulate, findings) for this user; the seconds to
    wait when the allowance is used up (nothing counted then)."""
    return rate_limit_hit(
        [Limit(f"labs-{what}:user:{request.user.pk}", allowed, WINDOW_SECONDS)]
    )


def too_many(seconds: int, what: str) -> str:
    return (
        f"You have asked for many {what} in the last minute. Nothing is lost: "
        f"wait {seconds} seconds, then try again."
    )


def findings_of(request: HttpRequest, console: Console) -> list[Finding] | int:
    """The account's findings, or the seconds to wait when this user has
    computed too many lately. The same account state (on the same day) is
    computed once: the result is cached under a hash of the state."""
    state = json.dumps(console.practice.state, sort_keys=True, separators=(",", ":"))
    day = console.account.clock().date().isoformat()
    digest = hashlib.sha256(f"{day}:{state}".encode()).hexdigest()
    key = f"labs:findings:{digest}"
    found = cache.get(key)
    if found is not None:
        return found
    wait = throttled(request, "findings", FINDINGS_PER_MINUTE)
    if wait:
        return wait
    found = findings(console.account)
    cache.set(key, found, 3600)
    return found
