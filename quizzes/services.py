"""Writes for quizzes: starting attempts, saving answers, submitting."""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from curriculum.cache import content_changed
from responsibility.models import (
    Guide,
    ResponsibilityArea,
    Service,
    ServiceCategory,
    TopicStudy,
)
from responsibility.selectors import STUDY_RELATED

from .grading import grade
from .models import (
    Answer,
    Attempt,
    AttemptStatus,
    Choice,
    FeedbackMode,
    PolicyKind,
    Question,
    QuestionType,
    Quiz,
    QuizDraw,
    QuizQuestion,
    Topic,
)
from .signals import answer_saving, attempt_started

QUESTIONS_FILE = Path(__file__).resolve().parent / "content" / "questions.yaml"


class QuizError(Exception):
    """A request a trainee made that the quiz's rules refuse; the message says why."""


class AttemptLimitReached(QuizError):
    pass


class AttemptClosed(QuizError):
    pass


class AnswerLocked(QuizError):
    pass


@dataclass(frozen=True)
class QuizPlan:
    """
    What starting an attempt reads of a quiz's content: its fixed questions, each
    draw's count and pool of question ids, and the choice ids of every question
    it can contain. Curriculum, so views keep it in the curriculum cache.
    """

    fixed: tuple[int, ...]
    draws: tuple[tuple[int, tuple[int, ...]], ...]
    choices: dict[int, tuple[int, ...]]


def quiz_plan(quiz: Quiz) -> QuizPlan:
    fixed = tuple(item.question_id for item in quiz.items.all())
    draws = tuple(
        (
            draw.count,
            tuple(sorted(set(draw.topic.questions.values_list("pk", flat=True)))),
        )
        for draw in quiz.draws.select_related("topic")
    )
    ids = set(fixed).union(*(pool for _, pool in draws))
    choices: dict[int, list[int]] = {}
    rows = Choice.objects.filter(question_id__in=ids)
    for question_id, choice_id in rows.values_list("question_id", "pk"):
        choices.setdefault(question_id, []).append(choice_id)
    return QuizPlan(fixed, draws, {q: tuple(c) for q, c in choices.items()})


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
    total = sum(scores.get(qid, 0.0) for qid in attempt.question_ids)
    attempt.score = round(100 * total / len(attempt.question_ids), 1)
    attempt.passed = attempt.score >= attempt.quiz.pass_mark
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = now or timezone.now()
    attempt.save(update_fields=["score", "passed", "status", "submitted_at"])
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


# --- import and export --------------------------------------------------------


def _upsert(model, slug: str, values: dict, *, update: bool, counts: Counter):
    label = model._meta.verbose_name_plural
    obj = model.objects.filter(slug=slug).first()
    if obj is None:
        counts[f"{label} created"] += 1
        return model.objects.create(slug=slug, **values), True
    if update:
        for key, value in values.items():
            setattr(obj, key, value)
        obj.save()
        counts[f"{label} updated"] += 1
        return obj, True
    return obj, False


@transaction.atomic
def questions_import(*, document: dict, update: bool = True) -> Counter:
    """
    Write a checked document (see interchange.check_document): topics, questions
    and quizzes, keyed by slug. With `update=False` rows that exist are left as
    they are, so shipped content never overwrites an administrator's edits.
    """
    counts: Counter = Counter()
    categories = {c.slug: c for c in ServiceCategory.objects.all()}
    areas = {a.slug: a for a in ResponsibilityArea.objects.all()}
    services = {s.slug: s for s in Service.objects.all()}
    guides = {g.slug: g for g in Guide.objects.all()}
    for entry in document.get("topics") or []:
        topic, written = _upsert(
            Topic,
            entry["slug"],
            {"name": entry["name"], "description": entry.get("description", "")},
            update=update,
            counts=counts,
        )
        if written:
            TopicStudy.objects.update_or_create(
                topic=topic,
                defaults={
                    "guide": guides.get(entry.get("guide")),
                    "category": categories.get(entry.get("category")),
                    "area": areas.get(entry.get("area")),
                },
            )
    topics = {t.slug: t for t in Topic.objects.all()}
    for entry in document.get("questions") or []:
        request = entry.get("request") or {}
        question, written = _upsert(
            Question,
            entry["slug"],
            {
                "type": entry["type"],
                "prompt": entry["prompt"],
                "explanation": entry["explanation"],
                "difficulty": entry.get("difficulty", 1),
                "true_false_answer": entry.get("answer"),
                "sort_category": categories.get(entry.get("sort_category")),
                "sort_service": services.get(entry.get("sort_service")),
                "policy_document": entry.get("policy", ""),
                "policy_kind": entry.get("policy_kind", PolicyKind.IDENTITY),
                "request_principal": request.get("principal", ""),
                "request_action": request.get("action", ""),
                "request_resource": request.get("resource", ""),
                "request_context": request.get("context") or {},
                "accepted_answers": "\n".join(entry.get("accepted_answers") or []),
            },
            update=update,
            counts=counts,
        )
        if not written:
            continue
        question.topics.set([topics[slug] for slug in entry.get("topics") or []])
        question.sort_areas.set([areas[slug] for slug in entry.get("sort_areas") or []])
        question.choices.all().delete()
        Choice.objects.bulk_create(
            Choice(
                question=question,
                text=choice["text"],
                is_correct=choice.get("correct", False),
                feedback=choice.get("feedback", ""),
                order=order,
            )
            for order, choice in enumerate(entry.get("choices") or [])
        )
    questions = {q.slug: q for q in Question.objects.all()}
    for order, entry in enumerate(document.get("quizzes") or []):
        quiz, written = _upsert(
            Quiz,
            entry["slug"],
            {
                "title": entry["title"],
                "description": entry.get("description", ""),
                "order": entry.get("order", order),
                "is_published": entry.get("published", True),
                "pass_mark": entry.get("pass_mark", 70),
                "attempt_limit": entry.get("attempt_limit") or 0,
                "time_limit_minutes": entry.get("time_limit_minutes"),
                "feedback_mode": entry.get("feedback", FeedbackMode.IMMEDIATE),
            },
            update=update,
            counts=counts,
        )
        if not written:
            continue
        quiz.items.all().delete()
        QuizQuestion.objects.bulk_create(
            QuizQuestion(quiz=quiz, question=questions[slug], order=position)
            for position, slug in enumerate(entry.get("questions") or [])
        )
        quiz.draws.all().delete()
        QuizDraw.objects.bulk_create(
            QuizDraw(quiz=quiz, topic=topics[draw["topic"]], count=draw["count"])
            for draw in entry.get("draws") or []
        )
    # Bulk writes send no signals: tell the page cache explicitly.
    content_changed()
    return counts


