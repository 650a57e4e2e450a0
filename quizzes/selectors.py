"""Queries over quizzes and attempts that views share."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet
from django.urls import reverse

from responsibility.selectors import STUDY_RELATED, study_guide, study_links

from .grading import response_labels
from .models import (
    Answer,
    Attempt,
    AttemptStatus,
    Choice,
    FeedbackMode,
    Question,
    QuestionType,
    Quiz,
    Topic,
)


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


def question_marks(question_ids: list[int]) -> dict[int, float]:
    """Each question's mark, by id, in one query (see grading.weighted_score)."""
    marks = Question.objects.filter(pk__in=question_ids).values_list("pk", "mark")
    return {pk: float(mark) for pk, mark in marks}


def attempt_answers(attempt: Attempt) -> dict[int, Answer]:
    return {answer.question_id: answer for answer in attempt.answers.all()}


@dataclass(frozen=True)
class Mark:
    """
    A state a page shows with a word and a symbol, so colour never carries it
    (workshops.dashboard.Status is the same idea for the dashboard's cells).
    """

    key: str
    label: str
    symbol: str


NOT_ANSWERED = Mark("not-answered", "Not answered", "○")
ANSWERED = Mark("answered", "Answered", "●")
CORRECT = Mark("correct", "Correct", "✔")
PARTLY_CORRECT = Mark("partly", "Partly correct", "◐")
NOT_CORRECT = Mark("wrong", "Not correct", "✘")


def outcome_mark(score: float) -> Mark:
    """Correct, partly correct or not correct, for a score from 0 to 1."""
    if score >= 0.999:
        return CORRECT
    return PARTLY_CORRECT if score > 0 else NOT_CORRECT


@dataclass(frozen=True)
class QuestionState:
    """
    Where one question of an open attempt stands, as the navigator and the
    summary show it. `mark` says correct or not only once the trainee has seen
    the feedback (a quiz with feedback after each question); otherwise it says
    answered or not answered.
    """

    position: int
    url: str
    mark: Mark
    flagged: bool

    @property
    def answered(self) -> bool:
        return self.mark != NOT_ANSWERED

    @property
    def words(self) -> str:
        """The state in words, for the navigator's hidden text."""
        return self.mark.label + (", flagged for review" if self.flagged else "")


def question_states(
    attempt: Attempt, answers: dict[int, Answer]
) -> list[QuestionState]:
    """Each question of the attempt, in order, with its state; no query."""
    reveal = attempt.quiz.feedback_mode == FeedbackMode.IMMEDIATE
    flagged = set(attempt.flagged)
    states = []
    for position, question_id in enumerate(attempt.question_ids, 1):
        answer = answers.get(question_id)
        if answer is None:
            mark = NOT_ANSWERED
        elif reveal and answer.locked:
            mark = outcome_mark(answer.score)
        else:
            mark = ANSWERED
        states.append(
            QuestionState(
                position=position,
                url=reverse("quizzes:question", args=[attempt.pk, position]),
                mark=mark,
                flagged=question_id in flagged,
            )
        )
    return states


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


@dataclass(frozen=True)
class TopicStanding:
    """A topic with a trainee's record on it, whether answered yet or not."""

    topic: Topic
    answered: int
    mastery: float | None  # a fraction; None until a question on it is answered

    @property
    def percent(self) -> int | None:
        return None if self.mastery is None else round(100 * self.mastery)

    @property
    def needs_work(self) -> bool:
        """Not answered yet, or answered below the review threshold."""
        return self.mastery is None or self.mastery < REVIEW_BELOW


@dataclass(frozen=True)
class GuideProgress:
    """
    The topics studied in one guide, with a trainee's standing on each. Topics
    studied in no guide form the last group, with `url` None.
    """

    title: str
    url: str | None
    topics: list[TopicStanding]

    @property
    def unanswered(self) -> int:
        return sum(1 for t in self.topics if t.mastery is None)

    @property
    def below_review(self) -> int:
        """Topics answered, but below the review threshold."""
        return sum(1 for t in self.topics if t.needs_work and t.mastery is not None)

    @property
    def needs_work(self) -> bool:
        return any(t.needs_work for t in self.topics)


OTHER_TOPICS = "Other topics"


def progress_by_guide(masteries: list[TopicMastery]) -> list[GuideProgress]:
    """
    Every topic that has questions, grouped under the guide it is studied in, in
    the guides' order, the topics of no guide last. Topics the trainee has not
    answered yet are listed too, so that new material shows. One query.
    """
    by_topic = {m.topic.pk: m for m in masteries}
    topics = (
        Topic.objects.filter(questions__isnull=False)
        .distinct()
        .select_related(*STUDY_RELATED)
    )
    guides = {}
    groups: dict[int | None, list[TopicStanding]] = {}
    for topic in topics:
        guide = study_guide(topic)
        key = guide.pk if guide else None
        guides[key] = guide
        known = by_topic.get(topic.pk)
        groups.setdefault(key, []).append(
            TopicStanding(
                topic=topic,
                answered=known.answered if known else 0,
                mastery=known.mastery if known else None,
            )
        )
    ordered = sorted(
        (key for key in groups if key is not None),
        key=lambda key: (guides[key].order, guides[key].title),
    )
    result = [
        GuideProgress(
            title=guides[key].title,
            url=guides[key].get_absolute_url(),
            topics=groups[key],
        )
        for key in ordered
    ]
    if None in groups:
        result.append(GuideProgress(title=OTHER_TOPICS, url=None, topics=groups[None]))
    return result


