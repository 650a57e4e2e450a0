"""Queries over quizzes and attempts that views share."""

from dataclasses import dataclass

from django.db.models import Avg, Count, QuerySet

from responsibility.selectors import STUDY_RELATED, study_links

from .models import Answer, Attempt, AttemptStatus, Question, Quiz, Topic


@dataclass
class QuizSummary:
    """A quiz with one trainee's record on it."""

    quiz: Quiz
    attempts: int = 0
    best: float | None = None
    latest: float | None = None
    open_attempt: Attempt | None = None

    @property
    def attempts_left(self) -> int | None:
        if not self.quiz.attempt_limit:
            return None
        return max(0, self.quiz.attempt_limit - self.attempts)


def quiz_summaries(user, quizzes: QuerySet[Quiz] | None = None) -> list[QuizSummary]:
    """Published quizzes with the user's attempts, best and latest: two queries."""
    quizzes = quizzes if quizzes is not None else Quiz.objects.filter(is_published=True)
    summaries = {quiz.pk: QuizSummary(quiz=quiz) for quiz in quizzes}
    attempts = Attempt.objects.filter(user=user, quiz__in=summaries).order_by(
        "started_at"
    )
    for attempt in attempts:
        summary = summaries[attempt.quiz_id]
        summary.attempts += 1
        if attempt.status == AttemptStatus.IN_PROGRESS:
            summary.open_attempt = attempt
        elif attempt.score is not None:
            summary.latest = attempt.score
            summary.best = max(summary.best or 0.0, attempt.score)
    return list(summaries.values())


def attempt_questions(attempt: Attempt) -> list[Question]:
    """The attempt's questions, in the attempt's order, with their choices."""
    questions = (
        Question.objects.filter(pk__in=attempt.question_ids)
        .prefetch_related("choices", "sort_areas")
        .select_related("sort_category", "sort_service__category")
    )
    by_id = {q.pk: q for q in questions}
    return [by_id[pk] for pk in attempt.question_ids if pk in by_id]


def attempt_answers(attempt: Attempt) -> dict[int, Answer]:
    return {answer.question_id: answer for answer in attempt.answers.all()}


@dataclass(frozen=True)
class TopicMastery:
    topic: Topic
    mastery: float
    answered: int
    study_links: list[tuple[str, str]]

    @property
    def percent(self) -> int:
        return round(100 * self.mastery)


def topic_mastery(user) -> list[TopicMastery]:
    """Mastery per topic: the mean score of the user's graded answers, weakest first."""
    rows = (
        Answer.objects.filter(
            attempt__user=user, attempt__status=AttemptStatus.SUBMITTED
        )
        .values("question__topics")
        .annotate(mastery=Avg("score"), answered=Count("id"))
        .filter(question__topics__isnull=False)
    )
    stats = {row["question__topics"]: row for row in rows}
    topics = Topic.objects.filter(pk__in=stats).select_related(*STUDY_RELATED)
    result = [
        TopicMastery(
            topic=topic,
            mastery=stats[topic.pk]["mastery"],
            answered=stats[topic.pk]["answered"],
            study_links=study_links(topic),
        )
        for topic in topics
    ]
    return sorted(result, key=lambda m: (m.mastery, m.topic.name))


REVIEW_BELOW = 0.8


def review_next(masteries: list[TopicMastery], limit: int = 3) -> list[TopicMastery]:
    """The weakest topics under the review threshold, to study next."""
    return [m for m in masteries if m.mastery < REVIEW_BELOW][:limit]


def attempt_history(user) -> QuerySet[Attempt]:
    return Attempt.objects.filter(user=user).select_related("quiz")
