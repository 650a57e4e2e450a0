"""
Quizzes: a bank of questions tagged by topic, quizzes that list or draw them, and
trainees' attempts with their answers.

Answer keys that are facts elsewhere are never typed twice: a responsibility sort
takes its key from the responsibility model, and a policy-reading question takes
its key from the IAM engine.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from curriculum.models import Difficulty, SluggedModel, Topic
from curriculum.sources import source_field
from iam import KIND_LABELS, KINDS
from responsibility.models import ResponsibilityArea, Service, ServiceCategory


class QuestionType(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple answer"
    TRUE_FALSE = "true_false", "True or false"
    SORT = "sort", "Responsibility sort"
    POLICY = "policy", "Policy reading"
    SHORT = "short", "Short answer"
    NUMERICAL = "numerical", "Numerical answer"


# A question's mark, as Moodle stores its default mark: up to 7 decimals. More
# than MARK_MAX is a typing slip rather than a weighting.
MARK_PLACES = 7
MARK_MAX = 1000


# A numerical question's answer and tolerance: up to 9 digits before the point
# and 6 after. PostgreSQL's numeric(15, 6) keeps them exactly, and 15
# significant digits survive a float, so YAML and JSON files keep them too.
NUMBER_DIGITS = 15
NUMBER_PLACES = 6


def validate_mark(value: Decimal) -> None:
    """A question worth no marks would count for nothing in any quiz."""
    if value is not None and value <= 0:
        raise ValidationError("A question's mark must be more than 0.")


def number_text(value: Decimal) -> str:
    """A mark or a number as people write it: Decimal("2.5000000") -> "2.5"."""
    return f"{Decimal(value).normalize():f}"


# The engine names the kinds of policy; the choices only borrow its words.
PolicyKind = models.TextChoices(
    "PolicyKind", [(kind.upper(), (kind, KIND_LABELS[kind])) for kind in KINDS]
)


class Question(SluggedModel):
    """
    One question of the bank, reused across quizzes.

    The fields used depend on `type`: choices (single, multiple), `true_false_answer`,
    the sort subject (a category or a service, and optionally a subset of areas),
    the policy and request (policy reading), `accepted_answers` (short answer), or
    `numerical_answer` and `numerical_tolerance` (numerical answer).
    """

    type = models.CharField(max_length=12, choices=QuestionType.choices)
    prompt = models.TextField(help_text="Markdown.")
    explanation = models.TextField(
        blank=True,
        help_text="Markdown; shown with every feedback. Imported questions may "
        "arrive without one; the admin lists them as needing an explanation.",
    )
    difficulty = models.PositiveSmallIntegerField(
        choices=Difficulty.choices, default=Difficulty.EASY
    )
    mark = models.DecimalField(
        max_digits=12,
        decimal_places=MARK_PLACES,
        default=1,
        validators=[validate_mark, MaxValueValidator(MARK_MAX)],
        help_text="How much the question counts in a quiz's score, relative to "
        "the others (Moodle's default mark).",
    )
    topics = models.ManyToManyField(Topic, related_name="questions", blank=True)

    true_false_answer = models.BooleanField(
        "correct answer", null=True, blank=True, help_text="True or false questions."
    )
    sort_category = models.ForeignKey(
        ServiceCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Responsibility sort: the category whose duties to sort.",
    )
    sort_service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Responsibility sort: or the service whose duties to sort.",
    )
    sort_areas = models.ManyToManyField(
        ResponsibilityArea,
        blank=True,
        related_name="+",
        help_text="Responsibility sort: the areas to sort (all when empty).",
    )
    policy_document = models.TextField(
        blank=True, help_text="Policy reading: the policy JSON shown to the trainee."
    )
    policy_kind = models.CharField(
        max_length=10, choices=PolicyKind.choices, default=PolicyKind.IDENTITY
    )
    request_principal = models.CharField(max_length=300, blank=True)
    request_action = models.CharField(max_length=200, blank=True)
    request_resource = models.CharField(max_length=1000, blank=True)
    request_context = models.JSONField(
        default=dict, blank=True, help_text="Context keys, as a JSON object."
    )
    accepted_answers = models.TextField(
        blank=True,
        help_text="Short answer: one accepted answer per line; case and spacing "
        "are ignored when matching.",
    )
    numerical_answer = models.DecimalField(
        "accepted number",
        max_digits=NUMBER_DIGITS,
        decimal_places=NUMBER_PLACES,
        null=True,
        blank=True,
        help_text="Numerical answer: the number that is right.",
    )
    numerical_tolerance = models.DecimalField(
        "tolerance",
        max_digits=NUMBER_DIGITS,
        decimal_places=NUMBER_PLACES,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="Numerical answer: how far from the accepted number an answer "
        "may be and still be right (0: exactly).",
    )
    source = source_field()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mark__gt=0), name="question_mark_positive"
            ),
            models.CheckConstraint(
                condition=Q(numerical_tolerance__gte=0),
                name="question_tolerance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.slug

    @property
    def mark_label(self) -> str:
        """The mark in words, as the review page shows it: "2 marks", "0.5 marks"."""
        text = number_text(self.mark)
        return f"{text} mark" if text == "1" else f"{text} marks"

    @property
    def needs_explanation(self) -> bool:
        """Imported without feedback: the trainee sees no explanation yet."""
        return not self.explanation.strip()

    @property
    def accepted_answer_list(self) -> list[str]:
        return [
            line.strip() for line in self.accepted_answers.splitlines() if line.strip()
        ]

    @property
    def numerical_answer_text(self) -> str:
        """The accepted number as people write it: 2048, 0.5; with "± t" when t > 0."""
        if self.numerical_answer is None:
            return ""
        text = number_text(self.numerical_answer)
        if self.numerical_tolerance:
            text += f" ± {number_text(self.numerical_tolerance)}"
        return text


class Choice(models.Model):
    """An option of a single-choice or multiple-answer question."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices"
    )
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField("correct", default=False)
    feedback = models.TextField(
        blank=True, help_text="Why this option is right or wrong."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class QuestionImage(models.Model):
    """
    An image a question's text shows, imported from a Moodle XML file: the bytes,
    keyed by their SHA-256, so the same image imported twice is stored once.
    Only PNG, JPEG, GIF and WebP, recognised by their first bytes (quizzes/images.py).
    """

    sha256 = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=20)
    name = models.CharField(max_length=200, blank=True, help_text="As imported.")
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name or self.sha256


