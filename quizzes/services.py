"""Writes for quizzes: starting attempts, saving answers, flagging, submitting."""

import random
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from .grading import grade, weighted_score

# Import and export moved to interchange.py, the quiz plan (a read) to selectors.py;
# these names stay importable from here for the modules that use them.
from .interchange import questions_export as questions_export
from .interchange import questions_import as questions_import
from .models import (
    Answer,
    Attempt,
    AttemptStatus,
    FeedbackMode,
    Question,
    Quiz,
)
from .selectors import QuizPlan, question_marks, quiz_plan
from .signals import answer_saving, attempt_started

# Sent with `attempt` (scored and saved) by every way an attempt is submitted,
# inside its transaction: a receiver's rows are stored with the score or not at
# all. Declared here rather than in signals.py, which another change is editing.
attempt_submitted = Signal()


class QuizError(Exception):
    """A request a trainee made that the quiz's rules refuse; the message says why."""


class AttemptLimitReached(QuizError):
    pass


class AttemptClosed(QuizError):
    pass


class AnswerLocked(QuizError):
    pass


def _draw_questions(plan: QuizPlan, rng: random.Random) -> list[int]:
    chosen = list(plan.fixed)
    taken = set(chosen)
    for count, pool in plan.draws:
        left = [pk for pk in pool if pk not in taken]
        picked = rng.sample(left, min(count, len(left)))
        chosen.extend(picked)
        taken.update(picked)
    return chosen


def _choice_orders(
    question_ids: list[int], plan: QuizPlan, rng: random.Random
) -> dict[str, list[int]]:
    orders: dict[str, list[int]] = {}
    for question_id in question_ids:
        ids = list(plan.choices.get(question_id, ()))
        if ids:
            rng.shuffle(ids)
            orders[str(question_id)] = ids
    return orders


def attempt_start(
    *,
    quiz: Quiz,
    user: AbstractBaseUser,
    rng: random.Random | None = None,
    plan: QuizPlan | None = None,
) -> Attempt:
    """
    Start an attempt, or return the one already open (a double click is harmless).
    `plan` is quiz_plan(quiz), read afresh when not given.

    The draw and each question's choice order are fixed now and stored, so the
    attempt looks the same on every reload. Raises AttemptLimitReached when the
    trainee has used every attempt the quiz allows.

    Sends signals.attempt_started with the attempt (a receiver may refuse with
    QuizError).
    """
    rng = rng or random.SystemRandom()
    open_attempt = Attempt.objects.filter(
        quiz=quiz, user=user, status=AttemptStatus.IN_PROGRESS
    ).first()
    if open_attempt is not None:
        if not open_attempt.is_past_deadline():
            attempt_started.send(
                sender=Attempt, attempt=open_attempt, quiz=quiz, user=user, resumed=True
            )
            return open_attempt
        attempt_submit(attempt=open_attempt)

    used = Attempt.objects.filter(quiz=quiz, user=user).count()
    if quiz.attempt_limit and used >= quiz.attempt_limit:
        raise AttemptLimitReached(
            f"You have used all {quiz.attempt_limit} attempts this quiz allows."
        )
    plan = plan or quiz_plan(quiz)
    question_ids = _draw_questions(plan, rng)
    if not question_ids:
        raise QuizError("This quiz has no questions yet.")
    now = timezone.now()
    deadline = (
        now + timedelta(minutes=quiz.time_limit_minutes)
        if quiz.time_limit_minutes
        else None
    )
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz,
                user=user,
                number=used + 1,
                question_ids=question_ids,
                choice_order=_choice_orders(question_ids, plan, rng),
                started_at=now,
                deadline=deadline,
            )
            attempt_started.send(
                sender=Attempt, attempt=attempt, quiz=quiz, user=user, resumed=False
            )
            return attempt
    except IntegrityError:
        # Another request started one at the same moment: use that one.
        concurrent = Attempt.objects.filter(
            quiz=quiz, user=user, status=AttemptStatus.IN_PROGRESS
        ).first()
        if concurrent is None:
            # ...which was already submitted, from another tab.
            raise QuizError(
                "Another attempt was started and submitted at the same moment; "
                "start again."
            ) from None
        return concurrent