def _question_entry(question: Question) -> dict:
    entry: dict = {
        "slug": question.slug,
        "type": question.type,
        "prompt": question.prompt,
        "explanation": question.explanation,
        "difficulty": question.difficulty,
        "topics": [t.slug for t in question.topics.all()],
    }
    match question.type:
        case QuestionType.SINGLE | QuestionType.MULTIPLE:
            entry["choices"] = [
                {"text": c.text, "correct": c.is_correct, "feedback": c.feedback}
                for c in question.choices.all()
            ]
        case QuestionType.TRUE_FALSE:
            entry["answer"] = question.true_false_answer
        case QuestionType.SORT:
            if question.sort_category_id:
                entry["sort_category"] = question.sort_category.slug
            if question.sort_service_id:
                entry["sort_service"] = question.sort_service.slug
            entry["sort_areas"] = [a.slug for a in question.sort_areas.all()]
        case QuestionType.POLICY:
            entry["policy"] = question.policy_document
            entry["policy_kind"] = question.policy_kind
            entry["request"] = {
                "principal": question.request_principal,
                "action": question.request_action,
                "resource": question.request_resource,
                "context": question.request_context,
            }
        case QuestionType.SHORT:
            entry["accepted_answers"] = question.accepted_answer_list
    return entry


def questions_export(*, questions=None, with_quizzes: bool = True) -> dict:
    """A document of the given questions (all by default), their topics and quizzes."""
    if questions is None:
        questions = Question.objects.all()
    questions = list(
        questions.select_related("sort_category", "sort_service").prefetch_related(
            "topics", "choices", "sort_areas"
        )
    )
    topic_ids = {t.pk for q in questions for t in q.topics.all()}
    topics = Topic.objects.filter(pk__in=topic_ids).select_related(*STUDY_RELATED)
    document: dict = {
        "topics": [
            {
                key: value
                for key, value in {
                    "slug": t.slug,
                    "name": t.name,
                    "description": t.description,
                    "guide": study.guide.slug if study and study.guide_id else None,
                    "category": study.category.slug
                    if study and study.category_id
                    else None,
                    "area": study.area.slug if study and study.area_id else None,
                }.items()
                if value is not None
            }
            for t in topics
            for study in [getattr(t, "study", None)]
        ],
        "questions": [_question_entry(q) for q in questions],
    }
    if with_quizzes:
        slugs = {q.slug for q in questions}
        quizzes = Quiz.objects.prefetch_related("items__question", "draws__topic")
        document["quizzes"] = [
            {
                "slug": quiz.slug,
                "title": quiz.title,
                "description": quiz.description,
                "order": quiz.order,
                "published": quiz.is_published,
                "pass_mark": quiz.pass_mark,
                "attempt_limit": quiz.attempt_limit,
                "time_limit_minutes": quiz.time_limit_minutes,
                "feedback": quiz.feedback_mode,
                "questions": [i.question.slug for i in quiz.items.all()],
                "draws": [
                    {"topic": d.topic.slug, "count": d.count} for d in quiz.draws.all()
                ],
            }
            for quiz in quizzes
            if all(i.question.slug in slugs for i in quiz.items.all())
            and all(d.topic_id in topic_ids for d in quiz.draws.all())
        ]
    return document
