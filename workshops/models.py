"""
Workshops: live sessions where an instructor runs an agenda of quizzes and policy
exercises with a room of trainees who join with a short code.

Results are not copied here: a workshop links the quiz attempts and exercise
submissions made in it (WorkshopAttempt, WorkshopSubmission), so the dashboard
reads the trainees' own records and quizzes and exercises never know workshops.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

# Without look-alikes (0/O, 1/I, 2/Z, 5/S, 8/B, 6): a code read off a projector
# at the back of a room is typed right.
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"
CODE_LENGTH = 6


def code_generate() -> str:
    """A random join code of CODE_LENGTH characters from CODE_ALPHABET."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_normalise(raw: str) -> str:
    """What a trainee typed, in the stored form: capitals, no spaces or dashes."""
    return "".join(ch for ch in raw.upper() if ch not in " -\t")


class WorkshopState(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Workshop(models.Model):
    """
    One live session: its agenda, its instructors, its join code and its state.

    A draft can be edited and refuses joins; an open workshop takes joins and
    answers; a closed one keeps its data and refuses both. The join code is
    unique among workshops that are not closed, so an old code can come back.
    """

    title = models.CharField(max_length=150)
    date = models.DateField(default=timezone.localdate)
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="workshops_taught"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    code = models.CharField(max_length=CODE_LENGTH, default=code_generate)
    state = models.CharField(
        max_length=6, choices=WorkshopState.choices, default=WorkshopState.DRAFT
    )
    joining_locked = models.BooleanField(
        default=False,
        help_text="No one new may join; those who joined keep their place.",
    )
    show_leaderboard = models.BooleanField(
        "show the leaderboard",
        default=False,
        help_text="Shown on the dashboard and the projector when on.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(state="closed"),
                name="workshop_code_unique_until_closed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("workshops:agenda", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.state == WorkshopState.DRAFT

    @property
    def is_open(self) -> bool:
        return self.state == WorkshopState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == WorkshopState.CLOSED

    @property
    def display_code(self) -> str:
        """The code in two groups of three, easier to read aloud."""
        return f"{self.code[:3]}-{self.code[3:]}"

    def is_instructor(self, user) -> bool:
        """Whether `user` runs this workshop (superusers run every workshop)."""
        if not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        return self.instructors.filter(pk=user.pk).exists()


class AgendaItem(models.Model):
    """
    One step of a workshop's agenda: a quiz, a policy exercise or a lab, in order.

    Trainees can open an item in the workshop once the instructor unlocks it.
    """

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(default=0)
    quiz = models.ForeignKey(
        "quizzes.Quiz",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    exercise = models.ForeignKey(
        "exercises.Exercise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    lab = models.ForeignKey(
        "labs.Lab",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    unlocked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quiz__isnull=False, exercise__isnull=True, lab__isnull=True)
                | Q(quiz__isnull=True, exercise__isnull=False, lab__isnull=True)
                | Q(quiz__isnull=True, exercise__isnull=True, lab__isnull=False),
                name="agenda_item_is_one_quiz_exercise_or_lab",
            ),
            models.UniqueConstraint(
                fields=["workshop", "quiz"], name="quiz_once_per_workshop"
            ),
            models.UniqueConstraint(
                fields=["workshop", "exercise"], name="exercise_once_per_workshop"
            ),
            models.UniqueConstraint(
                fields=["workshop", "lab"], name="lab_once_per_workshop"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop.title}: {self.title}"

    @property
    def is_quiz(self) -> bool:
        return self.quiz_id is not None

    @property
    def is_lab(self) -> bool:
        return self.lab_id is not None

    @property
    def kind_label(self) -> str:
        if self.is_quiz:
            return "Quiz"
        return "Lab" if self.is_lab else "Policy exercise"

    @property
    def content(self):
        """The quiz, the exercise or the lab."""
        if self.is_quiz:
            return self.quiz
        return self.lab if self.is_lab else self.exercise

    @property
    def title(self) -> str:
        return self.content.title

    @property
    def unlocked(self) -> bool:
        return self.unlocked_at is not None


class Membership(models.Model):
    """A trainee who joined a workshop."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="workshop_memberships",
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"], name="one_membership_per_workshop"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workshop.title}"


class GuestProfile(models.Model):
    """
    Marks an account created by joining with a display name instead of signing up.

    Such an account has no usable password until its owner sets one; the
    prune_guests command removes old ones that hold nothing worth keeping.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guest_profile"
    )
    display_name = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.display_name


class WorkshopNetwork(models.Model):
    """
    A network (an IPv4 address, or an IPv6 /64) from which someone joined a
    workshop or its instructor opened it: when too many wrong codes have come
    from a network, its people can still type this workshop's code (see
    workshops/throttling.py). Only a keyed hash of the network is stored.
    """

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="networks"
    )
    network = models.CharField(max_length=64)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "network"], name="one_row_per_workshop_network"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workshop.title}: {self.network[:12]}"


class WorkshopAttempt(models.Model):
    """A quiz attempt made in a workshop: it counts for it on the dashboard."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="attempt_links"
    )
    attempt = models.OneToOneField(
        "quizzes.Attempt", on_delete=models.CASCADE, related_name="workshop_link"
    )

    class Meta:
        verbose_name = "workshop attempt"

    def __str__(self) -> str:
        return f"{self.workshop.title}: attempt {self.attempt_id}"


class WorkshopSubmission(models.Model):
    """An exercise submission made in a workshop: it counts for it."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="submission_links"
    )
    submission = models.OneToOneField(
        "exercises.Submission", on_delete=models.CASCADE, related_name="workshop_link"
    )

    class Meta:
        verbose_name = "workshop submission"

    def __str__(self) -> str:
        return f"{self.workshop.title}: submission {self.submission_id}"
