"""
Practice AWS accounts and labs.

Every trainee can open a practice account, simulated entirely by the IAM engine
(``iam.account``): no AWS account, no network. A lab is a practice account set up
for a task (``setup``, a list of operations) with goals the engine checks
(``iam.account.goals``). The account itself is stored as JSON data
(``iam.account.state``), one row per trainee and lab; the trainee's own sandbox
is the row with no lab.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from curriculum.models import Difficulty, SluggedModel, Topic


class Lab(SluggedModel):
    """A task on a practice account: its starting state, goals and a solution."""

    title = models.CharField(max_length=150)
    summary = models.CharField(max_length=300, help_text="One line, for lists.")
    brief = models.TextField(help_text="Markdown: the scenario and the task.")
    difficulty = models.PositiveSmallIntegerField(
        choices=Difficulty.choices, default=Difficulty.EASY
    )
    topics = models.ManyToManyField(Topic, related_name="labs", blank=True)
    setup = models.JSONField(
        default=list,
        blank=True,
        help_text="Operations that build the starting account, in order.",
    )
    goals = models.JSONField(
        default=list, help_text="What the account must satisfy (iam.account.goals)."
    )
    solution = models.JSONField(
        default=list,
        blank=True,
        help_text="Operations that meet every goal from the starting account. "
        "Never shown to trainees.",
    )
    hints = models.JSONField(default=list, blank=True)
    source = models.URLField(
        max_length=300, blank=True, help_text="The AWS documentation page it follows."
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField("published", default=True)

    class Meta:
        ordering = ["order", "difficulty", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("labs:lab", args=[self.slug])


class PracticeAccount(models.Model):
    """One trainee's practice account: the sandbox (no lab) or a lab's account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="practice_accounts",
    )
    lab = models.ForeignKey(
        Lab,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="accounts",
    )
    state = models.JSONField(help_text="The account, as iam.account.state writes it.")
    history = models.JSONField(
        default=list,
        blank=True,
        help_text="What the trainee did, newest last: {at, call, ok, message}.",
    )
    checks = models.PositiveIntegerField(default=0)
    last_check = models.JSONField(
        null=True,
        blank=True,
        help_text="The goals as the latest Check found them (labs/lab_services.py); "
        "none before the first check or after starting over.",
    )
    solved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lab"], name="labs_one_account_per_lab"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(lab__isnull=True),
                name="labs_one_sandbox_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.lab or 'sandbox'}"
