"""
Migrations bring a database created before issue 12 to today's models without
losing a row, an id or a link. (A fresh database is migrated by every test run.)
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The leaf migrations before Topic moved to curriculum and workshops took over
# the links to attempts and submissions.
BEFORE_ISSUE_12 = [
    ("accounts", "0001_groups"),
    ("curriculum", "0001_initial"),
    ("responsibility", "0001_initial"),
    ("quizzes", "0002_attempt_workshop"),
    ("exercises", "0002_submission_workshop"),
    ("workshops", "0001_initial"),
]


def _migrate(targets=None):
    """Migrate to `targets` (the latest migrations when None); the apps there."""
    executor = MigrationExecutor(connection)
    if targets is None:
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _old_rows(apps) -> dict:
    """A topic with a guide, category and area; a workshop with an attempt and a
    submission made in it; written with the models as they were."""
    model = apps.get_model
    guide = model("responsibility", "Guide").objects.create(
        slug="iam-groups", title="IAM groups", summary=".", body="."
    )
    category = model("responsibility", "ServiceCategory").objects.create(
        slug="container", name="Container", summary=".", aws_manages=".",
        customer_manages=".",
    )  # fmt: skip
    area = model("responsibility", "ResponsibilityArea").objects.create(
        slug="data", name="Data", description="."
    )
    topic = model("quizzes", "Topic").objects.create(
        slug="groups", name="Groups", guide=guide, category=category, area=area
    )
    bare = model("quizzes", "Topic").objects.create(slug="bare", name="Bare")
    question = model("quizzes", "Question").objects.create(
        slug="q", type="true_false", prompt=".", explanation=".",
        true_false_answer=True,
    )  # fmt: skip
    question.topics.add(topic)
    quiz = model("quizzes", "Quiz").objects.create(slug="quiz", title="Quiz")
    draw = model("quizzes", "QuizDraw").objects.create(quiz=quiz, topic=topic, count=1)
    exercise = model("exercises", "Exercise").objects.create(
        slug="e", title="E", kind="write", scenario=".", reference="{}"
    )
    exercise.topics.add(topic, bare)
    user = model("auth", "User").objects.create(username="alice")
    workshop = model("workshops", "Workshop").objects.create(title="W", code="ACDEFG")
    attempt = model("quizzes", "Attempt").objects.create(
        quiz=quiz, user=user, number=1, workshop=workshop
    )
    practice = model("quizzes", "Attempt").objects.create(
        quiz=quiz, user=user, number=2, status="submitted"
    )
    submission = model("exercises", "Submission").objects.create(
        exercise=exercise, user=user, text="{}", workshop=workshop
    )
    return {
        "guide": guide.pk, "category": category.pk, "area": area.pk,
        "topic": topic.pk, "bare": bare.pk, "question": question.pk,
        "draw": draw.pk, "exercise": exercise.pk, "workshop": workshop.pk,
        "attempt": attempt.pk, "practice": practice.pk,
        "submission": submission.pk,
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_issue_12_keeps_its_rows_ids_and_links():
    try:
        ids = _old_rows(_migrate(BEFORE_ISSUE_12))
        apps = _migrate()
        model = apps.get_model

        topic = model("curriculum", "Topic").objects.get(pk=ids["topic"])
        assert topic.slug == "groups"
        study = model("responsibility", "TopicStudy").objects.get(topic=topic)
        assert (study.guide_id, study.category_id, study.area_id) == (
            ids["guide"],
            ids["category"],
            ids["area"],
        )
        bare = model("responsibility", "TopicStudy").objects.get(topic=ids["bare"])
        assert (bare.guide_id, bare.category_id, bare.area_id) == (None, None, None)
        question = model("quizzes", "Question").objects.get(pk=ids["question"])
        assert [t.pk for t in question.topics.all()] == [ids["topic"]]
        exercise = model("exercises", "Exercise").objects.get(pk=ids["exercise"])
        assert sorted(t.pk for t in exercise.topics.all()) == sorted(
            [ids["topic"], ids["bare"]]
        )
        draw = model("quizzes", "QuizDraw").objects.get(pk=ids["draw"])
        assert draw.topic_id == ids["topic"]

        links = model("workshops", "WorkshopAttempt").objects.values_list(
            "attempt_id", "workshop_id"
        )
        assert list(links) == [(ids["attempt"], ids["workshop"])]
        links = model("workshops", "WorkshopSubmission").objects.values_list(
            "submission_id", "workshop_id"
        )
        assert list(links) == [(ids["submission"], ids["workshop"])]
        attempts = model("quizzes", "Attempt").objects.order_by("pk")
        assert [a.pk for a in attempts] == [ids["attempt"], ids["practice"]]
    finally:
        _migrate()  # back to the latest state, for the tests that follow