class FeedbackMode(models.TextChoices):
    IMMEDIATE = "immediate", "After each question"
    END = "end", "At the end"


class Quiz(SluggedModel):
    """A set of questions, listed or drawn at random from topics, with its rules."""

    title = models.CharField(max_length=150)
    description = models.TextField(blank=True, help_text="Markdown.")
    order = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField("published", default=True)
    pass_mark = models.PositiveSmallIntegerField(
        default=70,
        validators=[MaxValueValidator(100)],
        help_text="Percentage needed to pass.",
    )
    attempt_limit = models.PositiveSmallIntegerField(
        default=0, help_text="Attempts allowed per trainee; 0 means unlimited."
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Optional; enforced by the server.",
    )
    feedback_mode = models.CharField(
        max_length=10, choices=FeedbackMode.choices, default=FeedbackMode.IMMEDIATE
    )
    questions = models.ManyToManyField(
        Question, through="QuizQuestion", related_name="quizzes", blank=True
    )

    class Meta:
        ordering = ["order", "title"]
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:quiz", args=[self.slug])


class QuizQuestion(models.Model):
    """A question listed in a quiz, in order."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "question"], name="question_once_per_quiz"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quiz}: {self.question}"


class QuizDraw(models.Model):
    """'N questions at random from topic X', drawn once per attempt."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="draws")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.count} from {self.topic}"


def as_percent(score: float | None) -> float | None:
    """
    A score (a fraction from 0 to 1) as the percentage pages show and pass marks
    use, to one decimal: 0.85 -> 85.0. None stays None.
    """
    return None if score is None else round(100 * score, 1)


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class Attempt(models.Model):
    """
    One trainee's run through a quiz.

    The questions drawn and the order of each question's choices are fixed when
    the attempt starts, so a reload or a resume shows the same quiz.
    """

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=12, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    question_ids = models.JSONField(default=list)
    choice_order = models.JSONField(
        default=dict, help_text="Question id to the order of its choice ids."
    )
    flagged = models.JSONField(
        default=list,
        blank=True,
        help_text="Ids of the questions the trainee flagged for review.",
    )
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True, help_text="From 0 to 1.")
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="attempt_number_per_user"
            ),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(status="in_progress"),
                name="one_open_attempt_per_quiz_and_user",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS

    @property
    def percent(self) -> float | None:
        """The score as a percentage, as pages, exports and the pass mark use it."""
        return as_percent(self.score)

    def is_past_deadline(self, now=None) -> bool:
        return self.deadline is not None and (now or timezone.now()) >= self.deadline


class Answer(models.Model):
    """A trainee's answer to one question of an attempt, with its grade."""

    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers"
    )
    response = models.JSONField(default=dict)
    score = models.FloatField(default=0, help_text="From 0 to 1.")
    is_correct = models.BooleanField(default=False)
    locked = models.BooleanField(
        default=False, help_text="Feedback was shown, so the answer is final."
    )
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt}: {self.question}"
