"""Creating, pacing and closing workshops; joining; guests; closed workshops."""

from unittest import mock

import pytest
from django.contrib.auth.models import User

from accounts.groups import TRAINEES
from exercises.models import Submission
from exercises.services import ExerciseError, prediction_submit, submission_create
from quizzes.models import Attempt, AttemptStatus
from quizzes.services import AttemptClosed, answer_save, attempt_start
from workshops.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Membership,
    Workshop,
    WorkshopState,
    code_normalise,
)
from workshops.selectors import workshop_of_attempt, workshop_of_submission
from workshops.services import (
    WorkshopError,
    agenda_set,
    guest_create,
    guest_join,
    item_unlock_next,
    items_unlock_all,
    membership_join,
    workshop_close,
    workshop_create,
    workshop_open,
)

from .conftest import in_workshop

pytestmark = pytest.mark.django_db


def test_a_new_workshop_is_a_draft_run_by_its_creator(draft, charlie):
    assert draft.state == WorkshopState.DRAFT
    assert list(draft.instructors.all()) == [charlie]
    assert [item.title for item in draft.items.all()] == [
        "IAM groups",
        "Read the reports",
    ]
    assert not any(item.unlocked for item in draft.items.all())


def test_join_codes_avoid_look_alike_characters(draft):
    assert len(draft.code) == CODE_LENGTH
    assert set(draft.code) <= set(CODE_ALPHABET)
    assert not set("0O1I2Z5S8B") & set(CODE_ALPHABET)


def test_typed_codes_ignore_case_spaces_and_dashes():
    assert code_normalise(" acd-e fg ") == "ACDEFG"


def test_a_code_taken_by_a_running_workshop_is_drawn_again(charlie, quiz):
    first = workshop_create(title="One", created_by=charlie, contents=[quiz])
    codes = iter([first.code, first.code, "ACDEFG"])
    with mock.patch("workshops.services.code_generate", lambda: next(codes)):
        second = workshop_create(title="Two", created_by=charlie, contents=[quiz])
    assert second.code == "ACDEFG"


def test_a_closed_workshops_code_can_come_back(charlie, quiz):
    old = workshop_create(title="Old", created_by=charlie, contents=[quiz])
    workshop_open(workshop=old)
    workshop_close(workshop=old)
    with mock.patch("workshops.services.code_generate", lambda: old.code):
        new = workshop_create(title="New", created_by=charlie, contents=[quiz])
    assert new.code == old.code


def test_opening_unlocks_the_first_item_only(workshop):
    assert workshop.state == WorkshopState.OPEN
    assert workshop.opened_at is not None
    assert [item.unlocked for item in workshop.items.all()] == [True, False]


def test_an_empty_agenda_cannot_open(charlie):
    empty = workshop_create(title="Empty", created_by=charlie)
    with pytest.raises(WorkshopError, match="at least one"):
        workshop_open(workshop=empty)


def test_unlock_next_goes_in_order_then_reports_nothing_left(workshop):
    item = item_unlock_next(workshop=workshop)
    assert item.title == "Read the reports"
    assert item_unlock_next(workshop=workshop) is None


def test_unlock_all_unlocks_what_is_still_locked(draft):
    assert items_unlock_all(workshop=draft) == 2
    assert items_unlock_all(workshop=draft) == 0


def test_editing_the_agenda_keeps_the_state_of_kept_items(workshop, quiz, exercises):
    agenda_set(
        workshop=workshop,
        contents=[exercises["predict-reports"], quiz, exercises["read-reports"]],
    )
    items = list(workshop.items.all())
    assert [i.title for i in items] == [
        "What may Alice do?",
        "IAM groups",
        "Read the reports",
    ]
    assert [i.unlocked for i in items] == [False, True, False]


def test_closing_submits_open_attempts_and_keeps_them(workshop, quiz, alice):
    membership_join(workshop=workshop, user=alice)
    attempt = attempt_start(quiz=quiz, user=alice)
    workshop_close(workshop=workshop)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert workshop_of_attempt(attempt) == workshop
    assert Workshop.objects.get(pk=workshop.pk).closed_at is not None


def test_joining_twice_keeps_one_membership(workshop, alice):
    first, created = membership_join(workshop=workshop, user=alice)
    again, created_again = membership_join(workshop=workshop, user=alice)
    assert created and not created_again
    assert first.pk == again.pk
    assert Membership.objects.count() == 1


@pytest.mark.parametrize("state", ["draft", "closed"])
def test_draft_and_closed_workshops_refuse_joins(workshop, alice, state):
    Workshop.objects.filter(pk=workshop.pk).update(state=state)
    workshop.refresh_from_db()
    with pytest.raises(WorkshopError):
        membership_join(workshop=workshop, user=alice)
    with pytest.raises(WorkshopError):
        guest_join(workshop=workshop, display_name="Erin")
    assert not Membership.objects.exists()
    assert not User.objects.filter(first_name="Erin").exists()


