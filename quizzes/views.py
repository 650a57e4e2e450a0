from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from curriculum.cache import cached
from curriculum.progress import practice_sections

from . import selectors
from .forms import AnswerForm, FlagForm
from .grading import Grade, grade, policy_decision, response_labels, sort_items
from .models import Attempt, FeedbackMode, Question, QuestionType, Quiz
from .services import (
    QuizError,
    answer_save,
    attempt_flag,
    attempt_start,
    attempt_submit,
    quiz_plan,
)

TIME_UP = "Time is up: your attempt was submitted."

# The review's filter, `?only=`: every question, or those not fully right.
REVIEW_ALL = "all"
REVIEW_WRONG = "wrong"


def _attempt_for(request, pk: int, *, write: bool = False) -> Attempt:
    """The attempt, if it is the user's own; those who may view attempts in the
    admin may read any. (Being staff is not enough: instructors are staff to
    author content, not to read trainees' results.)"""
    attempt = get_object_or_404(Attempt, pk=pk)
    # The owner is asked nothing more: has_perm costs two queries a page.
    if attempt.user_id != request.user.pk and (
        write or not request.user.has_perm("quizzes.view_attempt")
    ):
        raise Http404("No such attempt.")
    # The quiz is curriculum: take the cached copy instead of joining it in.
    attempt.quiz = cached(request, f"quiz:{attempt.quiz_id}", _quiz_build(attempt))
    return attempt


def _quiz_build(attempt: Attempt):
    return lambda: Quiz.objects.get(pk=attempt.quiz_id)


def _published_quiz(request, slug: str) -> Quiz:
    """The published quiz with this slug, from the curriculum cache."""
    quiz = cached(request, f"quiz-slug:{slug}", _quiz_by_slug_build(slug))
    if quiz is None:
        raise Http404("No such quiz.")
    return quiz


def _quiz_by_slug_build(slug: str):
    return lambda: Quiz.objects.filter(slug=slug, is_published=True).first()


@require_GET
@login_required
def quiz_list(request):
    summaries = selectors.quiz_summaries(request.user)
    return render(request, "quizzes/quiz_list.html", {"summaries": summaries})


@require_GET
@login_required
def quiz_detail(request, slug: str):
    quiz = _published_quiz(request, slug)
    summary = selectors.quiz_summaries(request.user, Quiz.objects.filter(pk=quiz.pk))[0]
    attempts = quiz.attempts.filter(user=request.user).order_by("number")
    plan = cached(request, f"quiz-plan:{quiz.pk}", _plan_build(quiz))
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "quiz": quiz,
            "summary": summary,
            "attempts": attempts,
            "question_count": plan.question_count,
        },
    )


@require_POST
@login_required
def quiz_start(request, slug: str):
    quiz = _published_quiz(request, slug)
    # The draw's pools and choices are curriculum: read once per process.
    plan = cached(request, f"quiz-plan:{quiz.pk}", _plan_build(quiz))
    try:
        attempt = attempt_start(quiz=quiz, user=request.user, plan=plan)
    except QuizError as error:
        messages.error(request, str(error))
        return redirect(quiz)
    return redirect("quizzes:question", attempt.pk, 1)


def _plan_build(quiz: Quiz):
    return lambda: quiz_plan(quiz)


@require_GET
@login_required
def attempt_detail(request, pk: int):
    attempt = _attempt_for(request, pk)
    if not attempt.is_open or attempt.is_past_deadline():
        return redirect("quizzes:review", attempt.pk)
    answered = set(attempt.answers.values_list("question_id", flat=True))
    position = next(
        (i for i, qid in enumerate(attempt.question_ids, 1) if qid not in answered),
        1,
    )
    return redirect("quizzes:question", attempt.pk, position)


def _question(request, attempt: Attempt, position: int) -> Question:
    """The question at `position` of the attempt, from the curriculum cache."""
    ids = attempt.question_ids
    if not 1 <= position <= len(ids):
        raise Http404("No such question in this attempt.")
    question = cached(
        request, f"question:{ids[position - 1]}", _question_build(ids[position - 1])
    )
    if question is None:
        raise Http404("No such question.")
    return question


def _question_build(pk: int):
    def build() -> Question | None:
        question = (
            Question.objects.select_related("sort_category", "sort_service__category")
            .prefetch_related("choices", "sort_areas")
            .filter(pk=pk)
            .first()
        )
        if question is not None and question.type == QuestionType.SORT:
            sort_items(question)  # computed once, cached with the question
        return question

    return build


def _attempt_context(attempt: Attempt) -> dict:
    """What every page of an open attempt shows: the navigator and the time left."""
    answers = selectors.attempt_answers(attempt)
    states = selectors.question_states(attempt, answers)
    seconds_left = None
    if attempt.deadline is not None:
        left = attempt.deadline - timezone.now()
        seconds_left = max(0, int(left.total_seconds()))
    return {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "answers": answers,
        "states": states,
        "total": len(states),
        "answered_count": sum(state.answered for state in states),
        "flagged_count": sum(state.flagged for state in states),
        "seconds_left": seconds_left,
    }


def _question_context(attempt: Attempt, question: Question, position: int) -> dict:
    """The page around one question: its saved answer and the navigation."""
    context = _attempt_context(attempt)
    context.update(
        question=question,
        position=position,
        state=context["states"][position - 1],
        answer=context["answers"].get(question.pk),
    )
    return context


def _graded(attempt: Attempt, question: Question, response: dict) -> Grade:
    """The grade of a response, its choices in the order the attempt showed them."""
    order = attempt.choice_order.get(str(question.pk))
    return grade(question, response).in_shown_order(order)


def _render_question(request, context: dict, form: AnswerForm, status: int = 200):
    question, answer = context["question"], context["answer"]
    show_feedback = bool(answer and answer.locked)
    context.update(
        form=form,
        show_feedback=show_feedback,
        grade=_graded(context["attempt"], question, answer.response)
        if show_feedback
        else None,
        policy_request=_policy_request(question),
    )
    return render(request, "quizzes/question.html", context, status=status)


def _policy_request(question: Question) -> dict | None:
    if question.type != "policy":
        return None
    return {
        "principal": question.request_principal,
        "action": question.request_action,
        "resource": question.request_resource,
        "context": question.request_context,
    }


def _submit_if_time_is_up(attempt: Attempt) -> Attempt | None:
    """
    The deadline rule, for every page that opens an attempt: an open attempt past
    its deadline is submitted as it stands. The submitted attempt, or None.
    """
    if attempt.is_open and attempt.is_past_deadline():
        return attempt_submit(attempt=attempt)
    return None


@require_http_methods(["GET", "POST"])
@login_required
def attempt_question(request, pk: int, position: int):
    attempt = _attempt_for(request, pk, write=request.method == "POST")
    closed = _closed_redirect(request, attempt)
    if closed is not None:
        return closed
    question = _question(request, attempt, position)
    order = attempt.choice_order.get(str(question.pk))
    if request.method == "GET":
        context = _question_context(attempt, question, position)
        answer = context["answer"]
        initial = AnswerForm.initial_for(question, answer.response if answer else {})
        form = AnswerForm(question=question, choice_order=order, initial=initial)
        return _render_question(request, context, form)

    form = AnswerForm(request.POST, question=question, choice_order=order)
    if not form.is_valid():
        context = _question_context(attempt, question, position)
        return _render_question(request, context, form, status=422)
    try:
        answer_save(attempt=attempt, question=question, response=form.response())
    except QuizError as error:
        messages.error(request, str(error))
        return redirect("quizzes:attempt", attempt.pk)
    if request.POST.get("autosave") and request.htmx:
        return HttpResponse('<span class="text-success">Saved.</span>')
    if attempt.quiz.feedback_mode == FeedbackMode.IMMEDIATE:
        # The fragment brings the feedback into view and, with JavaScript, focus.
        url = reverse("quizzes:question", args=[attempt.pk, position])
        return redirect(f"{url}#feedback")
    if position < len(attempt.question_ids):
        return redirect("quizzes:question", attempt.pk, position + 1)
    messages.success(request, "Answer saved. Submit when you are ready.")
    return redirect("quizzes:question", attempt.pk, position)


def _closed_redirect(request, attempt: Attempt):
    """
    For the pages of an open attempt: the review when the attempt is over (time
    up submits it first), None when the user may go on. Only its trainee may.
    """
    if _submit_if_time_is_up(attempt) is not None:
        messages.info(request, TIME_UP)
        return redirect("quizzes:review", attempt.pk)
    if not attempt.is_open:
        return redirect("quizzes:review", attempt.pk)
    if attempt.user_id != request.user.pk:
        raise Http404("No such attempt.")
    return None