def where_next(groups: list[GuideProgress]) -> GuideProgress | None:
    """The first guide, in order, with a topic not answered yet or below review."""
    return next((group for group in groups if group.needs_work), None)


def attempt_history(user) -> QuerySet[Attempt]:
    return Attempt.objects.filter(user=user).select_related("quiz")


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

    @property
    def question_count(self) -> int:
        """
        How many questions an attempt gets: the fixed ones, then each draw's
        count as far as its pool (less what is already taken) allows. Exact
        unless two draws' topics share questions, where the draw may vary by one
        or two.
        """
        taken = set(self.fixed)
        for count, pool in self.draws:
            taken.update([pk for pk in pool if pk not in taken][:count])
        return len(taken)


def quiz_plan(quiz: Quiz) -> QuizPlan:
    """The plan of a quiz: what starting an attempt reads of its content."""
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


@dataclass(frozen=True)
class WrongAnswer:
    """A wrong answer in words, with how many trainees and answers gave it."""

    quiz_id: int
    question: Question
    text: str
    trainees: int
    answers: int


def _shortened(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrong_texts(question: Question, response: dict, *, each_part: bool) -> list[str]:
    labels = response_labels(question, response)
    if each_part or question.type == QuestionType.SORT:
        return [label.text for label in labels if not label.right]
    if question.type == QuestionType.SHORT:
        # Short answers that differ only in case or spacing are one answer.
        return [_shortened(labels[0].text.lower() if labels else "", 60)]
    return ["; ".join(label.text for label in labels) or "nothing"]


def wrong_answers(
    answers: QuerySet[Answer], *, each_part: bool = False
) -> list[WrongAnswer]:
    """
    The wrong answers among `answers`, in words, commonest first (in trainees,
    then in the order of their words). Grouped in the database: one row per
    distinct wrong response, not per answer. A response reads as a whole (the
    choices picked, joined) except a sort, whose each wrongly placed duty counts
    on its own; `each_part` counts every wrong part on its own, each wrong
    choice of a multiple answer too.
    """
    rows = list(
        answers.filter(is_correct=False)
        .exclude(response={})
        .values("question_id", "attempt__quiz_id", "response")
        .annotate(
            trainees=Count("attempt__user_id", distinct=True), answers=Count("id")
        )
        .order_by()
        .values_list(
            "question_id", "attempt__quiz_id", "response", "trainees", "answers"
        )
    )
    if not rows:
        return []
    questions = Question.objects.filter(
        pk__in={question_id for question_id, *_ in rows}
    ).prefetch_related("choices")
    by_id = {question.pk: question for question in questions}
    trainees: Counter = Counter()
    counted: Counter = Counter()
    for question_id, quiz_id, response, people, times in rows:
        question = by_id[question_id]
        for text in _wrong_texts(question, response, each_part=each_part):
            # Summed over the responses that read the same (a sort's one wrong
            # duty among others): exact except when one trainee gave both.
            trainees[(quiz_id, question_id, text)] += people
            counted[(quiz_id, question_id, text)] += times
    ranked = sorted(trainees.items(), key=lambda kv: (-kv[1], kv[0][2]))
    return [
        WrongAnswer(
            quiz_id=quiz_id,
            question=by_id[question_id],
            text=text,
            trainees=people,
            answers=counted[(quiz_id, question_id, text)],
        )
        for (quiz_id, question_id, text), people in ranked
    ]


@dataclass(frozen=True)
class QuestionStatistics:
    """How a question fared in submitted attempts."""

    answers: int
    correct: int
    most_chosen_wrong: WrongAnswer | None

    @property
    def percent_correct(self) -> int:
        return round(100 * self.correct / self.answers) if self.answers else 0


def question_statistics(question: Question) -> QuestionStatistics:
    """Answers in submitted attempts, how many were right, the commonest wrong one."""
    answers = Answer.objects.filter(
        question=question, attempt__status=AttemptStatus.SUBMITTED
    )
    counts = answers.aggregate(
        total=Count("id"), correct=Count("id", filter=Q(is_correct=True))
    )
    wrong = []
    # A sort's wrongly placed duties are on the dashboard, not in this summary.
    if counts["total"] and question.type != QuestionType.SORT:
        wrong = wrong_answers(answers, each_part=True)
    return QuestionStatistics(
        answers=counts["total"],
        correct=counts["correct"],
        most_chosen_wrong=min(wrong, key=lambda w: (-w.answers, w.text))
        if wrong
        else None,
    )
