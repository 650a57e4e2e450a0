"""The admin renders every page for an administrator and refuses a trainee."""

import pytest
from django.contrib import admin
from django.urls import reverse

from responsibility.models import ServiceCategory

pytestmark = pytest.mark.django_db

MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"responsibility", "auth", "accounts", "quizzes"}
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_changelist_add_and_change_pages_render(client, admin_user, alice, bank, model):
    from quizzes.models import Quiz
    from quizzes.services import attempt_start, attempt_submit

    attempt_submit(attempt=attempt_start(quiz=Quiz.objects.first(), user=alice))
    client.force_login(admin_user)
    opts = model._meta
    base = f"admin:{opts.app_label}_{opts.model_name}"
    assert client.get(reverse(f"{base}_changelist")).status_code == 200
    assert client.get(reverse(f"{base}_changelist"), {"q": "s"}).status_code == 200
    model_admin = admin.site._registry[model]
    add = client.get(reverse(f"{base}_add"))
    expected = 200 if model_admin.has_add_permission(add.wsgi_request) else 403
    assert add.status_code == expected
    obj = model.objects.first()
    if obj is not None:
        assert client.get(reverse(f"{base}_change", args=[obj.pk])).status_code == 200


def test_admin_is_titled_after_the_product(client, admin_user):
    client.force_login(admin_user)
    assert (
        "Shared Responsibility Trainer"
        in client.get(reverse("admin:index")).content.decode()
    )


def test_trainee_is_refused_by_the_admin(client, alice, content):
    client.force_login(alice)
    for url in [
        reverse("admin:index"),
        reverse("admin:responsibility_servicecategory_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


def test_admin_can_edit_a_category_with_its_duties_inline(client, admin_user, content):
    client.force_login(admin_user)
    category = ServiceCategory.objects.get(slug="abstracted")
    url = reverse("admin:responsibility_servicecategory_change", args=[category.pk])
    html = client.get(url).content.decode()
    assert "duties-TOTAL_FORMS" in html


AUTHORING = [
    "quizzes_question", "quizzes_quiz", "curriculum_topic", "responsibility_guide",
    "exercises_exercise", "labs_lab",
]  # fmt: skip
NOT_AUTHORING = [
    "auth_user", "auth_group", "workshops_workshop", "workshops_membership",
    "quizzes_attempt", "exercises_submission",
]  # fmt: skip


def test_an_instructor_authors_content_in_the_admin(client, charlie, bank):
    client.force_login(charlie)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    listed = {
        model["object_name"]
        for app in index.context["app_list"]
        for model in app["models"]
    }
    assert {"Question", "Quiz", "Topic", "Guide", "Exercise", "Lab"} <= listed
    assert not listed & {"User", "Group", "Workshop", "Attempt", "Submission"}
    for base in AUTHORING:
        assert client.get(reverse(f"admin:{base}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:{base}_add")).status_code == 200
    for base in NOT_AUTHORING:
        assert client.get(reverse(f"admin:{base}_changelist")).status_code == 403


def test_an_instructor_opens_every_authoring_change_page(client, charlie, bank):
    from exercises.interchange import check_exercises, exercises_import
    from labs.interchange import check_labs, labs_import
    from tests.exercises.conftest import EXERCISES
    from tests.labs.lab_fixtures import GROUP_LAB

    exercises_import(document=check_exercises(EXERCISES))
    labs_import(document=check_labs({"labs": [GROUP_LAB]}))
    client.force_login(charlie)
    for base in AUTHORING:
        app_label, model_name = base.split("_", 1)
        model = next(
            m
            for m in admin.site._registry
            if (m._meta.app_label, m._meta.model_name) == (app_label, model_name)
        )
        obj = model.objects.first()
        assert obj is not None, base
        url = reverse(f"admin:{base}_change", args=[obj.pk])
        assert client.get(url).status_code == 200, base


def test_an_instructor_adds_a_question_with_choices(client, charlie, bank):
    from quizzes.models import Question

    client.force_login(charlie)
    response = client.post(
        reverse("admin:quizzes_question_add"),
        {
            "slug": "by-an-instructor",
            "type": "single",
            "difficulty": "1",
            "prompt": "Who patches the guest operating system of an EC2 instance?",
            "explanation": "The customer does.",
            "policy_kind": "identity",
            "request_context": "{}",
            "choices-TOTAL_FORMS": "2",
            "choices-INITIAL_FORMS": "0",
            "choices-0-order": "1",
            "choices-0-text": "The customer",
            "choices-0-is_correct": "on",
            "choices-1-order": "2",
            "choices-1-text": "AWS",
        },
    )
    assert response.status_code == 302, response.context["errors"]
    question = Question.objects.get(slug="by-an-instructor")
    assert [c.is_correct for c in question.choices.order_by("order")] == [True, False]


@pytest.mark.parametrize(
    "base",
    [
        "quizzes_question",
        "exercises_exercise",
        "responsibility_guide",
        "responsibility_service",
    ],
)
def test_the_source_is_editable_on_every_cited_models_admin_page(
    client, admin_user, base
):
    client.force_login(admin_user)
    form = client.get(reverse(f"admin:{base}_add")).content.decode()
    assert 'name="source"' in form
    assert "The AWS documentation page this follows." in form


def test_an_instructor_cites_a_question_only_with_an_https_address(
    client, charlie, bank
):
    from quizzes.models import Question

    client.force_login(charlie)
    data = {
        "slug": "cited",
        "type": "true_false",
        "difficulty": "1",
        "prompt": "AWS patches the guest operating system of an EC2 instance.",
        "explanation": "The customer does.",
        "true_false_answer": "false",
        "policy_kind": "identity",
        "request_context": "{}",
        "choices-TOTAL_FORMS": "0",
        "choices-INITIAL_FORMS": "0",
        "source": "http://docs.aws.amazon.com/AWSEC2/latest/UserGuide/",
    }
    response = client.post(reverse("admin:quizzes_question_add"), data)
    assert response.status_code == 200
    assert "Enter an https address" in response.content.decode()
    assert not Question.objects.filter(slug="cited").exists()
    data["source"] = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/"
    response = client.post(reverse("admin:quizzes_question_add"), data)
    assert response.status_code == 302
    assert Question.objects.get(slug="cited").source == data["source"]
