import csv
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.groups import INSTRUCTORS
from accounts.throttle import rate_limit_hit
from curriculum.csv import csv_safe
from quizzes.models import AttemptStatus

from . import selectors, services, throttling
from .dashboard import agenda_version, trainee_cells, workshop_dashboard
from .forms import (
    AgendaFormSet,
    JoinForm,
    WorkshopForm,
    agenda_initial,
    agenda_rearranged,
)
from .models import Workshop
from .projector import answer_distribution, current_item
from .resume import resume_token_make, resume_token_user

BACKEND = "django.contrib.auth.backends.ModelBackend"


def can_run_workshops(user) -> bool:
    """Instructors and staff create workshops."""
    return user.is_authenticated and (
        user.is_staff or user.groups.filter(name=INSTRUCTORS).exists()
    )


def _taught(request, pk: int) -> Workshop:
    """The workshop if the user runs it; anyone else gets a 404, not a hint."""
    return get_object_or_404(selectors.workshops_taught(request.user), pk=pk)


def _join_url(request, workshop: Workshop) -> str:
    """The join link for the QR code and for remote trainees: it carries a
    signature that lets it past the wrong-code limits (workshops/throttling.py)."""
    query = urlencode({"code": workshop.code, "key": throttling.link_key(workshop)})
    return request.build_absolute_uri(reverse("workshops:join") + f"?{query}")


# --- instructors --------------------------------------------------------------------


@require_GET
@login_required
def workshop_list(request):
    return render(
        request,
        "workshops/workshop_list.html",
        {
            "taught": selectors.workshops_taught(request.user),
            "joined": selectors.workshops_joined(request.user),
            "can_create": can_run_workshops(request.user),
        },
    )


def _form_page(request, form, agenda, workshop, *, status=200, focus=""):
    return render(
        request,
        "workshops/workshop_form.html",
        {"form": form, "agenda": agenda, "workshop": workshop, "focus": focus},
        status=status,
    )


def _rearranged(request, workshop: Workshop | None):
    """The form again after "Move up", "Move down" or "Add a row" without
    JavaScript: nothing saved, what was typed kept, the rows in their new order;
    None for a plain save."""
    found = agenda_rearranged(request.POST)
    if found is None:
        return None
    rows, focus = found
    initial = {name: request.POST.get(name, "") for name in ("title", "date")}
    initial["show_leaderboard"] = bool(request.POST.get("show_leaderboard"))
    form = WorkshopForm(initial=initial, instance=workshop)
    agenda = AgendaFormSet(prefix="agenda", initial=[{"content": v} for v in rows])
    agenda.extra = 0  # the rows are exactly those sent, plus any added
    if focus.endswith(":new") and agenda.forms:
        agenda.forms[-1].fields["content"].widget.attrs["autofocus"] = True
    return _form_page(request, form, agenda, workshop, focus=focus)


@require_http_methods(["GET", "POST"])
@login_required
def workshop_create(request):
    if not can_run_workshops(request.user):
        raise Http404("Only instructors create workshops.")
    if request.method == "POST" and (page := _rearranged(request, None)):
        return page
    form = WorkshopForm(request.POST or None)
    agenda = AgendaFormSet(request.POST or None, prefix="agenda")
    if request.method == "POST" and form.is_valid() and agenda.is_valid():
        workshop = services.workshop_create(
            title=form.cleaned_data["title"],
            date=form.cleaned_data["date"],
            show_leaderboard=form.cleaned_data["show_leaderboard"],
            created_by=request.user,
            contents=agenda.contents(),
        )
        messages.success(
            request, f"Workshop created. Its join code is {workshop.code}."
        )
        return redirect("workshops:dashboard", workshop.pk)
    status = 422 if request.method == "POST" else 200
    return _form_page(request, form, agenda, None, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def workshop_edit(request, pk: int):
    workshop = _taught(request, pk)
    if workshop.is_closed:
        messages.error(request, "A closed workshop cannot be edited.")
        return redirect("workshops:dashboard", workshop.pk)
    if request.method == "POST" and (page := _rearranged(request, workshop)):
        return page
    form = WorkshopForm(request.POST or None, instance=workshop)
    agenda = AgendaFormSet(
        request.POST or None, prefix="agenda", initial=agenda_initial(workshop)
    )
    if request.method == "POST" and form.is_valid() and agenda.is_valid():
        with transaction.atomic():  # the title and the agenda change together
            form.save()
            services.agenda_set(workshop=workshop, contents=agenda.contents())
        messages.success(request, "Workshop saved.")
        return redirect("workshops:dashboard", workshop.pk)
    status = 422 if request.method == "POST" else 200
    return _form_page(request, form, agenda, workshop, status=status)


def _control(action):
    """A POST-only control on a workshop its instructors run; errors become messages."""

    @require_POST
    @login_required
    def view(request, pk: int):
        workshop = _taught(request, pk)
        try:
            note = action(request, workshop)
        except services.WorkshopError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, note)
        return redirect("workshops:dashboard", workshop.pk)

    view.__name__ = action.__name__
    return view


