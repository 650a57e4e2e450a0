"""The shipped question bank covers the seed and every question type."""

import pytest
from django.core.management import call_command

from labs.models import Lab
from quizzes.grading import grade, policy_decision, sort_items
from quizzes.models import Question, QuestionType, Quiz, Topic
from responsibility.models import Guide, ResponsibilityArea, Service, ServiceCategory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shipped(django_db_setup, django_db_blocker):
    """The shipped curriculum, loaded once for this module and removed after it."""
    with django_db_blocker.unblock():
        call_command("load_content", verbosity=0)
    yield
    with django_db_blocker.unblock():
        for model in (Lab, Quiz, Question, Topic, Guide, Service, ServiceCategory):
            model.objects.all().delete()
        ResponsibilityArea.objects.all().delete()


def test_at_least_sixty_questions_of_every_type(shipped, db):
    assert Question.objects.count() >= 60
    types = set(Question.objects.values_list("type", flat=True))
    assert types == set(QuestionType.values)
    assert not Question.objects.filter(explanation="").exists()


def test_at_least_three_quizzes_including_the_required_ones(shipped, db):
    slugs = set(Quiz.objects.values_list("slug", flat=True))
    assert {
        "shared-responsibility-basics",
        "iam-identities",
        "reading-policies",
    } <= slugs
    for quiz in Quiz.objects.all():
        assert quiz.items.exists() or quiz.draws.exists(), quiz


@pytest.mark.parametrize(
    "slug",
    [
        "infrastructure-services", "container-services", "abstracted-services",
        "root-user", "access-keys", "iam-users", "iam-groups", "iam-policies",
        "policy-elements", "policy-evaluation",
    ],
)  # fmt: skip
def test_every_part_of_the_seed_has_questions(shipped, db, slug):
    assert Topic.objects.get(slug=slug).questions.count() >= 3


def test_every_policy_question_has_an_engine_key_with_an_explanation(shipped, db):
    effects = set()
    for question in Question.objects.filter(type=QuestionType.POLICY):
        decision = policy_decision(question)
        effects.add(decision.effect)
        assert grade(question, {"effect": decision.effect}).is_correct
        assert decision.explain()
    assert effects == {"Allow", "ExplicitDeny", "ImplicitDeny"}


def test_every_sort_question_has_items_from_the_model(shipped, db):
    for question in Question.objects.filter(type=QuestionType.SORT):
        assert len(sort_items(question)) >= 2, question


def test_loading_again_keeps_admin_edits(shipped, db):
    Question.objects.filter(slug__isnull=False).update(explanation="Edited")
    call_command("load_content", verbosity=0)
    assert set(Question.objects.values_list("explanation", flat=True)) == {"Edited"}