@require_POST
@login_required
def attempt_flag_view(request, pk: int, position: int):
    attempt = _attempt_for(request, pk, write=True)
    closed = _closed_redirect(request, attempt)
    if closed is not None:
        # htmx would swap the whole review into the flag control: load it instead.
        return _htmx_redirect(closed["Location"]) if request.htmx else closed
    if not 1 <= position <= len(attempt.question_ids):
        raise Http404("No such question in this attempt.")
    question_url = reverse("quizzes:question", args=[attempt.pk, position])
    form = FlagForm(request.POST)
    if not form.is_valid():
        error = form.errors["flagged"][0]
        if request.htmx:
            context = _attempt_context(attempt)
            context.update(
                position=position,
                state=context["states"][position - 1],
                flag_error=error,
            )
            return render(
                request, "quizzes/includes/flag_update.html", context, status=422
            )
        messages.error(request, error)
        return redirect(question_url)
    try:
        attempt = attempt_flag(
            attempt=attempt,
            question_id=attempt.question_ids[position - 1],
            flagged=form.cleaned_data["flagged"],
        )
    except QuizError as error:
        messages.error(request, str(error))
        return _htmx_redirect(question_url) if request.htmx else redirect(question_url)
    if request.htmx:
        context = _attempt_context(attempt)
        context.update(position=position, state=context["states"][position - 1])
        return render(request, "quizzes/includes/flag_update.html", context)
    return redirect(question_url)


def _htmx_redirect(url: str) -> HttpResponse:
    """Tell htmx to load `url` as a whole page (it follows a 302 in place)."""
    return HttpResponse(headers={"HX-Redirect": url})


@require_GET
@login_required
def attempt_summary(request, pk: int):
    """Every question's state before the trainee confirms the submission."""
    attempt = _attempt_for(request, pk)
    closed = _closed_redirect(request, attempt)
    if closed is not None:
        return closed
    context = _attempt_context(attempt)
    context["unanswered_count"] = context["total"] - context["answered_count"]
    return render(request, "quizzes/summary.html", context)


@require_POST
@login_required
def attempt_submit_view(request, pk: int):
    attempt = _attempt_for(request, pk, write=True)
    attempt_submit(attempt=attempt)
    return redirect("quizzes:review", attempt.pk)


@require_GET
@login_required
def attempt_review(request, pk: int):
    attempt = _attempt_for(request, pk)
    submitted = _submit_if_time_is_up(attempt)
    if submitted is not None:
        attempt = submitted
        messages.info(request, TIME_UP)
    elif attempt.is_open:
        return redirect("quizzes:attempt", attempt.pk)
    only = request.GET.get("only", REVIEW_ALL)
    only_error = ""
    if only not in (REVIEW_ALL, REVIEW_WRONG):
        only_error = f"“{only[:40]}” is not a filter here: every question is shown."
        only = REVIEW_ALL
    answers = selectors.attempt_answers(attempt)
    items = []
    for position, question in enumerate(selectors.attempt_questions(attempt), 1):
        answer = answers.get(question.pk)
        result = _graded(attempt, question, answer.response if answer else {})
        items.append(
            {
                "position": position,
                "question": question,
                "answer": answer,
                "grade": result,
                "mark": selectors.outcome_mark(result.score),
                "policy_request": _policy_request(question),
                "response_text": _response_text(question, answer),
            }
        )
    shown = items
    if only == REVIEW_WRONG:
        shown = [item for item in items if not item["grade"].is_correct]
    return render(
        request,
        "quizzes/review.html",
        {
            "attempt": attempt,
            "items": items,
            "shown": shown,
            "only": only,
            "only_error": only_error,
        },
    )


def _response_text(question: Question, answer) -> str:
    """A trainee's answer in words, for the review page."""
    response = answer.response if answer else {}
    if not response:
        return "No answer"
    if question.type == QuestionType.SORT:
        return ""  # the feedback below lists every duty with its owner
    labels = response_labels(question, response)
    return "; ".join(label.text for label in labels) or "No answer"


@require_GET
@login_required
def progress(request):
    masteries = selectors.topic_mastery(request.user)
    guides = selectors.progress_by_guide(masteries)
    return render(
        request,
        "quizzes/progress.html",
        {
            "masteries": masteries,
            "guides": guides,
            "next_guide": selectors.where_next(guides),
            "review": selectors.review_next(masteries),
            "attempts": selectors.attempt_history(request.user),
            # Exercises and any other practice, registered by their apps.
            "practice": practice_sections(request.user),
        },
    )


def question_preview(
    request, question: Question, *, unsaved: bool = False
) -> HttpResponse:
    """A question as a trainee sees it, with its key: for the admin. `unsaved`:
    the form's edits, written in a transaction that is rolled back."""
    if not request.user.is_staff:
        raise PermissionDenied
    form = AnswerForm(question=question)
    decision = None
    if question.type == "policy":
        decision = policy_decision(question)
    return render(
        request,
        "quizzes/question_preview.html",
        {
            "question": question,
            "form": form,
            "decision": decision,
            "policy_request": _policy_request(question),
            "admin_url": None
            if unsaved
            else reverse("admin:quizzes_question_change", args=[question.pk]),
            "unsaved": unsaved,
        },
    )
