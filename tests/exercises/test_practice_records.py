"""Exercises on the progress page: solved or not, checks made, in fixed queries."""

import pytest
from django.urls import reverse

from curriculum.progress import practice_sections
from exercises.models import Exercise
from exercises.selectors import practice_records
from exercises.services import submission_create
from tests.exercises.conftest import OWN_PASSWORD_REFERENCE

pytestmark = pytest.mark.django_db


def test_records_say_solved_checks_and_best_score(exercises, alice, bob):
    submission_create(exercise=exercises["own-password"], user=alice, text="{")
    submission_create(
        exercise=exercises["own-password"], user=alice, text=OWN_PASSWORD_REFERENCE
    )
    submission_create(exercise=exercises["own-password"], user=bob, text="{")
    records = {record.title: record for record in practice_records(alice)}
    solved = records["Change your own password"]
    assert solved.solved
    assert solved.attempts == 2
    assert solved.best_score == 1.0
    assert solved.url == reverse("exercises:exercise", args=["own-password"])
    assert solved.kind == "Fix a broken policy"
    untouched = records["What does this allow?"]
    assert (untouched.solved, untouched.attempts, untouched.best_score) == (
        False,
        0,
        0.0,
    )


def test_records_take_two_queries_however_many_exercises(
    exercises, alice, django_assert_num_queries
):
    with django_assert_num_queries(2):
        before = len(practice_records(alice))
    for i in range(5):
        Exercise.objects.create(
            slug=f"extra-{i}", title=f"Extra {i}", kind="write", scenario="s",
            reference="{}",
        )  # fmt: skip
    with django_assert_num_queries(2):
        assert len(practice_records(alice)) == before + 5


def test_unpublished_exercises_are_left_out(exercises, alice):
    Exercise.objects.filter(slug="predict-s3").update(is_published=False)
    titles = [r.title for r in practice_records(alice)]
    assert "What does this allow?" not in titles
    assert "Change your own password" in titles


def test_exercises_register_their_section_of_the_progress_page(exercises, alice):
    sections = {section.app: section for section in practice_sections(alice)}
    assert sections["exercises"].title == "Policy exercises"
    assert sections["exercises"].attempts_label == "Checks"
    published = Exercise.objects.filter(is_published=True).count()
    assert len(sections["exercises"].records) == published >= 2


def test_the_progress_page_lists_exercises_next_to_quizzes(client, exercises, alice):
    submission_create(exercise=exercises["own-password"], user=alice, text="{")
    client.force_login(alice)
    page = client.get(reverse("quizzes:progress")).content.decode()
    assert "Attempt history" in page
    assert "Policy exercises" in page
    assert page.index("Attempt history") < page.index("Policy exercises")
    exercise_url = reverse("exercises:exercise", args=["own-password"])
    assert f'<a href="{exercise_url}">Change your own password</a>' in page
    assert "✘ Not solved yet" in page
    assert "Not started" in page
