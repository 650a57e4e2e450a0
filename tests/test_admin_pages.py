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