def answer_save(
    *, attempt: Attempt, question: Question, response: dict, now: datetime | None = None
) -> Answer:
    """
    Save (or replace) the answer to one question of an open attempt, graded.

    With feedback after each question the answer is final once saved. After the
    time limit nothing is saved: the attempt is submitted as it stands and
    AttemptClosed is raised. Sends signals.answer_saving first, whose receivers
    may refuse with AttemptClosed.
    """
    quiz = attempt.quiz
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update(of=("self",)).get(pk=attempt.pk)
        attempt.quiz = quiz  # curriculum, unchanged by the lock
        answer_saving.send(sender=Answer, attempt=attempt)
        if not attempt.is_open:
            raise AttemptClosed(
                "This attempt has been submitted; its answers can't change."
            )
        if attempt.is_past_deadline(now):
            _submit(attempt, now)
        else:
            return _save(attempt, question, response)
    raise AttemptClosed("Time is up: the attempt was submitted as it stood.")


def _save(attempt: Attempt, question: Question, response: dict) -> Answer:
    if question.pk not in attempt.question_ids:
        raise QuizError("That question is not part of this attempt.")
    existing = Answer.objects.filter(attempt=attempt, question=question).first()
    if existing is not None and existing.locked:
        raise AnswerLocked("You already answered this question and saw the feedback.")
    result = grade(question, response)
    answer = existing or Answer(attempt=attempt, question=question)
    answer.response = response
    answer.score = result.score
    answer.is_correct = result.is_correct
    answer.locked = attempt.quiz.feedback_mode == FeedbackMode.IMMEDIATE
    # The attempt's row lock serialises writers, so this cannot race itself.
    answer.save()
    return answer


def _submit(attempt: Attempt, now: datetime | None) -> Attempt:
    scores = dict(attempt.answers.values_list("question_id", "score"))
    # A skipped question is recorded as a wrong answer, so that statistics and
    # mastery count it rather than ignore it.
    Answer.objects.bulk_create(
        Answer(attempt=attempt, question_id=qid, response={}, score=0, locked=True)
        for qid in attempt.question_ids
        if qid not in scores
    )
    marks = question_marks(attempt.question_ids)
    attempt.score = weighted_score(
        [(marks.get(qid, 1.0), scores.get(qid, 0.0)) for qid in attempt.question_ids]
    )
    attempt.passed = attempt.percent >= attempt.quiz.pass_mark
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = now or timezone.now()
    attempt.save(update_fields=["score", "passed", "status", "submitted_at"])
    attempt_submitted.send(sender=Attempt, attempt=attempt)
    return attempt


@transaction.atomic
def attempt_submit(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """
    Submit an attempt and score it. Idempotent: submitting again, from a double
    click, a resent form or the back button, returns the finished attempt unchanged.
    """
    attempt = (
        Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
    )
    if not attempt.is_open:
        return attempt
    return _submit(attempt, now)


def attempt_flag(
    *,
    attempt: Attempt,
    question_id: int,
    flagged: bool,
    now: datetime | None = None,
) -> Attempt:
    """
    Flag one question of an open attempt for review, or take the flag off. The
    flags are the trainee's own notes: they change no score. After the time limit
    the attempt is submitted as it stands and AttemptClosed is raised, as for an
    answer.
    """
    quiz = attempt.quiz
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update(of=("self",)).get(pk=attempt.pk)
        attempt.quiz = quiz  # curriculum, unchanged by the lock
        if not attempt.is_open:
            raise AttemptClosed(
                "This attempt has been submitted; its flags can't change."
            )
        if question_id not in attempt.question_ids:
            raise QuizError("That question is not part of this attempt.")
        if attempt.is_past_deadline(now):
            _submit(attempt, now)
        else:
            others = [pk for pk in attempt.flagged if pk != question_id]
            attempt.flagged = others + [question_id] if flagged else others
            attempt.save(update_fields=["flagged"])
            return attempt
    raise AttemptClosed("Time is up: the attempt was submitted as it stood.")
