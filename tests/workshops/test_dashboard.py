"""The live dashboard: what it shows, and that it costs the same for 5 or 60."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exercises.models import Submission
from exercises.services import submission_create
from quizzes.models import Answer, Attempt, AttemptStatus
from quizzes.services import answer_save, attempt_start, attempt_submit
from workshops.dashboard import PASSED, workshop_dashboard
from workshops.models import Membership, WorkshopSubmission
from workshops.services import item_unlock_next, membership_join, workshop_close

from .conftest import choice_id, in_workshop

pytestmark = pytest.mark.django_db

TOO_BROAD = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",'
    ' "Action": "s3:*", "Resource": "*"}]}'
)


def _trainees(workshop, quiz, questions, exercise, count: int, start: int = 0):
    """`count` trainees, each with a quiz attempt and a stored policy submission."""
    rule = questions["groups-rule"]
    wrong = choice_id(rule, "A group can sign")
    right = choice_id(rule, "A user can")
    users = User.objects.bulk_create(
        User(username=f"trainee{n}", password="!") for n in range(start, start + count)
    )
    Membership.objects.bulk_create(Membership(workshop=workshop, user=u) for u in users)
    for n, user in enumerate(users):
        attempt = attempt_start(quiz=quiz, user=user)
        answer_save(
            attempt=attempt,
            question=rule,
            response={"choice": wrong if n % 2 else right},
        )
        if n % 3:
            attempt_submit(attempt=attempt)
        submission = Submission.objects.create(
            exercise=exercise,
            user=user,
            text="{}",
            score=0.6,
            result={
                "score": 0.6,
                "correct": False,
                "findings": [{"code": "W-STAR", "message": "Action is a wildcard."}],
                "problems": [],
                "too_permissive": {
                    "direction": "too permissive",
                    "request": {"action": "s3:DeleteObject"},
                    "sentence": f"s3:DeleteObject on report{n} is allowed.",
                },
                "too_strict": None,
            },
        )
        WorkshopSubmission.objects.create(workshop=workshop, submission=submission)


def _dashboard_queries(client, workshop) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("workshops:dashboard", args=[workshop.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_query_count_does_not_grow_with_the_room(
    client, workshop, quiz, questions, exercises, charlie, django_assert_max_num_queries
):
    item_unlock_next(workshop=workshop)
    exercise = exercises["read-reports"]
    client.force_login(charlie)
    _dashboard_queries(client, workshop)  # the first visit notes the network, once
    _trainees(workshop, quiz, questions, exercise, 5)
    few = _dashboard_queries(client, workshop)
    _trainees(workshop, quiz, questions, exercise, 55, start=5)
    many = _dashboard_queries(client, workshop)
    assert few == many
    with django_assert_max_num_queries(few):
        client.get(reverse("workshops:dashboard_live", args=[workshop.pk]))
    assert len(workshop_dashboard(workshop).rows) == 60


def test_statuses_per_trainee_and_item(
    workshop, quiz, questions, exercises, alice, bob
):
    for user in (alice, bob):
        membership_join(workshop=workshop, user=user)
    rule, nest = questions["groups-rule"], questions["groups-nest"]
    attempt = attempt_start(quiz=quiz, user=alice)
    answer_save(
        attempt=attempt, question=rule, response={"choice": choice_id(rule, "A user")}
    )
    answer_save(attempt=attempt, question=nest, response={"value": False})
    attempt_submit(attempt=attempt)
    attempt_start(quiz=quiz, user=bob)

    board = workshop_dashboard(workshop)
    rows = {row.name: row for row in board.rows}
    assert rows["alice"].cells[0].status is PASSED
    assert rows["alice"].cells[0].score == 100.0
    assert rows["bob"].cells[0].status.label == "In progress"
    assert rows["bob"].cells[1].status.label == "Not started"
    quiz_stats = board.stats[0]
    assert (quiz_stats.started, quiz_stats.passed, quiz_stats.success_rate) == (
        2,
        1,
        50,
    )
    assert [row.name for row in board.leaderboard] == ["alice"]

    closed = workshop_close(workshop=workshop)
    board = workshop_dashboard(closed)
    rows = {row.name: row for row in board.rows}
    assert rows["bob"].cells[0].status.label == "Failed"


def test_the_dashboard_shows_the_commonest_wrong_answers(
    client, workshop, quiz, questions, charlie, alice, bob
):
    rule = questions["groups-rule"]
    for user in (alice, bob):
        membership_join(workshop=workshop, user=user)
        attempt = attempt_start(quiz=quiz, user=user)
        answer_save(
            attempt=attempt,
            question=rule,
            response={"choice": choice_id(rule, "A group can contain")},
        )
        answer_save(
            attempt=attempt, question=questions["groups-nest"], response={"value": True}
        )
    board = workshop_dashboard(workshop)
    top = board.wrong_answers[0]
    assert (top.text, top.trainees) in {
        ("A group can contain other groups.", 2),
        ("True", 2),
    }
    client.force_login(charlie)
    page = client.get(reverse("workshops:dashboard", args=[workshop.pk]))
    html = page.content.decode()
    assert "A group can contain other groups." in html
    assert "2 trainees" in html


def test_skipped_questions_are_not_wrong_answers(workshop, quiz, alice):
    membership_join(workshop=workshop, user=alice)
    attempt_submit(attempt=attempt_start(quiz=quiz, user=alice))
    assert Answer.objects.filter(response={}).count() == 2
    assert workshop_dashboard(workshop).wrong_answers == []


def test_the_dashboard_shows_counterexamples_and_lint_findings(
    client, workshop, exercises, charlie, alice
):
    item_unlock_next(workshop=workshop)
    membership_join(workshop=workshop, user=alice)
    exercise = exercises["read-reports"]
    submission_create(exercise=exercise, user=alice, text=TOO_BROAD)
    submission = Submission.objects.get()
    assert submission.result["too_permissive"]
    board = workshop_dashboard(workshop)
    counterexample = board.counterexamples[0]
    assert counterexample.context == "Too permissive"
    assert (
        counterexample.text == submission.result["too_permissive"]["request"]["action"]
    )
    assert counterexample.example == submission.result["too_permissive"]["sentence"]
    assert counterexample.trainees == 1
    assert [f.context for f in board.findings] == [
        f["code"] for f in submission.result["findings"]
    ][: len(board.findings)]
    client.force_login(charlie)
    html = client.get(reverse("workshops:dashboard", args=[workshop.pk])).content
    assert counterexample.text in html.decode()
    assert board.rows[0].cells[1].status.label == "In progress"


def test_wrong_predictions_count_as_misconceptions(workshop, exercises, alice):
    from exercises.services import prediction_submit

    in_workshop(workshop, alice, exercises["predict-reports"])
    prediction_submit(
        exercise=exercises["predict-reports"],
        user=alice,
        allowed_ids=set(
            exercises["predict-reports"].tests.values_list("pk", flat=True)
        ),
    )
    texts = {(m.context, m.text) for m in workshop_dashboard(workshop).counterexamples}
    assert ("Predicted allowed", "Write a report") in texts


def test_practice_outside_the_workshop_is_not_counted(workshop, quiz, alice):
    # Practised before joining: the workshop only counts what was done in it.
    attempt_submit(attempt=attempt_start(quiz=quiz, user=alice))
    membership_join(workshop=workshop, user=alice)
    assert Attempt.objects.get().status == AttemptStatus.SUBMITTED
    assert workshop_dashboard(workshop).rows[0].cells[0].status.label == "Not started"
