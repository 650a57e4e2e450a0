"""
What the tool keeps beyond django-lti's own rows (registrations, deployments,
LTI users, contexts, memberships, resource links, keys).

- ``RegistrationOptions``: choices an administrator makes per platform.
- ``LaunchValue``: OIDC state, nonces and launch data between the login
  initiation and the launch, in the database so every app server sees them.
- ``ActivityLaunch``: which activity a person launched from which resource link,
  and the line item its score goes to.
- ``ScoreSend``: the outbox of scores for the platform's gradebook.
"""

import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from lti_tool.models import LtiRegistration, LtiResourceLink

# Platforms' URLs (line items, return URLs) can be long; PostgreSQL enforces it.
URL_LENGTH = 2000

# An origin as CSP's frame-ancestors takes it: a scheme and a host (whose first
# label may be *, as in https://*.instructure.com), maybe a port, nothing else.
ORIGIN = re.compile(
    r"https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*"
    r"(:[0-9]{1,5})?"
)


class RegistrationOptions(models.Model):
    """Per-platform choices that are ours, not django-lti's."""

    registration = models.OneToOneField(
        LtiRegistration,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="trainer_options",
    )
    instructors_join_group = models.BooleanField(
        "LMS instructors become site instructors",
        default=False,
        help_text=(
            "Off by default: the site's Instructors group may edit content for "
            "everyone and is made staff, and anyone an LMS calls an instructor in "
            "one course would get that. Turn it on only for a platform whose "
            "instructors you trust with the whole site."
        ),
    )
    frame_origins = models.TextField(
        "extra frame origins",
        blank=True,
        help_text=(
            "Origins allowed to show the tool in a frame besides the issuer's and "
            "the login URL's, one a line, such as https://school.instructure.com."
        ),
    )

    class Meta:
        verbose_name = "options"
        verbose_name_plural = "options"

    def __str__(self) -> str:
        return f"Options of {self.registration}"

    def extra_origins(self) -> list[str]:
        """The origins of frame_origins; anything else in it is ignored, as it
        would otherwise end up in the Content-Security-Policy header."""
        lines = (line.strip() for line in self.frame_origins.splitlines())
        return [line for line in lines if ORIGIN.fullmatch(line)]


class LaunchValue(models.Model):
    """One value pylti1p3 keeps between two requests (state, nonce, launch data)."""

    key = models.CharField(max_length=255, unique=True)
    value = models.JSONField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key


class ActivityKind(models.TextChoices):
    QUIZ = "quiz", "Quiz"
    EXERCISE = "exercise", "Exercise"
    LAB = "lab", "Lab"


class ActivityLaunch(models.Model):
    """
    A person launched an activity (a quiz, exercise or lab named by its slug)
    from a resource link; while ``line_item_url`` is set, their scores on that
    activity go to the platform's gradebook.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    resource_link = models.ForeignKey(
        LtiResourceLink, on_delete=models.CASCADE, related_name="activity_launches"
    )
    kind = models.CharField(max_length=10, choices=ActivityKind.choices)
    slug = models.SlugField(max_length=100)
    lms_user_id = models.CharField("user ID on the platform", max_length=255)
    line_item_url = models.URLField(max_length=URL_LENGTH, blank=True)
    launched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "resource_link"], name="one_activity_launch_per_link"
            )
        ]
        indexes = [models.Index(fields=["user", "kind", "slug"])]

    def __str__(self) -> str:
        return f"{self.user} launched {self.kind} {self.slug}"


class ScoreStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    SUPERSEDED = "superseded", "Replaced by a better score"
    FAILED = "failed", "Gave up (retry from the admin)"


class ScoreSend(models.Model):
    """
    A score waiting for, or delivered to, a platform's line item. Written in
    the same transaction as the attempt or submission it comes from, so a score
    is never lost; sent on commit and, if that fails, by lti_send_scores.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    launch = models.ForeignKey(
        ActivityLaunch, on_delete=models.CASCADE, related_name="scores"
    )
    line_item_url = models.URLField(max_length=URL_LENGTH)
    lms_user_id = models.CharField("user ID on the platform", max_length=255)
    score_given = models.FloatField()
    score_maximum = models.FloatField()
    status = models.CharField(
        max_length=10, choices=ScoreStatus.choices, default=ScoreStatus.PENDING
    )
    tries = models.PositiveIntegerField(default=0)
    next_try_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.score_given}/{self.score_maximum} for {self.lms_user_id}"