@_control
def workshop_open(request, workshop):
    services.workshop_open(workshop=workshop)
    return f"The workshop is open. Trainees join with the code {workshop.code}."


@_control
def unlock_next(request, workshop):
    item = services.item_unlock_next(workshop=workshop)
    if item is None:
        return "Every item is already unlocked."
    return f"Unlocked: {item.title}."


@_control
def unlock_all(request, workshop):
    count = services.items_unlock_all(workshop=workshop)
    return f"Unlocked {count} item{'s' if count != 1 else ''}."


@_control
def workshop_close(request, workshop):
    services.workshop_close(workshop=workshop)
    return "The workshop is closed. Its results are kept."


@require_GET
@login_required
def close_confirm(request, pk: int):
    """Closing ends the workshop for the whole room: this page asks first, and
    its button posts to the close control. No JavaScript needed."""
    workshop = _taught(request, pk)
    if not workshop.is_open:
        messages.info(request, "Only an open workshop can be closed.")
        return redirect("workshops:dashboard", workshop.pk)
    open_attempts = workshop.attempt_links.filter(
        attempt__status=AttemptStatus.IN_PROGRESS
    ).count()
    return render(
        request,
        "workshops/close_confirm.html",
        {"workshop": workshop, "open_attempts": open_attempts},
    )


@_control
def workshop_reopen(request, workshop):
    workshop, code_changed = services.workshop_reopen(workshop=workshop)
    if code_changed:
        return (
            "The workshop is open again. Its old code was taken by another "
            f"workshop, so its join code is now {workshop.display_code}."
        )
    return f"The workshop is open again, with the code {workshop.display_code}."


@require_POST
@login_required
def workshop_duplicate(request, pk: int):
    workshop = _taught(request, pk)
    if not can_run_workshops(request.user):
        raise Http404("Only instructors create workshops.")
    copy = services.workshop_duplicate(workshop=workshop, created_by=request.user)
    messages.success(
        request,
        f"This is a copy of “{workshop.title}”, a draft with the code "
        f"{copy.display_code}. Change what you need, then save.",
    )
    return redirect("workshops:edit", copy.pk)


@_control
def leaderboard(request, workshop):
    shown = request.POST.get("shown") == "1"
    services.leaderboard_show(workshop=workshop, shown=shown)
    return "The leaderboard is shown." if shown else "The leaderboard is hidden."


@_control
def joining(request, workshop):
    locked = request.POST.get("locked") == "1"
    services.joining_lock(workshop=workshop, locked=locked)
    if locked:
        return "Joining is locked: no one new can join. Participants keep their place."
    return f"Joining is open again, with the code {workshop.code}."


@_control
def joins_allow(request, workshop):
    throttling.guest_caps_lift(workshop)
    return (
        "New guests from your room's network can join again. If someone is "
        "flooding the workshop, lock joining and remove them instead."
    )


@_control
def participant_remove(request, workshop):
    user_id = request.POST.get("user", "")
    if not (user_id.isascii() and user_id.isdigit()):
        raise services.WorkshopError("That person is not in this workshop.")
    name = services.participant_remove(workshop=workshop, user_id=int(user_id))
    return f"{name} is no longer in this workshop."


@require_GET
@login_required
def dashboard(request, pk: int):
    workshop = _taught(request, pk)
    throttling.network_note(request, workshop)  # the room is likely here too
    return render(
        request,
        "workshops/dashboard.html",
        {
            "workshop": workshop,
            "board": workshop_dashboard(workshop),
            "join_url": _join_url(request, workshop),
            "join_path": request.build_absolute_uri(reverse("workshops:join")),
            "joins_refused": throttling.joins_refused(workshop),
            "join_window_minutes": settings.WORKSHOP_JOIN_WINDOW_SECONDS // 60,
        },
    )


@require_GET
@login_required
def dashboard_live(request, pk: int):
    """The part of the dashboard that htmx refreshes every few seconds."""
    workshop = _taught(request, pk)
    return render(
        request,
        "workshops/includes/dashboard_live.html",
        {"workshop": workshop, "board": workshop_dashboard(workshop)},
    )


def _qr_svg(url: str) -> str:
    # Generated here, from our own URL: no external service sees the code.
    return segno.make(url, error="m").svg_inline(
        scale=1, border=2, omitsize=True, svgclass="qr-code", lineclass=None
    )


