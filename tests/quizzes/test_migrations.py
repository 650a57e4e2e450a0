"""Data migrations of quizzes reshape existing rows, both ways."""

import importlib

import pytest
from django.apps import apps

from quizzes.models import Attempt, Quiz
from quizzes.services import attempt_start

pytestmark = pytest.mark.django_db

score_fraction = importlib.import_module(
    "quizzes.migrations.0005_attempt_score_fraction"
)


def test_attempt_scores_turn_from_percentages_to_fractions_and_back(alice, bank):
    attempt = attempt_start(quiz=Quiz.objects.get(slug="basics"), user=alice)
    open_attempt = attempt_start(quiz=Quiz.objects.get(slug="timed"), user=alice)
    Attempt.objects.filter(pk=attempt.pk).update(score=85.3)

    score_fraction.percent_to_fraction(apps, None)
    attempt.refresh_from_db()
    assert attempt.score == pytest.approx(0.853)
    assert attempt.percent == 85.3
    open_attempt.refresh_from_db()
    assert open_attempt.score is None

    score_fraction.fraction_to_percent(apps, None)
    attempt.refresh_from_db()
    assert attempt.score == pytest.approx(85.3)
