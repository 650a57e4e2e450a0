"""
Scores for the platforms' gradebooks, heard from the apps' signals: quizzes,
exercises and labs never import this app. Each receiver runs inside the
transaction that stores the attempt, submission or check, so its outbox row
is stored with it or not at all.

What is sent, as a percentage (scoreMaximum 100):
- a quiz: the submitted attempt's score;
- an exercise: 100 when the check is correct, else the grader's partial score;
- a lab: the share of its goals met at the check (100 when solved).
Only an improvement on what was already sent for a line item goes out.
"""

from .models import ActivityKind
from .services import score_record


def attempt_scored(sender, *, attempt, **kwargs) -> None:
    score_record(
        user=attempt.user,
        kind=ActivityKind.QUIZ,
        slug=attempt.quiz.slug,
        fraction=attempt.score or 0.0,
    )


def submission_scored(sender, *, submission, **kwargs) -> None:
    score_record(
        user=submission.user,
        kind=ActivityKind.EXERCISE,
        slug=submission.exercise.slug,
        fraction=1.0 if submission.correct else submission.score,
    )


def lab_scored(sender, *, practice, met: int, total: int, **kwargs) -> None:
    score_record(
        user=practice.user,
        kind=ActivityKind.LAB,
        slug=practice.lab.slug,
        fraction=met / total if total else 0.0,
    )
