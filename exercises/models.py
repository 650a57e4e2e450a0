"""
Policy exercises: trainees write, fix and tighten IAM policies, or predict what a
given policy allows. The IAM engine grades every submission against test requests
and against the exercise's reference policy, which never leaves the server.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from curriculum.models import Difficulty, SluggedModel, Topic
from curriculum.sources import source_field
from iam import KIND_LABELS

MAX_POLICY_CHARS = 10_000


class ExerciseKind(models.TextChoices):
    WRITE = "write", "Write a policy"
    FIX = "fix", "Fix a broken policy"
    TIGHTEN = "tighten", "Tighten an over-broad policy"
    PREDICT = "predict", "Predict the decisions"


# The kinds an exercise can grade alone, in the engine's words. A trust policy is
# judged as the role's only policy, its requests sts:AssumeRole calls on the role;
# a session policy is never the whole answer to an exercise.
EXERCISE_POLICY_KINDS = ("identity", "resource", "boundary", "scp", "trust")
ExercisePolicyKind = models.TextChoices(
    "ExercisePolicyKind",
    [(kind.upper(), (kind, KIND_LABELS[kind])) for kind in EXERCISE_POLICY_KINDS],
)


class Effect(models.TextChoices):
    ALLOW = "Allow", "Allow"
    EXPLICIT_DENY = "ExplicitDeny", "Explicit deny"
    IMPLICIT_DENY = "ImplicitDeny", "Implicit deny"


class Exercise(SluggedModel):
    """A policy task with its reference answer, test requests and hints."""

    title = models.CharField(max_length=150)
    kind = models.CharField(max_length=10, choices=ExerciseKind.choices)
    policy_kind = models.CharField(
        max_length=10,
        choices=ExercisePolicyKind.choices,
        default=ExercisePolicyKind.IDENTITY,
    )
    difficulty = models.PositiveSmallIntegerField(
        choices=Difficulty.choices, default=Difficulty.EASY
    )
    topics = models.ManyToManyField(Topic, related_name="exercises", blank=True)
    scenario = models.TextField(help_text="Markdown: the task in prose.")
    starter = models.TextField(
        blank=True,
        help_text="The text the editor starts with (a given policy for "
        "predict, a broken one for fix).",
    )
    reference = models.TextField(
        help_text="The intended policy. Never shown to trainees."
    )
    source = source_field()
    order = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField("published", default=True)

    class Meta:
        ordering = ["order", "difficulty", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exercises:exercise", args=[self.slug])


class TestRequest(models.Model):
    """A request the policy must decide as expected; hidden ones are only counted."""

    __test__ = False  # not a pytest test class, despite the name

    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="tests"
    )
    label = models.CharField(max_length=200)
    principal = models.CharField(
        max_length=300, default="arn:aws:iam::123456789012:user/alice"
    )
    action = models.CharField(max_length=200)
    resource = models.CharField(max_length=1000, default="*")
    context = models.JSONField(default=dict, blank=True)
    resource_account = models.CharField(max_length=12, blank=True)
    expected = models.CharField(max_length=12, choices=Effect.choices)
    visible = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "test request"

    def __str__(self) -> str:
        return self.label

    def as_request_dict(self) -> dict:
        data = {
            "principal": self.principal,
            "action": self.action,
            "resource": self.resource,
            "context": self.context or {},
        }
        if self.resource_account:
            data["resource_account"] = self.resource_account
        return data


class Hint(models.Model):
    """A hint, revealed to a trainee one at a time in order."""

    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="hints"
    )
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Submission(models.Model):
    """One checked attempt at an exercise: the exact text and what grading said."""

    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="submissions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    text = models.TextField()
    result = models.JSONField(default=dict)
    score = models.FloatField(default=0)
    correct = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "exercise", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.exercise} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def grade_result(self):
        """The stored result, typed: an exercises.grading.GradeResult (or None)."""
        from .grading import grade_from_json  # grading imports this module

        return grade_from_json(self.result)


class ExerciseProgress(models.Model):
    """A trainee's state on one exercise: hints shown, solved or not."""

    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="progress"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exercise_progress",
    )
    hints_shown = models.PositiveSmallIntegerField(default=0)
    best_score = models.FloatField(default=0)
    solved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "exercise progress"
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "user"], name="one_progress_per_exercise_and_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.exercise}"

    @property
    def solved(self) -> bool:
        return self.solved_at is not None
