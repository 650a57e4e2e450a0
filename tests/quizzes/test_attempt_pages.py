"""
The pages around an open attempt: the navigator, flags, the summary before
submitting, the time left; and the review's grid and filter.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, Quiz
from quizzes.selectors import (
    ANSWERED,
    CORRECT,
    NOT_ANSWERED,
    NOT_CORRECT,
)
from quizzes.services import AttemptClosed, attempt_flag, attempt_start
from tests.quizzes.pages import position_of, question_url, start

pytestmark = pytest.mark.django_db


def _choice_id(question, text_start: str) -> str:
    return str(
        next(c.pk for c in question.choices.all() if c.text.startswith(text_start))
    )


# --- the navigator ---------------------------------------------------------------


def test_navigator_tells_correct_from_wrong_once_feedback_was_shown(
    client, alice, questions
):
    client.force_login(alice)
    attempt = start(client)
    right = position_of(attempt, questions["groups-rule"])
    wrong = position_of(attempt, questions["groups-nest"])
    client.post(
        question_url(attempt, right),
        {"choice": _choice_id(questions["groups-rule"], "A user")},
    )
    client.post(question_url(attempt, wrong), {"value": "true"})

    response = client.get(question_url(attempt, right))
    marks = {state.position: state.mark for state in response.context["states"]}
    assert marks[right] == CORRECT
    assert marks[wrong] == NOT_CORRECT
    assert sum(mark == NOT_ANSWERED for mark in marks.values()) == 5
    page = response.content.decode()
    assert f'{wrong}<span aria-hidden="true"> ✘</span>' in page
    assert '<span class="visually-hidden"> (not correct)</span>' in page
    assert '<span class="visually-hidden"> (correct)</span>' in page


def test_navigator_says_only_answered_while_feedback_waits_for_the_end(
    client, alice, questions
):
    client.force_login(alice)
    attempt = start(client, "timed")
    position = position_of(attempt, questions["name-effect"])
    client.post(question_url(attempt, position), {"text": "Action"})  # wrong

    response = client.get(question_url(attempt, position))
    marks = [state.mark for state in response.context["states"]]
    assert marks[position - 1] == ANSWERED
    page = response.content.decode()
    assert "(answered)" in page
    assert "(not correct)" not in page
    assert "✘" not in page


# --- flags ---------------------------------------------------------------------


def test_a_flag_is_kept_on_the_attempt_and_can_be_taken_off(client, alice, bank):
    client.force_login(alice)
    attempt = start(client)
    url = reverse("quizzes:flag", args=[attempt.pk, 2])

    response = client.post(url, {"flagged": "true"})
    assert response.url == question_url(attempt, 2)
    attempt.refresh_from_db()
    assert attempt.flagged == [attempt.question_ids[1]]
    page = client.get(question_url(attempt, 1)).content.decode()
    assert "(not answered, flagged for review)" in page
    assert "1 flagged" in page

    client.post(url, {"flagged": "false"})
    attempt.refresh_from_db()
    assert attempt.flagged == []


def test_flagging_with_htmx_swaps_the_control_and_the_navigator(client, alice, bank):
    client.force_login(alice)
    attempt = start(client)
    response = client.post(
        reverse("quizzes:flag", args=[attempt.pk, 3]),
        {"flagged": "true"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="flag-control"' in page
    assert "Remove the flag" in page
    assert 'id="question-nav-panel" hx-swap-oob="true"' in page
    assert "(not answered, flagged for review)" in page


@pytest.mark.parametrize("value", ["", "yes", "x" * 500])
def test_a_bad_flag_value_is_a_clear_error_and_changes_nothing(
    client, alice, bank, value
):
    client.force_login(alice)
    attempt = start(client)
    url = reverse("quizzes:flag", args=[attempt.pk, 1])
    page = client.post(url, {"flagged": value}, follow=True).content.decode()
    assert re.search(r"Say whether to flag|A flag is either set", page)
    response = client.post(url, {"flagged": value}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.flagged == []


def test_flags_belong_to_the_attempt_and_its_questions(client, alice, bob, bank):
    client.force_login(alice)
    attempt = start(client)
    assert (
        client.post(reverse("quizzes:flag", args=[attempt.pk, 99]), {"flagged": "true"})
    ).status_code == 404
    client.force_login(bob)
    response = client.post(
        reverse("quizzes:flag", args=[attempt.pk, 1]), {"flagged": "true"}
    )
    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.flagged == []


def test_flagging_a_finished_attempt_with_htmx_loads_the_review(client, alice, bank):
    client.force_login(alice)
    attempt = start(client, "timed")
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    response = client.post(
        reverse("quizzes:flag", args=[attempt.pk, 1]),
        {"flagged": "true"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("quizzes:review", args=[attempt.pk])
    assert response.content == b""
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert attempt.flagged == []


def test_a_bad_flag_value_on_a_flagged_question_keeps_showing_the_flag(
    client, alice, bank
):
    client.force_login(alice)
    attempt = start(client)
    url = reverse("quizzes:flag", args=[attempt.pk, 1])
    client.post(url, {"flagged": "true"})
    response = client.post(url, {"flagged": "maybe"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "Remove the flag" in response.content.decode()


def test_a_submitted_or_timed_out_attempt_takes_no_flag(alice, questions):
    attempt = attempt_start(quiz=Quiz.objects.get(slug="timed"), user=alice)
    later = timezone.now() + timedelta(minutes=6)
    with pytest.raises(AttemptClosed, match="Time is up"):
        attempt_flag(
            attempt=attempt,
            question_id=attempt.question_ids[0],
            flagged=True,
            now=later,
        )
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert attempt.flagged == []
    with pytest.raises(AttemptClosed, match="submitted"):
        attempt_flag(attempt=attempt, question_id=attempt.question_ids[0], flagged=True)


# --- the summary before submitting ------------------------------------------------


def test_submit_the_quiz_opens_a_summary_and_submits_only_on_confirmation(
    client, alice, questions
):
    client.force_login(alice)
    attempt = start(client)
    answered = position_of(attempt, questions["groups-nest"])
    client.post(question_url(attempt, answered), {"value": "false"})
    client.post(reverse("quizzes:flag", args=[attempt.pk, 1]), {"flagged": "true"})

    question_page = client.get(question_url(attempt, 1)).content.decode()
    summary_url = reverse("quizzes:summary", args=[attempt.pk])
    assert f'href="{summary_url}">Submit the quiz</a>' in question_page
    assert reverse("quizzes:submit", args=[attempt.pk]) not in question_page

    response = client.get(summary_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Summary of your attempt" in page
    assert "1 of 7 questions answered, 1 flagged for review" in page
    assert page.count("Not answered</td>") == 6
    assert page.count("Flagged for review</td>") == 1
    assert "6 questions have no answer and will count as wrong." in page
    for position in range(1, 8):
        assert f'href="{question_url(attempt, position)}"' in page
    assert f'action="{reverse("quizzes:submit", args=[attempt.pk])}"' in page
    attempt.refresh_from_db()
    assert attempt.is_open

    response = client.post(reverse("quizzes:submit", args=[attempt.pk]))
    assert response.url == reverse("quizzes:review", args=[attempt.pk])
    attempt.refresh_from_db()
    assert not attempt.is_open
    assert client.get(summary_url).url == reverse("quizzes:review", args=[attempt.pk])


def test_the_summary_is_the_trainees_own(client, alice, bob, admin_user, bank):
    attempt = attempt_start(quiz=Quiz.objects.get(slug="basics"), user=alice)
    for other in (bob, admin_user):
        client.force_login(other)
        response = client.get(reverse("quizzes:summary", args=[attempt.pk]))
        assert response.status_code == 404


def test_the_summary_past_the_deadline_submits_the_attempt(client, alice, bank):
    client.force_login(alice)
    attempt = start(client, "timed")
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("quizzes:summary", args=[attempt.pk]), follow=True)
    assert "Time is up: your attempt was submitted." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == "submitted"


def test_the_last_question_of_an_immediate_quiz_offers_to_finish(
    client, alice, questions
):
    client.force_login(alice)
    attempt = start(client)
    last = len(attempt.question_ids)
    question = questions[
        next(s for s, q in questions.items() if q.pk == attempt.question_ids[-1])
    ]
    client.post(question_url(attempt, last), _any_answer(question))
    page = client.get(question_url(attempt, last)).content.decode()
    summary_url = reverse("quizzes:summary", args=[attempt.pk])
    assert f'href="{summary_url}">Finish and see results</a>' in page
    assert "Next question" not in page


def _any_answer(question) -> dict:
    return {
        "single": lambda: {"choice": str(question.choices.first().pk)},
        "multiple": lambda: {"choices": [str(question.choices.first().pk)]},
        "true_false": lambda: {"value": "true"},
        "sort": lambda: {"area__guest-os": "aws", "area__customer-data": "customer"},
        "policy": lambda: {"effect": "Allow"},
        "short": lambda: {"text": "Effect"},
        "numerical": lambda: {"number": "2"},
    }[question.type]()


# --- the time left ----------------------------------------------------------------


def test_a_timed_attempt_shows_the_time_left_and_loads_the_countdown(
    client, alice, bank
):
    client.force_login(alice)
    attempt = start(client, "timed")
    response = client.get(question_url(attempt, 1))
    assert 280 <= response.context["seconds_left"] <= 300
    page = response.content.decode()
    assert re.search(r'data-seconds-left="(29\d|300|28\d)"', page)
    assert "Time left: 4\xa0minutes" in page or "Time left: 5\xa0minutes" in page
    assert "js/countdown.js" in page
    summary = client.get(reverse("quizzes:summary", args=[attempt.pk]))
    assert "js/countdown.js" in summary.content.decode()

    untimed = start(client, "basics")
    page = client.get(question_url(untimed, 1)).content.decode()
    assert "countdown.js" not in page
    assert 'id="time-left"' not in page