def _projector_live(workshop: Workshop) -> dict:
    """The projector's live part: the dashboard's numbers, the current item,
    how long the room has been on it, and its answers drawn as charts."""
    board = workshop_dashboard(workshop)
    current = current_item(board.items)
    elapsed = 0
    if current is not None:
        end = workshop.closed_at or timezone.now()
        elapsed = max(0, int((end - current.unlocked_at).total_seconds()))
    minutes, seconds = divmod(elapsed, 60)
    return {
        "workshop": workshop,
        "board": board,
        "current": current,
        "current_stat": next(
            (stat for stat in board.stats if stat.item == current), None
        ),
        "elapsed": elapsed,
        "elapsed_text": f"{minutes}:{seconds:02d}",
        "distribution": answer_distribution(workshop, current),
    }


@require_GET
@login_required
def projector(request, pk: int):
    """The page for the room's screen: join code, current item, answers, scores."""
    workshop = _taught(request, pk)
    throttling.network_note(request, workshop)
    join_url = _join_url(request, workshop)
    return render(
        request,
        "workshops/projector.html",
        {
            **_projector_live(workshop),
            "join_url": join_url,
            "join_path": request.build_absolute_uri(reverse("workshops:join")),
            "qr_svg": _qr_svg(join_url),
        },
    )


@require_GET
@login_required
def projector_live(request, pk: int):
    workshop = _taught(request, pk)
    return render(
        request,
        "workshops/includes/projector_live.html",
        _projector_live(workshop),
    )


@require_GET
@login_required
def summary(request, pk: int):
    workshop = _taught(request, pk)
    return render(
        request,
        "workshops/summary.html",
        {"workshop": workshop, "board": workshop_dashboard(workshop)},
    )


@require_GET
@login_required
def export_csv(request, pk: int):
    workshop = _taught(request, pk)
    board = workshop_dashboard(workshop)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"workshop-{workshop.pk}-{workshop.date:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    header = ["trainee", "username", "guest"]
    for number, item in enumerate(board.items, 1):
        header += [f"{number}. {item.title}: status", f"{number}. {item.title}: score"]
    header += ["items passed", "points"]
    writer.writerow([csv_safe(h) for h in header])
    for row in board.rows:
        line = [row.name, row.username, "yes" if row.is_guest else "no"]
        for cell in row.cells:
            line += [cell.status.label, "" if cell.score is None else cell.score]
        line += [row.passed, row.points]
        writer.writerow([csv_safe(value) for value in line])
    return response


# --- trainees ----------------------------------------------------------------------


def _agenda_for(request, pk: int) -> tuple[Workshop, bool]:
    """The workshop and whether the user is a member; its instructors may look
    too, anyone else gets a 404."""
    workshop = get_object_or_404(Workshop, pk=pk)
    is_member = workshop.memberships.filter(user=request.user).exists()
    if not is_member and not workshop.is_instructor(request.user):
        raise Http404("You have not joined this workshop.")
    return workshop, is_member


# htmx stops polling on this status: a closed workshop changes no more.
STOP_POLLING = 286


@require_GET
@login_required
def agenda_live(request, pk: int):
    """
    The part of the agenda that htmx refreshes every five seconds: the items,
    unlocked or not, and the trainee's own status. Polled by a whole room, so it
    runs a fixed, small number of queries (tests/workshops/test_issue15.py).
    When nothing changed since the version the page holds, the answer is 204
    and htmx swaps nothing: a trainee's focus stays on the button it was on.
    """
    workshop, _ = _agenda_for(request, pk)
    cells = trainee_cells(workshop, request.user)
    version = agenda_version(workshop, cells)
    if request.htmx and request.GET.get("v") == version:
        response = HttpResponse(status=204)
    else:
        response = render(
            request,
            "workshops/includes/agenda_live.html",
            {"workshop": workshop, "cells": cells, "version": version},
            status=STOP_POLLING if workshop.is_closed and request.htmx else 200,
        )
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
@login_required
def agenda(request, pk: int):
    workshop, is_member = _agenda_for(request, pk)
    cells = trainee_cells(workshop, request.user)
    is_guest = hasattr(request.user, "guest_profile")
    resume_url = None
    if is_guest and not request.user.has_usable_password():
        token = resume_token_make(request.user)
        resume_url = request.build_absolute_uri(
            reverse("workshops:resume", args=[token])
        )
    response = render(
        request,
        "workshops/agenda.html",
        {
            "workshop": workshop,
            "cells": cells,
            "version": agenda_version(workshop, cells),
            "is_member": is_member,
            "resume_url": resume_url,
        },
    )
    if resume_url:  # the link signs in as this guest: no cache may keep it
        patch_cache_control(response, private=True, no_store=True)
    return response


def _join_page(request, form, status=200):
    return render(request, "workshops/join.html", {"form": form}, status=status)


def _too_many(request, form, message: str, wait: int):
    form.add_error(None, message)
    response = _join_page(request, form, status=429)
    response["Retry-After"] = str(wait)
    return response


