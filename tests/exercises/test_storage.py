"""What a trainee's checks keep on disk (issue 14, item 2): one trainee cannot
fill it. Sixty checks of a 10 KB wildcard policy stored 226 KB of result each."""

import json

from django.urls import reverse

from exercises.grading import MAX_FINDINGS, grade_policy, grade_to_json
from exercises.models import ExerciseProgress, Submission
from exercises.services import KEPT_PER_EXERCISE, submission_create
from tests.exercises.conftest import OWN_PASSWORD_REFERENCE
from tests.pathological import largest_wildcard_policy

WIDE = OWN_PASSWORD_REFERENCE.replace(
    '["iam:ChangePassword", "iam:GetUser"]', '"iam:*"'
)


def test_a_large_wildcard_policy_stores_a_compact_result(exercises):
    text = largest_wildcard_policy()
    result = grade_policy(exercises["own-password"], text)
    stored = json.dumps(grade_to_json(result))
    assert len(stored) < 30_000  # 160 KB before: every finding, whole explanations
    assert len(result.findings) == MAX_FINDINGS
    assert result.findings_more > 0
    assert all(len(f.message) <= 460 for f in result.findings)
    assert all(len(t.explanation) <= 2_060 for t in result.tests)


def test_the_page_says_how_many_findings_were_left_out(client, alice, exercises):
    client.force_login(alice)
    html = client.post(
        reverse("exercises:check", args=["own-password"]),
        {"policy": largest_wildcard_policy()},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "more findings; fix these first." in html


def test_the_same_text_checked_again_is_kept_once(alice, exercises):
    exercise = exercises["own-password"]
    first = submission_create(exercise=exercise, user=alice, text=WIDE)
    for _ in range(5):
        newest = submission_create(exercise=exercise, user=alice, text=WIDE)
    # The first stays (it is the best so far: progress counts it), and of the
    # repeats only the newest.
    assert list(Submission.objects.filter(user=alice)) == [newest, first]
    submission_create(exercise=exercise, user=alice, text=OWN_PASSWORD_REFERENCE)
    submission_create(exercise=exercise, user=alice, text=WIDE)
    # Going back to an earlier text is a new check: the history keeps its order.
    assert [s.text for s in Submission.objects.filter(user=alice)] == [
        WIDE,
        OWN_PASSWORD_REFERENCE,
        WIDE,
        WIDE,
    ]


def test_a_trainee_keeps_the_newest_checks_and_what_progress_needs(
    client, alice, exercises
):
    exercise = exercises["own-password"]
    first_correct = submission_create(
        exercise=exercise, user=alice, text=OWN_PASSWORD_REFERENCE
    )
    for number in range(KEPT_PER_EXERCISE + 5):
        text = WIDE.replace('"Version"', f'"Id": "try-{number}", "Version"')
        submission_create(exercise=exercise, user=alice, text=text)
    kept = Submission.objects.filter(user=alice)
    assert kept.count() == KEPT_PER_EXERCISE + 1
    assert kept.filter(pk=first_correct.pk).exists()  # solved, and the best
    assert ExerciseProgress.objects.get(user=alice).solved
    assert not kept.filter(text__contains='"try-0"').exists()
    # The history still restores any kept check into the editor.
    client.force_login(alice)
    newest = kept.first()
    page = client.get(exercise.get_absolute_url(), {"restore": newest.pk})
    assert page.status_code == 200
    assert "try-54" in page.content.decode()
    gone = client.get(exercise.get_absolute_url(), {"restore": first_correct.pk - 1})
    assert gone.status_code == 404


def test_a_closed_workshops_result_survives_the_same_text_checked_again(
    alice, charlie, exercises
):
    from workshops.dashboard import workshop_dashboard
    from workshops.services import (
        items_unlock_all,
        membership_join,
        workshop_close,
        workshop_create,
        workshop_open,
    )

    exercise = exercises["own-password"]
    workshop = workshop_open(
        workshop=workshop_create(title="Room", created_by=charlie, contents=[exercise])
    )
    items_unlock_all(workshop=workshop)
    membership_join(workshop=workshop, user=alice)
    submission_create(exercise=exercise, user=alice, text=WIDE)
    submission_create(exercise=exercise, user=alice, text=OWN_PASSWORD_REFERENCE)
    workshop_close(workshop=workshop)
    for _ in range(3):  # after the workshop, the same correct text again
        submission_create(exercise=exercise, user=alice, text=OWN_PASSWORD_REFERENCE)
    (row,) = workshop_dashboard(workshop).rows
    assert row.passed == 1
    assert Submission.objects.filter(user=alice).count() <= 4
