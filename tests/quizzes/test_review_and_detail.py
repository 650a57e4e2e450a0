"""The review's grid and filter, and what the quiz page says before starting."""

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Quiz
from quizzes.selectors import quiz_plan
from tests.quizzes.pages import position_of, question_url, start

pytestmark = pytest.mark.django_db


def _submitted_with_one_right(client, alice, questions) -> Attempt:
    client.force_login(alice)
    attempt = start(client)
    client.post(
        question_url(attempt, position_of(attempt, questions["groups-nest"])),
        {"value": "false"},
    )
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    return attempt


def test_the_review_starts_with_a_grid_of_every_question(client, alice, questions):
    attempt = _submitted_with_one_right(client, alice, questions)
    page = client.get(reverse("quizzes:review", args=[attempt.pk])).content.decode()
    right = position_of(attempt, questions["groups-nest"])
    link = f'href="#q{right}">Question {right}: <span aria-hidden="true">✔</span>'
    assert link + " correct</a>" in page
    assert page.count('<span aria-hidden="true">✘</span> not correct</a>') == 6
    assert page.index("Question by question") < page.index('id="q1"')
    assert "Show only what I got wrong" in page


def test_only_wrong_hides_what_was_right(client, alice, questions):
    attempt = _submitted_with_one_right(client, alice, questions)
    right = position_of(attempt, questions["groups-nest"])
    review = reverse("quizzes:review", args=[attempt.pk])
    response = client.get(review, {"only": "wrong"})
    assert len(response.context["shown"]) == 6
    page = response.content.decode()
    assert f'id="q{right}"' not in page
    assert f'href="?only=all#q{right}"' in page
    assert "Show every question" in page
    assert page.count("Explanation.") == 6


def test_an_unknown_review_filter_says_so_and_shows_everything(
    client, alice, questions
):
    attempt = _submitted_with_one_right(client, alice, questions)
    response = client.get(
        reverse("quizzes:review", args=[attempt.pk]), {"only": "<b>right</b>"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "“&lt;b&gt;right&lt;/b&gt;” is not a filter here" in page
    assert page.count("Explanation.") == 7


# --- before starting --------------------------------------------------------------


def test_the_quiz_page_says_how_many_questions_and_the_time_limit(client, alice, bank):
    client.force_login(alice)
    page = client.get(reverse("quizzes:quiz", args=["basics"])).content.decode()
    assert "<li>Questions: 7</li>" in page
    assert "<li>No time limit</li>" in page
    page = client.get(reverse("quizzes:quiz", args=["timed"])).content.decode()
    assert "<li>Questions: 2</li>" in page  # one listed, one drawn
    assert "Time limit: 5 minutes, counted from the start" in page


def test_the_plan_counts_what_a_draw_can_give(bank):
    plan = quiz_plan(Quiz.objects.get(slug="timed"))
    assert plan.question_count == 2
    fixed, (count, pool) = plan.fixed, plan.draws[0]
    bigger = type(plan)(fixed, ((count + 10, pool),), plan.choices)
    assert bigger.question_count == len(set(fixed) | set(pool))