def _minutes(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


_USE_THE_LINK = (
    " You can also open the join link or scan the QR code your instructor "
    "shows: they always work."
)


def _refusal_for_wrong_codes(request, form, workshop) -> HttpResponse | None:
    """The 429 a join gets after too many wrong codes, or None. Past the
    network's or the site's allowance a code is accepted only for a workshop
    known on this network; any other code, right or wrong, gets the same
    answer, so a guess learns nothing."""
    wait = throttling.session_wait(request)
    if wait:
        return _too_many(
            request,
            form,
            "Too many wrong codes from this browser. Wait "
            f"{_minutes(wait)}, then try again." + _USE_THE_LINK,
            wait,
        )
    wait = throttling.shared_wait(request)
    if wait and not (workshop and throttling.network_known(request, workshop)):
        return _too_many(
            request,
            form,
            "Too many wrong codes have come from this network today. Here, codes "
            "are now taken only for workshops that someone on this network has "
            "already joined. Check the code." + _USE_THE_LINK,
            wait,
        )
    return None


def _join_refused(request, form, workshop, *, new_account: bool):
    """The 429 of a successful join past its caps, or None (then it counts)."""
    wait = rate_limit_hit(
        throttling.join_limits(request, workshop, new_account=new_account)
    )
    if not wait:
        return None
    throttling.join_refused_record(workshop)
    return _too_many(
        request,
        form,
        "Too many people have just joined, from this network or in this workshop. "
        f"Wait {_minutes(wait)}, then try again, or ask your instructor: the "
        "dashboard lets them in.",
        wait,
    )


@require_http_methods(["GET", "POST"])
def join(request):
    signed_in = request.user.is_authenticated
    if request.method == "GET":
        initial = {
            "code": request.GET.get("code", "")[:20],
            "key": request.GET.get("key", "")[:100],
        }
        return _join_page(request, JoinForm(initial=initial, signed_in=signed_in))
    form = JoinForm(request.POST, signed_in=signed_in)
    form.is_valid()
    code = form.cleaned_data.get("code")
    workshop = selectors.workshop_by_code(code) if code else None
    linked = workshop is not None and throttling.link_key_valid(
        workshop, form.cleaned_data.get("key", "")
    )
    if not linked:
        refusal = _refusal_for_wrong_codes(request, form, workshop)
        if refusal:
            return refusal
    if form.has_error("code") or (code and workshop is None):
        throttling.failure_record(request)
        if not form.has_error("code"):
            form.add_error("code", "No workshop has this code. Check it and try again.")
        return _join_page(request, form, status=422)
    if form.errors:
        return _join_page(request, form, status=422)
    new = not signed_in or not workshop.memberships.filter(user=request.user).exists()
    if new and workshop.is_open and not workshop.joining_locked:
        refusal = _join_refused(request, form, workshop, new_account=not signed_in)
        if refusal:
            return refusal
    try:
        if signed_in:
            _, created = services.membership_join(workshop=workshop, user=request.user)
            if not created:
                messages.info(request, "You had already joined: welcome back.")
        else:
            user = services.guest_join(
                workshop=workshop, display_name=form.cleaned_data["display_name"]
            )
            login(request, user, backend=BACKEND)
            messages.success(
                request,
                f"Welcome, {form.cleaned_data['display_name']}. To continue on "
                "another device, use your personal link below.",
            )
    except services.WorkshopError as error:
        form.add_error("code", str(error))
        return _join_page(request, form, status=409)
    throttling.network_note(request, workshop)
    return redirect("workshops:agenda", workshop.pk)


@require_http_methods(["GET", "POST"])
def resume(request, token: str):
    """A guest's personal link: confirm, then continue as that guest here."""
    user = resume_token_user(token)
    if user is None:
        return render(request, "workshops/resume.html", {"guest": None}, status=404)
    if request.method == "GET":  # its address is the link: no cache may keep it
        response = render(request, "workshops/resume.html", {"guest": user})
        patch_cache_control(response, private=True, no_store=True)
        return response
    login(request, user, backend=BACKEND)
    membership = user.workshop_memberships.select_related("workshop").last()
    messages.success(request, f"Welcome back, {user.guest_profile.display_name}.")
    if membership is not None:
        return redirect("workshops:agenda", membership.workshop_id)
    return redirect("workshops:list")


@require_http_methods(["GET", "POST"])
@login_required
def guest_password(request):
    """A guest sets a password to sign in anywhere and keep their results."""
    if request.user.has_usable_password():
        # Changing an existing password asks for the old one, on its own page.
        return redirect("accounts:password_change")
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(
            request,
            f"Password set. Sign in as {request.user.get_username()} from now on.",
        )
        return redirect("workshops:list")
    return render(
        request,
        "workshops/guest_password.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )
