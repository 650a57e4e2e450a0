from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.throttle import Limit, client_address, rate_limit_hit
from curriculum.cache import cached, current_version

from . import selectors
from .forms import PolicyForm, SimulatorForm
from .models import Exercise, ExerciseKind, ExerciseProgress, Submission
from .services import (
    ChecksBusy,
    ExerciseError,
    hint_reveal,
    policy_simulate,
    prediction_submit,
    submission_create,
)

# How long a trainee is asked to wait when every check slot is taken.
BUSY_RETRY_SECONDS = 3


def _exercise_for(request, slug: str) -> Exercise:
    """The exercise with its hints and tests, from the curriculum cache."""
    exercise = cached(request, f"exercise:{slug}", _exercise_build(slug))
    if exercise is None or not (exercise.is_published or request.user.is_staff):
        raise Http404("No such exercise.")
    return exercise


def _exercise_build(slug: str):
    def build() -> Exercise | None:
        exercises = Exercise.objects.prefetch_related("hints", "tests", "topics")
        return exercises.filter(slug=slug).first()

    return build


@require_GET
@login_required
def exercise_list(request):
    rows = selectors.exercise_rows(
        request.user, include_unpublished=request.user.is_staff
    )
    return render(request, "exercises/exercise_list.html", {"rows": rows})


def _page(request, exercise: Exercise, *, text: str, submission=None, **extra):
    status = extra.pop("status", 200)
    progress = ExerciseProgress.objects.filter(
        exercise=exercise, user=request.user
    ).first()
    tests = list(exercise.tests.all())
    predict = exercise.kind == ExerciseKind.PREDICT
    context = {
        "exercise": exercise,
        "form": extra.pop("form", None) or PolicyForm(initial={"policy": text}),
        "simulator": extra.pop("simulator", None) or SimulatorForm(),
        "submission": submission,
        "result": submission.grade_result if submission else None,
        "progress": progress,
        **_hints(exercise, progress),
        "history": selectors.history(exercise, request.user),
        "tests": tests if predict else (),
        # Shown before the first check; hidden ones are only counted.
        "visible_tests": [] if predict else [t for t in tests if t.visible],
        "hidden_tests": 0 if predict else sum(not t.visible for t in tests),
        **extra,
    }
    if submission is not None and "form_errors" not in context:
        context["results_html"] = _results_html(request, exercise, submission)
    return render(request, "exercises/exercise_detail.html", context, status=status)


def _results_html(request, exercise: Exercise, submission: Submission) -> str:
    """A submission's result as the page shows it, rendered once per process: a
    result never changes, and a large one costs a millisecond to render."""
    store = caches["results"]
    key = f"{current_version(request)}:{submission.pk}"
    html = store.get(key)
    if html is None:
        html = render_to_string(
            "exercises/includes/results.html",
            {"result": submission.grade_result, "exercise": exercise},
        )
        store.set(key, html)
    return html


def _hints(exercise: Exercise, progress: ExerciseProgress | None) -> dict:
    """The hints revealed so far and how many are left."""
    hints = list(exercise.hints.all())
    shown = progress.hints_shown if progress else 0
    return {"hints": hints[:shown], "hints_left": len(hints) - shown}


def _throttled(request, what: str) -> int:
    """Counts a check or a simulation (``what``) for this user and address; the
    seconds to wait when either has used up its allowance (nothing is counted
    then). Users have an allowance for each; an address one for both."""
    per_user = {
        "check": settings.EXERCISE_CHECKS_PER_USER,
        "simulate": settings.EXERCISE_SIMULATIONS_PER_USER,
    }[what]
    window = settings.EXERCISE_CHECK_WINDOW_SECONDS
    return rate_limit_hit(
        [
            Limit(f"{what}:user:{request.user.pk}", per_user, window),
            Limit(
                f"check:ip:{client_address(request)}",
                settings.EXERCISE_CHECKS_PER_CLIENT,
                window,
            ),
        ]
    )


def _wait_message(seconds: int, *, busy: bool) -> str:
    if busy:
        return (
            "The server is busy checking other policies. Your policy is kept: "
            f"try again in {seconds} seconds."
        )
    return (
        "You have run many checks and simulations in the last minute. Your "
        f"policy is kept: wait {seconds} seconds, then try again."
    )


def _slow_down(request, exercise: Exercise, text: str, seconds: int, *, busy=False):
    """429 (or 503 when the server is busy) with Retry-After; the text is kept."""
    message = _wait_message(seconds, busy=busy)
    status = 503 if busy else 429
    if request.htmx:
        response = render(
            request,
            "exercises/includes/results.html",
            {"form_errors": [message], "exercise": exercise},
            status=status,
        )
    else:
        messages.error(request, message)
        response = _page(request, exercise, text=text, status=status)
    response["Retry-After"] = str(seconds)
    return response


def _refused(request, exercise: Exercise, error: Exception):
    """A submission the rules refused (a workshop closed meanwhile): say why."""
    if request.htmx:
        return render(
            request,
            "exercises/includes/results.html",
            {"form_errors": [str(error)], "exercise": exercise},
        )
    messages.error(request, str(error))
    return redirect(exercise)


@require_GET
@login_required
def exercise_detail(request, slug: str):
    exercise = _exercise_for(request, slug)
    mine = Submission.objects.filter(exercise=exercise, user=request.user)
    submission = mine.first()
    restore = request.GET.get("restore", "")
    if restore.isascii() and restore.isdigit():
        restored = get_object_or_404(mine, pk=int(restore))
        return _page(request, exercise, text=restored.text, submission=restored)
    text = submission.text if submission else exercise.starter
    return _page(request, exercise, text=text, submission=submission)


@require_POST
@login_required
def exercise_check(request, slug: str):
    exercise = _exercise_for(request, slug)
    # Refused before anything else is done with the text: it is only kept.
    wait = _throttled(request, "check")
    if wait:
        return _slow_down(request, exercise, request.POST.get("policy", ""), wait)
    form = PolicyForm(request.POST)
    if not form.is_valid():
        text = request.POST.get("policy", "")
        if request.htmx:
            return render(
                request,
                "exercises/includes/results.html",
                {"form_errors": form.errors["policy"], "exercise": exercise},
                status=422,
            )
        return _page(request, exercise, text=text, form=form, status=422)
    text = form.cleaned_data["policy"]
    try:
        submission = submission_create(exercise=exercise, user=request.user, text=text)
    except ExerciseError as error:
        return _refused(request, exercise, error)
    except ChecksBusy:
        return _slow_down(request, exercise, text, BUSY_RETRY_SECONDS, busy=True)
    if request.htmx:
        return render(
            request,
            "exercises/includes/results.html",
            {
                "result": submission.grade_result,
                "submission": submission,
                "exercise": exercise,
            },
        )
    return redirect(reverse("exercises:exercise", args=[slug]) + "#results")


@require_POST
@login_required
def exercise_predict(request, slug: str):
    exercise = _exercise_for(request, slug)
    if exercise.kind != ExerciseKind.PREDICT:
        return redirect(exercise)
    valid_ids = set(exercise.tests.values_list("pk", flat=True))
    # isdigit() alone accepts "²", which int() refuses.
    picked = {
        int(v) for v in request.POST.getlist("allowed") if v.isascii() and v.isdigit()
    }
    try:
        prediction_submit(
            exercise=exercise,
            user=request.user,
            allowed_ids=picked & valid_ids,
        )
    except ExerciseError as error:
        return _refused(request, exercise, error)
    return redirect(reverse("exercises:exercise", args=[slug]) + "#results")


@require_POST
@login_required
def exercise_simulate(request, slug: str):
    exercise = _exercise_for(request, slug)
    form = SimulatorForm(request.POST)
    latest = Submission.objects.filter(exercise=exercise, user=request.user).first()
    # With htmx the editor's current text comes along; without JavaScript the
    # simulator uses the last checked text.
    text = request.POST.get("policy") or (latest.text if latest else exercise.starter)
    if exercise.kind == ExerciseKind.PREDICT:
        text = exercise.reference
    outcome = None
    if form.is_valid():
        wait = _throttled(request, "simulate")
        busy = False
        if not wait:
            try:
                outcome = policy_simulate(
                    exercise=exercise, text=text, request=form.cleaned_data
                )
            except ChecksBusy:
                wait, busy = BUSY_RETRY_SECONDS, True
        if wait:
            return _simulation_refused(request, exercise, form, text, wait, busy)
    if request.htmx:
        return render(
            request,
            "exercises/includes/simulation.html",
            {"simulator": form, "outcome": outcome, "exercise": exercise},
            status=200 if form.is_valid() else 422,
        )
    return _page(
        request,
        exercise,
        text=text,
        submission=latest,
        simulator=form,
        outcome=outcome,
        status=200 if form.is_valid() else 422,
    )


def _simulation_refused(request, exercise, form, text, seconds, busy):
    """The simulator's answer to a throttled or busy request: its own error,
    in place, with Retry-After."""
    if not request.htmx:
        return _slow_down(request, exercise, text, seconds, busy=busy)
    form.add_error(None, _wait_message(seconds, busy=busy))
    response = render(
        request,
        "exercises/includes/simulation.html",
        {"simulator": form, "outcome": None, "exercise": exercise},
        status=503 if busy else 429,
    )
    response["Retry-After"] = str(seconds)
    return response


@require_POST
@login_required
def exercise_hint(request, slug: str):
    exercise = _exercise_for(request, slug)
    progress = hint_reveal(exercise=exercise, user=request.user)
    if request.htmx:
        # In place: a reload would throw away the text in the editor.
        return render(
            request,
            "exercises/includes/hints.html",
            {"exercise": exercise, "revealed": True, **_hints(exercise, progress)},
        )
    return redirect(reverse("exercises:exercise", args=[slug]) + "#hints")
