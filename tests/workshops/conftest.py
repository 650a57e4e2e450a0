"""Workshops on the small question bank: a quiz, a policy exercise, a prediction."""

import pytest

READ_REPORTS = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",'
    ' "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}'
)
ALICE_ARN = "arn:aws:iam::123456789012:user/alice"

EXERCISES = {
    "exercises": [
        {
            "slug": "read-reports",
            "title": "Read the reports",
            "kind": "write",
            "scenario": "Let Alice read the objects in the reports bucket.",
            "reference": READ_REPORTS,
            "tests": [
                {"label": "Read a report", "principal": ALICE_ARN,
                 "action": "s3:GetObject", "resource": "arn:aws:s3:::reports/a.csv",
                 "expected": "Allow"},
                {"label": "Delete a report", "principal": ALICE_ARN,
                 "action": "s3:DeleteObject",
                 "resource": "arn:aws:s3:::reports/a.csv",
                 "expected": "ImplicitDeny"},
            ],
        },
        {
            "slug": "predict-reports",
            "title": "What may Alice do?",
            "kind": "predict",
            "scenario": "Tick what the policy allows.",
            "reference": READ_REPORTS,
            "tests": [
                {"label": "Read a report", "principal": ALICE_ARN,
                 "action": "s3:GetObject", "resource": "arn:aws:s3:::reports/a.csv",
                 "expected": "Allow"},
                {"label": "Write a report", "principal": ALICE_ARN,
                 "action": "s3:PutObject", "resource": "arn:aws:s3:::reports/a.csv",
                 "expected": "ImplicitDeny"},
                {"label": "Read elsewhere", "principal": ALICE_ARN,
                 "action": "s3:GetObject", "resource": "arn:aws:s3:::other/a.csv",
                 "expected": "ImplicitDeny"},
            ],
        },
    ]
}  # fmt: skip


def _import_exercises() -> None:
    from exercises.interchange import check_exercises, exercises_import

    exercises_import(document=check_exercises(EXERCISES))


@pytest.fixture
def exercises(db, load_once):
    from exercises.models import Exercise

    load_once(_import_exercises)
    return {e.slug: e for e in Exercise.objects.all()}


def _question(slug: str, **fields):
    from quizzes.models import Question

    return Question.objects.create(slug=slug, explanation="Because.", **fields)


def _build_quiz() -> None:
    from quizzes.models import Choice, Quiz, QuizQuestion

    quiz = Quiz.objects.create(slug="groups", title="IAM groups", pass_mark=50)
    single = _question(
        "groups-rule", type="single", prompt="Which statement about groups is true?"
    )
    for order, (text, correct) in enumerate(
        [
            ("A group can contain other groups.", False),
            ("A user can belong to several groups.", True),
            ("A group can sign in.", False),
        ]
    ):
        Choice.objects.create(
            question=single, text=text, is_correct=correct, order=order
        )
    true_false = _question(
        "groups-nest",
        type="true_false",
        prompt="Groups can belong to groups.",
        true_false_answer=False,
    )
    QuizQuestion.objects.create(quiz=quiz, question=single, order=0)
    QuizQuestion.objects.create(quiz=quiz, question=true_false, order=1)


@pytest.fixture
def quiz(db, load_once):
    """A two-question quiz built directly, without loading the curriculum."""
    from quizzes.models import Quiz

    load_once(_build_quiz)
    return Quiz.objects.get(slug="groups")


@pytest.fixture
def questions(quiz):
    return {item.question.slug: item.question for item in quiz.items.all()}


@pytest.fixture
def draft(quiz, exercises, charlie):
    """A draft workshop run by Charlie: the quiz, then a policy exercise."""
    from workshops.services import workshop_create

    return workshop_create(
        title="IAM in practice",
        created_by=charlie,
        contents=[quiz, exercises["read-reports"]],
    )


@pytest.fixture
def workshop(draft):
    """The same workshop, open, with its first item (the quiz) unlocked."""
    from workshops.services import workshop_open

    return workshop_open(workshop=draft)


def choice_id(question, text_start: str) -> int:
    return next(c.pk for c in question.choices.all() if c.text.startswith(text_start))


def in_workshop(workshop, user, content) -> None:
    """
    `user` joins `workshop`, where `content` (a quiz or an exercise) is on the
    agenda and unlocked: what makes an attempt or a submission count for it.
    """
    from django.utils import timezone

    from quizzes.models import Quiz
    from workshops.models import AgendaItem, Membership

    field = "quiz" if isinstance(content, Quiz) else "exercise"
    item, _ = AgendaItem.objects.get_or_create(
        workshop=workshop, **{field: content}, defaults={"order": 99}
    )
    if item.unlocked_at is None:
        item.unlocked_at = timezone.now()
        item.save(update_fields=["unlocked_at"])
    Membership.objects.get_or_create(workshop=workshop, user=user)
