"""Scores reach the platform's line item (AGS), through the outbox."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from .conftest import launch
from .platform import CLIENT_ID, LINEITEM_URL

pytestmark = pytest.mark.django_db


def _learner(client, platform, **claims):
    from django.contrib.auth.models import User

    assert launch(client, platform, **claims).status_code == 302
    return User.objects.get(pk=client.session["_auth_user_id"])


def _take_quiz(user, quiz, *, right: bool):
    from quizzes.services import answer_save, attempt_start, attempt_submit

    attempt = attempt_start(quiz=quiz, user=user)
    for item in quiz.items.select_related("question"):
        question = item.question
        if question.type == "true_false":
            truth = question.true_false_answer
            response = {"value": truth if right else not truth}
        else:
            choice = question.choices.filter(is_correct=right).first()
            response = {"choice": choice.pk}
        answer_save(attempt=attempt, question=question, response=response)
    return attempt_submit(attempt=attempt)


def test_a_submitted_quiz_sends_its_score_to_the_line_item(
    client, platform, quiz, django_capture_on_commit_callbacks
):
    from lti.models import ScoreSend, ScoreStatus

    user = _learner(client, platform)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = _take_quiz(user, quiz, right=True)

    assert attempt.score == 1.0
    [score] = platform.scores
    assert score["userId"] == "learner-1"
    assert (score["scoreGiven"], score["scoreMaximum"]) == (100.0, 100.0)
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    assert score["timestamp"]
    [assertion] = platform.assertions  # the token request, checked with our JWKS
    assert assertion["iss"] == CLIENT_ID
    row = ScoreSend.objects.get()
    assert (row.status, row.tries, row.line_item_url) == (
        ScoreStatus.SENT,
        1,
        LINEITEM_URL,
    )


def test_a_platform_down_keeps_the_score_until_the_command_delivers_it_once(
    client, platform, quiz, django_capture_on_commit_callbacks
):
    from lti.models import ScoreSend, ScoreStatus

    user = _learner(client, platform)
    platform.down = True
    with django_capture_on_commit_callbacks(execute=True):
        _take_quiz(user, quiz, right=True)

    row = ScoreSend.objects.get()
    assert row.status == ScoreStatus.PENDING
    assert row.tries == 1
    assert "503" in row.last_error
    assert row.next_try_at > timezone.now()
    assert platform.scores == []

    platform.down = False
    call_command("lti_send_scores")  # not due yet: the back-off holds it
    assert platform.scores == []

    ScoreSend.objects.update(next_try_at=timezone.now() - timedelta(seconds=1))
    call_command("lti_send_scores")
    call_command("lti_send_scores")

    assert len(platform.scores) == 1
    row.refresh_from_db()
    assert (row.status, row.tries, row.last_error) == (ScoreStatus.SENT, 2, "")


def test_a_failed_row_gives_up_after_many_tries_and_the_admin_can_retry_it(
    admin_client, client, platform, quiz, django_capture_on_commit_callbacks
):
    from lti.models import ScoreSend, ScoreStatus
    from lti.services import MAX_TRIES

    user = _learner(client, platform)
    platform.down = True
    with django_capture_on_commit_callbacks(execute=True):
        _take_quiz(user, quiz, right=False)
    ScoreSend.objects.update(tries=MAX_TRIES - 1, next_try_at=timezone.now())
    call_command("lti_send_scores")
    row = ScoreSend.objects.get()
    assert row.status == ScoreStatus.FAILED

    platform.down = False
    response = admin_client.post(
        "/admin/lti/scoresend/",
        {"action": "retry_now", "_selected_action": [row.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 sent" in response.content.decode()
    row.refresh_from_db()
    assert row.status == ScoreStatus.SENT
    assert platform.scores[0]["scoreGiven"] == 0.0


def test_only_a_better_later_score_is_sent(
    client, platform, quiz, django_capture_on_commit_callbacks
):
    user = _learner(client, platform)
    with django_capture_on_commit_callbacks(execute=True):
        _take_quiz(user, quiz, right=False)
    with django_capture_on_commit_callbacks(execute=True):
        _take_quiz(user, quiz, right=True)
    with django_capture_on_commit_callbacks(execute=True):
        _take_quiz(user, quiz, right=False)

    assert [s["scoreGiven"] for s in platform.scores] == [0.0, 100.0]


def test_a_better_score_replaces_a_pending_worse_one(
    client, platform, quiz, django_capture_on_commit_callbacks
):
    from lti.models import ScoreSend, ScoreStatus

    user = _learner(client, platform)
    platform.down = True
    with django_capture_on_commit_callbacks(execute=True):
        _take_quiz(user, quiz, right=False)
    with django_capture_on_commit_callbacks(execute=True):
        _take_quiz(user, quiz, right=True)
    platform.down = False
    ScoreSend.objects.update(next_try_at=timezone.now())
    call_command("lti_send_scores")

    assert [s["scoreGiven"] for s in platform.scores] == [100.0]
    assert set(ScoreSend.objects.values_list("status", flat=True)) == {
        ScoreStatus.SENT,
        ScoreStatus.SUPERSEDED,
    }


def test_a_quiz_taken_without_a_launch_sends_nothing(
    alice, quiz, platform, django_capture_on_commit_callbacks
):
    from lti.models import ScoreSend

    with django_capture_on_commit_callbacks(execute=True):
        _take_quiz(alice, quiz, right=True)

    assert not ScoreSend.objects.exists()
    assert platform.scores == []


def test_a_launch_without_the_score_scope_records_no_line_item(
    client, platform, quiz, django_capture_on_commit_callbacks
):
    from lti.models import ScoreSend

    ags = {"scope": [], "lineitem": LINEITEM_URL}
    user = _learner(
        client,
        platform,
        **{"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": ags},
    )
    with django_capture_on_commit_callbacks(execute=True):
        _take_quiz(user, quiz, right=True)

    assert not ScoreSend.objects.exists()


def test_a_correct_exercise_check_sends_full_marks(
    client, platform, exercises, django_capture_on_commit_callbacks
):
    from exercises.services import submission_create

    exercise = exercises["read-reports"]
    user = _learner(
        client,
        platform,
        **{
            "https://purl.imsglobal.org/spec/lti/claim/custom": {
                "activity": f"exercise:{exercise.slug}"
            }
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        submission_create(exercise=exercise, user=user, text=exercise.reference)

    assert [s["scoreGiven"] for s in platform.scores] == [100.0]


@pytest.fixture
def group_lab(db):
    from curriculum.models import Topic
    from labs.interchange import check_labs, labs_import
    from labs.models import Lab
    from tests.labs.lab_fixtures import GROUP_LAB

    Topic.objects.get_or_create(slug="iam-groups", defaults={"name": "IAM groups"})
    labs_import(document=check_labs({"labs": [GROUP_LAB]}))
    return Lab.objects.get(slug="auditors")


def test_a_lab_sends_the_share_of_goals_met_and_full_marks_when_solved(
    client, platform, group_lab, django_capture_on_commit_callbacks
):
    from labs.lab_services import lab_account_open, lab_check
    from labs.operations import apply_operations
    from labs.services import account_change
    from tests.labs.lab_fixtures import GROUP_LAB

    custom = {"activity": "lab:auditors"}
    user = _learner(
        client, platform, **{"https://purl.imsglobal.org/spec/lti/claim/custom": custom}
    )
    practice = lab_account_open(user=user, lab=group_lab)
    with django_capture_on_commit_callbacks(execute=True):
        lab_check(practice=practice)
    with account_change(practice, "solve") as account:
        apply_operations(account, GROUP_LAB["solution"])
    with django_capture_on_commit_callbacks(execute=True):
        lab_check(practice=practice)

    assert [s["scoreGiven"] for s in platform.scores] == [50.0, 100.0]


def test_a_new_score_takes_the_learners_waiting_scores_along(
    client, platform, quiz, exercises, django_capture_on_commit_callbacks
):
    from exercises.services import submission_create
    from lti.models import ScoreSend

    from .platform import LINEITEMS_URL

    user = _learner(client, platform)
    platform.down = True
    with django_capture_on_commit_callbacks(execute=True):
        _take_quiz(user, quiz, right=True)
    ScoreSend.objects.update(next_try_at=timezone.now())  # its back-off is over
    platform.down = False
    exercise = exercises["read-reports"]
    _learner(
        client,
        platform,
        **{
            "https://purl.imsglobal.org/spec/lti/claim/resource_link": {"id": "link-2"},
            "https://purl.imsglobal.org/spec/lti/claim/custom": {
                "activity": f"exercise:{exercise.slug}"
            },
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                "lineitem": f"{LINEITEMS_URL}/32",
            },
        },
    )

    with django_capture_on_commit_callbacks(execute=True):
        submission_create(exercise=exercise, user=user, text=exercise.reference)

    assert sorted(s["url"] for s in platform.scores) == [
        f"{LINEITEMS_URL}/31/scores",
        f"{LINEITEMS_URL}/32/scores",
    ]


def test_a_score_without_a_tool_key_waits_and_says_what_to_run(
    client, platform, quiz, django_capture_on_commit_callbacks
):
    from lti_tool.models import Key

    from lti.models import ScoreSend, ScoreStatus

    user = _learner(client, platform)
    Key.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        _take_quiz(user, quiz, right=True)

    row = ScoreSend.objects.get()
    assert row.status == ScoreStatus.PENDING
    assert "lti_keys" in row.last_error


def test_a_sender_that_breaks_leaves_the_attempt_stored_and_the_score_waiting(
    client, platform, quiz, django_capture_on_commit_callbacks, monkeypatch
):
    """Sending runs after the attempt's transaction commits; whatever goes
    wrong there (here, the database) is logged, not shown to the learner."""
    import lti.services
    from lti.models import ScoreSend, ScoreStatus

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(lti.services, "scores_send", broken)
    user = _learner(client, platform)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = _take_quiz(user, quiz, right=True)

    attempt.refresh_from_db()
    assert attempt.score == 1.0
    assert platform.scores == []
    assert ScoreSend.objects.get().status == ScoreStatus.PENDING
