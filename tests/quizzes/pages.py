"""Helpers for tests that take an attempt through the pages a trainee uses."""

from django.urls import reverse

from quizzes.models import Attempt


def start(client, slug: str = "basics") -> Attempt:
    """Start (or resume) the quiz as the logged-in client; the attempt."""
    client.post(reverse("quizzes:start", args=[slug]))
    return Attempt.objects.latest("pk")


def position_of(attempt: Attempt, question) -> int:
    """Where `question` sits in the attempt, counted from 1 as pages do."""
    return attempt.question_ids.index(question.pk) + 1


def question_url(attempt: Attempt, position: int) -> str:
    return reverse("quizzes:question", args=[attempt.pk, position])
