"""Text a person can type comes back escaped on trainee, instructor and admin pages."""

import pytest
from django.urls import reverse

from exercises.models import Exercise
from quizzes.models import Question, Quiz
from quizzes.services import answer_save, attempt_start, attempt_submit
from responsibility.models import Guide

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
]


def _assert_inert(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x onerror" not in html
    assert 'href="javascript:' not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_from_the_admin_is_sanitized(client, admin_user, payload, bank):
    guide = Guide.objects.create(slug="g", title=payload, summary=payload, body=payload)
    Question.objects.filter(slug="groups-nest").update(
        prompt=payload, explanation=payload
    )
    client.force_login(admin_user)
    for url in [
        guide.get_absolute_url(),
        reverse("responsibility:guides"),
        reverse("admin:responsibility_guide_change", args=[guide.pk]),
        reverse(
            "admin:quizzes_question_preview",
            args=[Question.objects.get(slug="groups-nest").pk],
        ),
    ]:
        _assert_inert(client.get(url).content.decode())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_free_answers_come_back_escaped(client, alice, questions, payload, admin_user):
    quiz = Quiz.objects.get(slug="basics")
    attempt = attempt_start(quiz=quiz, user=alice)
    answer_save(
        attempt=attempt, question=questions["name-effect"], response={"text": payload}
    )
    attempt_submit(attempt=attempt)
    client.force_login(alice)
    _assert_inert(
        client.get(reverse("quizzes:review", args=[attempt.pk])).content.decode()
    )
    client.force_login(admin_user)
    change = reverse("admin:quizzes_attempt_change", args=[attempt.pk])
    _assert_inert(client.get(change).content.decode())
    stats = reverse("admin:quizzes_question_change", args=[questions["name-effect"].pk])
    _assert_inert(client.get(stats).content.decode())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_policies_and_scenarios_come_back_escaped(client, alice, payload, db):
    from exercises.interchange import check_exercises, exercises_import
    from tests.exercises.conftest import EXERCISES

    exercises_import(document=check_exercises(EXERCISES))
    Exercise.objects.filter(slug="own-password").update(scenario=payload, title=payload)
    client.force_login(alice)
    url = reverse("exercises:check", args=["own-password"])
    client.post(url, {"policy": payload})
    page = reverse("exercises:exercise", args=["own-password"])
    _assert_inert(client.get(page).content.decode())
    _assert_inert(client.get(reverse("exercises:list")).content.decode())
    fragment = client.post(url, {"policy": payload}, headers={"HX-Request": "true"})
    _assert_inert(fragment.content.decode())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_workshop_titles_and_display_names_come_back_escaped(
    client, charlie, admin_user, bank, payload
):
    from workshops.services import guest_join, workshop_create, workshop_open

    quiz = Quiz.objects.get(slug="basics")
    workshop = workshop_open(
        workshop=workshop_create(title=payload, created_by=charlie, contents=[quiz])
    )
    guest = guest_join(workshop=workshop, display_name=payload)
    attempt_submit(attempt=attempt_start(quiz=quiz, user=guest))
    pages = [
        reverse(name, args=[workshop.pk])
        for name in [
            "workshops:dashboard",
            "workshops:dashboard_live",
            "workshops:projector",
            "workshops:summary",
            "workshops:agenda",
        ]
    ]
    client.force_login(charlie)
    for url in [*pages, reverse("workshops:list")]:
        _assert_inert(client.get(url).content.decode())
    client.force_login(guest)
    _assert_inert(
        client.get(reverse("workshops:agenda", args=[workshop.pk])).content.decode()
    )
    client.force_login(admin_user)
    _assert_inert(
        client.get(
            reverse("admin:workshops_workshop_change", args=[workshop.pk])
        ).content.decode()
    )
