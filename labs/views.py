"""Labs: the list, a lab's page, opening, checking and resetting its account."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.throttle import Limit, client_address, rate_limit_hit
from iam.account.goals import GoalError, describe

from . import selectors
from .lab_services import (
    LabError,
    lab_account_for,
    lab_account_open,
    lab_account_reset,
    lab_check,
)
from .models import Lab, PracticeAccount

# Checks a user may make per window, and the window; a check runs the findings
# and many simulations, so it is limited as exercises' checks are.
LAB_CHECKS_PER_USER = 10
LAB_CHECK_WINDOW_SECONDS = 60
LAB_CHECKS_PER_CLIENT = 300


def _lab(request, slug: str) -> Lab:
    lab = Lab.objects.prefetch_related("topics").filter(slug=slug).first()
    if lab is None or not (lab.is_published or request.user.is_staff):
        raise Http404("No such lab.")
    return lab


def account_url(practice: PracticeAccount | None, page: str = "account") -> str | None:
    """A console page of a practice account: ``labs:account``, its overview, or
    ``labs:findings``."""
    if practice is None:
        return None
    return reverse(f"labs:{page}", args=[practice.pk])


@require_GET
@login_required
def lab_list(request):
    rows = selectors.lab_rows(request.user, include_unpublished=request.user.is_staff)
    return render(
        request,
        "labs/lab_list.html",
        {"rows": rows, "sandbox_url": reverse("labs:sandbox")},
    )


def _hints_shown(request, lab: Lab) -> int:
    raw = request.GET.get("hints", "")
    shown = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 else 0
    return min(shown, len(lab.hints))


def _goal_sentences(lab: Lab) -> list[str]:
    sentences = []
    for goal in lab.goals:
        try:
            sentences.append(describe(goal))
        except (GoalError, KeyError, TypeError, AttributeError):
            sentences.append("(a goal written wrongly: tell an administrator)")
    return sentences


def _page(request, lab: Lab, *, status: int = 200):
    practice = lab_account_for(user=request.user, lab=lab)
    shown = _hints_shown(request, lab)
    context = {
        "lab": lab,
        "practice": practice,
        "status": selectors.lab_status(practice),
        "account_url": account_url(practice),
        "findings_url": account_url(practice, "findings"),
        "goals": _goal_sentences(lab),
        "hints": lab.hints[:shown],
        "hints_left": len(lab.hints) - shown,
        "next_hints": shown + 1,
        "check": practice.last_check if practice else None,
    }
    return render(request, "labs/lab_detail.html", context, status=status)


@require_GET
@login_required
def lab_detail(request, slug: str):
    return _page(request, _lab(request, slug))


@require_POST
@login_required
def lab_open(request, slug: str):
    lab = _lab(request, slug)
    try:
        practice = lab_account_open(user=request.user, lab=lab)
    except LabError as error:
        messages.error(request, str(error))
        return redirect(lab)
    return redirect(account_url(practice))


def _throttled(request) -> int:
    window = getattr(settings, "LAB_CHECK_WINDOW_SECONDS", LAB_CHECK_WINDOW_SECONDS)
    return rate_limit_hit(
        [
            Limit(
                f"lab-check:user:{request.user.pk}",
                getattr(settings, "LAB_CHECKS_PER_USER", LAB_CHECKS_PER_USER),
                window,
            ),
            Limit(
                f"lab-check:ip:{client_address(request)}",
                getattr(settings, "LAB_CHECKS_PER_CLIENT", LAB_CHECKS_PER_CLIENT),
                window,
            ),
        ]
    )


@require_POST
@login_required
def lab_check_view(request, slug: str):
    lab = _lab(request, slug)
    practice = lab_account_for(user=request.user, lab=lab)
    if practice is None:
        messages.error(request, "Open the lab's account first, then check it.")
        return redirect(lab)
    wait = _throttled(request)
    if wait:
        messages.error(
            request,
            "You have checked this lab many times in the last minute. Your "
            f"account is kept as it is: wait {wait} seconds, then check again.",
        )
        response = _page(request, lab, status=429)
        response["Retry-After"] = str(wait)
        return response
    try:
        result = lab_check(practice=practice)
    except GoalError as error:
        messages.error(request, f"This lab's goals cannot be checked: {error}.")
        return redirect(lab)
    if result.solved_now:
        messages.success(request, "Every goal is met: lab solved.")
    return redirect(reverse("labs:lab", args=[lab.slug]) + "#results")


@require_http_methods(["GET", "POST"])
@login_required
def lab_reset(request, slug: str):
    lab = _lab(request, slug)
    practice = lab_account_for(user=request.user, lab=lab)
    if practice is None:
        messages.info(request, "You have not opened this lab's account yet.")
        return redirect(lab)
    if request.method == "POST":
        try:
            lab_account_reset(practice=practice)
        except LabError as error:
            messages.error(request, str(error))
            return redirect(lab)
        messages.success(request, "Your account for this lab is as it started.")
        return redirect(lab)
    return render(request, "labs/lab_reset_confirm.html", {"lab": lab})