def test_a_guest_is_a_trainee_without_a_password_and_no_hasher_runs(db):
    def refuse(*args, **kwargs):
        raise AssertionError("the password hasher ran")

    with (
        mock.patch("django.contrib.auth.hashers.get_hasher", refuse),
        mock.patch("django.contrib.auth.hashers.identify_hasher", refuse),
    ):
        user = guest_create(display_name="  Maria   José ")
    assert user.first_name == "Maria José"
    assert user.guest_profile.display_name == "Maria José"
    assert user.username.startswith("maria-jose-")
    assert not user.has_usable_password()
    assert user.groups.filter(name=TRAINEES).exists()


def test_two_guests_with_the_same_name_get_different_accounts(db):
    assert guest_create(display_name="Sam") != guest_create(display_name="Sam")


def test_a_quiz_started_in_a_workshop_counts_for_it(workshop, quiz, alice):
    in_workshop(workshop, alice, quiz)
    attempt = attempt_start(quiz=quiz, user=alice)
    assert workshop_of_attempt(attempt) == workshop


def test_an_open_practice_attempt_is_taken_into_the_workshop(workshop, quiz, alice):
    practice = attempt_start(quiz=quiz, user=alice)
    assert workshop_of_attempt(practice) is None
    in_workshop(workshop, alice, quiz)
    again = attempt_start(quiz=quiz, user=alice)
    assert again.pk == practice.pk
    assert workshop_of_attempt(again) == workshop


def test_a_closed_workshop_refuses_new_answers(workshop, quiz, questions, alice):
    in_workshop(workshop, alice, quiz)
    attempt = attempt_start(quiz=quiz, user=alice)
    workshop_close(workshop=workshop)
    with pytest.raises(AttemptClosed, match="is closed"):
        answer_save(
            attempt=attempt,
            question=questions["groups-nest"],
            response={"value": False},
        )
    assert not attempt.answers.filter(response={"value": False}).exists()


def test_a_quiz_started_after_its_workshop_closed_is_practice(workshop, quiz, alice):
    in_workshop(workshop, alice, quiz)
    attempt_start(quiz=quiz, user=alice)
    workshop_close(workshop=workshop)
    again = attempt_start(quiz=quiz, user=alice)
    assert again.number == 2
    assert workshop_of_attempt(again) is None


def _closing_while_grading(workshop, grader: str):
    """
    Patch `grader` (a function exercises.services calls to grade) so that the
    workshop closes while the submission is graded.
    """
    from exercises import services

    grade = getattr(services, grader)

    def close_then_grade(*args, **kwargs):
        workshop_close(workshop=workshop)
        return grade(*args, **kwargs)

    return mock.patch.object(services, grader, close_then_grade)


def _submit_policy(exercises, alice):
    return submission_create(exercise=exercises["read-reports"], user=alice, text="{}")


def _submit_prediction(exercises, alice):
    return prediction_submit(
        exercise=exercises["predict-reports"], user=alice, allowed_ids=set()
    )


@pytest.mark.parametrize(
    "submit, grader",
    [
        # Policies are graded in a helper thread: close before handing over.
        (_submit_policy, "run_yielding"),
        (_submit_prediction, "grade_prediction"),
    ],
)
def test_a_closed_workshop_refuses_new_submissions(
    workshop, exercises, alice, submit, grader
):
    for exercise in (exercises["read-reports"], exercises["predict-reports"]):
        in_workshop(workshop, alice, exercise)
    with (
        _closing_while_grading(workshop, grader),
        pytest.raises(ExerciseError, match="is closed: it takes no new submissions"),
    ):
        submit(exercises, alice)
    assert not Submission.objects.exists()


def test_a_workshop_closing_between_grading_and_saving_refuses(
    workshop, exercises, alice
):
    in_workshop(workshop, alice, exercises["predict-reports"])
    with (
        _closing_while_grading(workshop, "grade_prediction"),
        pytest.raises(ExerciseError),
    ):
        prediction_submit(
            exercise=exercises["predict-reports"], user=alice, allowed_ids=set()
        )
    assert not Submission.objects.exists()


def test_submissions_in_a_workshop_count_for_it(workshop, exercises, alice):
    in_workshop(workshop, alice, exercises["predict-reports"])
    submission = prediction_submit(
        exercise=exercises["predict-reports"], user=alice, allowed_ids=set()
    )
    assert workshop_of_submission(submission) == workshop
    assert not Attempt.objects.exists()


def test_a_submission_after_its_workshop_closed_is_practice(workshop, exercises, alice):
    in_workshop(workshop, alice, exercises["predict-reports"])
    workshop_close(workshop=workshop)
    submission = prediction_submit(
        exercise=exercises["predict-reports"], user=alice, allowed_ids=set()
    )
    assert workshop_of_submission(submission) is None


def test_the_workshop_joined_last_counts_the_attempt(workshop, quiz, charlie, alice):
    later = workshop_open(
        workshop=workshop_create(title="Later", created_by=charlie, contents=[quiz])
    )
    membership_join(workshop=workshop, user=alice)
    membership_join(workshop=later, user=alice)
    assert workshop_of_attempt(attempt_start(quiz=quiz, user=alice)) == later


def test_a_locked_quiz_is_practice_even_for_a_member(draft, quiz, alice):
    workshop = workshop_open(workshop=draft)
    workshop.items.update(unlocked_at=None)
    membership_join(workshop=workshop, user=alice)
    assert workshop_of_attempt(attempt_start(quiz=quiz, user=alice)) is None
