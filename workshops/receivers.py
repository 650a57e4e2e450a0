"""
How workshops hear about attempts and submissions without quizzes or exercises
importing workshops: receivers of their signals, connected in WorkshopsConfig.

An attempt or a submission made in an open workshop the trainee joined, where
the item is unlocked, counts for it (the latest joined wins); an open attempt
begun outside any workshop is taken into it. A closed workshop refuses new
answers and submissions by raising the sending app's own error.
"""

from exercises.services import ExerciseError, best_and_first_correct
from quizzes.services import AttemptClosed

from .models import Workshop, WorkshopAttempt, WorkshopState, WorkshopSubmission
from .selectors import workshop_for


def _closed_message(title: str, what: str) -> str:
    return f"The workshop “{title}” is closed: it takes no new {what}."


def attempt_link(sender, *, attempt, quiz, user, resumed: bool, **kwargs) -> None:
    """Count a new attempt, or an open one not yet in a workshop, for the workshop."""
    if resumed and WorkshopAttempt.objects.filter(attempt=attempt).exists():
        return
    workshop = workshop_for(user=user, quiz=quiz)
    if workshop is None:
        return
    if resumed:
        # A second tab may be taking the same attempt in at this moment.
        WorkshopAttempt.objects.get_or_create(
            attempt=attempt, defaults={"workshop": workshop}
        )
    else:
        WorkshopAttempt.objects.create(attempt=attempt, workshop=workshop)


def answer_refuse_if_closed(sender, *, attempt, **kwargs) -> None:
    """An attempt made in a workshop that has closed takes no answers."""
    title = (
        Workshop.objects.filter(
            attempt_links__attempt=attempt, state=WorkshopState.CLOSED
        )
        .values_list("title", flat=True)
        .first()
    )
    if title is not None:
        raise AttemptClosed(_closed_message(title, "answers"))


def submission_link(sender, *, submission, started_at, **kwargs) -> None:
    """
    Count a submission for the workshop it was made in; refuse it when that
    workshop closed while it was being graded.
    """
    workshop = workshop_for(
        user=submission.user, exercise=submission.exercise, closed_since=started_at
    )
    if workshop is None:
        return
    if workshop.state == WorkshopState.CLOSED:
        raise ExerciseError(_closed_message(workshop.title, "submissions"))
    WorkshopSubmission.objects.create(workshop=workshop, submission=submission)


def submissions_keep(sender, *, rows, **kwargs):
    """A workshop's results come from its own submissions: keep the best and the
    first correct made in each workshop when older checks are deleted."""
    kept = rows.none()
    workshops = (
        WorkshopSubmission.objects.filter(submission__in=rows)
        .values_list("workshop_id", flat=True)
        .distinct()
    )
    for workshop in workshops:
        kept = kept | best_and_first_correct(
            rows.filter(workshop_link__workshop_id=workshop)
        )
    return kept.values("pk")
