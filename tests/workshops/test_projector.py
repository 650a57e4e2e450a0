"""The projector view: no site chrome, the code on one line, the current item,
its answers drawn as SVG bar charts, a timer and the leaderboard in whole points."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.services import answer_save, attempt_start, attempt_submit
from workshops.projector import answer_distribution, bar_chart, current_item
from workshops.services import (
    item_unlock_next,
    leaderboard_show,
    membership_join,
    workshop_close,
)

from .conftest import choice_id

pytestmark = pytest.mark.django_db


def _answer(workshop, quiz, questions, user, *, right: bool):
    membership_join(workshop=workshop, user=user)
    attempt = attempt_start(quiz=quiz, user=user)
    rule = questions["groups-rule"]
    picked = choice_id(rule, "A user" if right else "A group can sign")
    answer_save(attempt=attempt, question=rule, response={"choice": picked})
    answer_save(
        attempt=attempt,
        question=questions["groups-nest"],
        response={"value": not right},  # groups do not nest
    )
    return attempt


def test_the_current_item_is_the_one_unlocked_last(workshop):
    items = list(workshop.items.all())
    assert current_item(items) == items[0]
    item_unlock_next(workshop=workshop, now=timezone.now() + timedelta(minutes=1))
    assert current_item(list(workshop.items.all())) == items[1]


def test_nothing_is_current_before_an_item_is_unlocked(draft):
    assert current_item(list(draft.items.all())) is None


def test_the_distribution_counts_each_answer_given_in_the_workshop(
    workshop, quiz, questions, alice, bob
):
    _answer(workshop, quiz, questions, alice, right=True)
    _answer(workshop, quiz, questions, bob, right=False)
    item = workshop.items.first()
    rule, nest = answer_distribution(workshop, item)
    assert rule.answers == 2
    assert [(b.label, b.count, b.correct) for b in rule.bars] == [
        ("A group can contain other groups.", 0, False),
        ("A user can belong to several groups.", 1, True),
        ("A group can sign in.", 1, False),
    ]
    assert [(b.label, b.count, b.correct) for b in nest.bars] == [
        ("True", 1, False),
        ("False", 1, True),
    ]


def test_the_distribution_ignores_practice_and_runs_fixed_queries(
    workshop, quiz, questions, alice, bob
):
    attempt_submit(attempt=attempt_start(quiz=quiz, user=bob))  # practice
    _answer(workshop, quiz, questions, alice, right=True)
    item = workshop.items.first()
    with CaptureQueriesContext(connection) as queries:
        rule, _ = answer_distribution(workshop, item)
    assert rule.answers == 1
    assert len(queries) == 4


def test_the_chart_is_svg_with_text_labels_and_numbers(
    workshop, quiz, questions, alice
):
    _answer(workshop, quiz, questions, alice, right=True)
    rule, _ = answer_distribution(workshop, workshop.items.first())
    svg = bar_chart(rule)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "✔ A user can belong to several groups. (right answer)" in svg
    assert ">1 (100%)</text>" in svg and ">0 (0%)</text>" in svg


def test_chart_labels_are_plain_words_and_escaped(workshop, quiz, questions, alice):
    rule = questions["groups-rule"]
    choice = rule.choices.get(text__startswith="A group can sign")
    choice.text = "**Amazon EC2** <script>x</script>"
    choice.save()
    membership_join(workshop=workshop, user=alice)
    attempt = attempt_start(quiz=quiz, user=alice)
    answer_save(attempt=attempt, question=rule, response={"choice": choice.pk})
    dist, _ = answer_distribution(workshop, workshop.items.first())
    svg = bar_chart(dist)
    assert "Amazon EC2 &lt;script&gt;x&lt;/script&gt;" in svg
    assert "<script>" not in svg and "**" not in svg


def test_the_projector_has_no_site_navigation_or_user_name(
    client, workshop, quiz, questions, alice, charlie
):
    _answer(workshop, quiz, questions, alice, right=True)
    client.force_login(charlie)
    html = client.get(reverse("workshops:projector", args=[workshop.pk])).content
    html = html.decode()
    assert 'aria-label="Main"' not in html
    assert "charlie" not in html
    assert "Log out" not in html
    assert "Now: IAM groups" in html
    assert 'class="answer-chart"' in html
    assert "data-elapsed=" in html
    assert "/static/js/projector.js" in html
    assert html.count("<h1") == 1


def test_the_projector_leaderboard_counts_whole_points(
    client, workshop, quiz, questions, alice, charlie
):
    attempt_submit(attempt=_answer(workshop, quiz, questions, alice, right=True))
    leaderboard_show(workshop=workshop, shown=True)
    client.force_login(charlie)
    url = reverse("workshops:projector_live", args=[workshop.pk])
    html = client.get(url).content.decode()
    assert "alice</bdi>: 100 points (1 passed)" in html
    assert "up to 100 points" in html


def test_the_timer_stops_when_the_workshop_closes(client, workshop, charlie):
    workshop_close(workshop=workshop)
    client.force_login(charlie)
    url = reverse("workshops:projector_live", args=[workshop.pk])
    html = client.get(url).content.decode()
    assert "data-elapsed=" not in html
    assert "On this item for" in html
