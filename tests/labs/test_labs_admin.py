"""Labs in the admin: validated like a file, practice accounts read-only, and
"Try as a trainee"."""

import json

import pytest
from django.urls import reverse

from labs.models import Lab, PracticeAccount
from labs.services import account_change
from tests.labs.lab_fixtures import GROUP_LAB, group_lab, topics

__all__ = ["group_lab", "topics"]  # fixtures

ADD = reverse("admin:labs_lab_add")


def _form(**changes) -> dict:
    data = {**GROUP_LAB, **changes}
    return {
        "slug": data["slug"],
        "title": data["title"],
        "summary": data["summary"],
        "difficulty": data["difficulty"],
        "brief": data["brief"],
        "setup": json.dumps(data["setup"]),
        "goals": json.dumps(data["goals"]),
        "solution": json.dumps(data["solution"]),
        "hints": json.dumps(data["hints"]),
        "source": data["source"],
        "order": data["order"],
        "is_published": "on",
    }


def test_an_administrator_adds_a_lab_that_checks_out(client, admin_user, topics):
    client.force_login(admin_user)
    response = client.post(ADD, _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Lab.objects.get(slug="auditors").goals == GROUP_LAB["goals"]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"goals": [{"fly": True}]}, "unknown goal"),
        ({"setup": [{"create_user": {"name": "bad name"}}]}, "setup: operation 1"),
        ({"solution": []}, "the solution does not meet it"),
        ({"goals": [{"cannot": {"principal": "user/dana", "action": "s3:PutObject"}}]},
         "already meets every goal"),
        ({"hints": [{"a": 1}]}, "Hints are a list of texts"),
    ],
)  # fmt: skip
def test_a_bad_lab_is_a_form_error_not_a_crash(
    client, admin_user, topics, changes, words
):
    client.force_login(admin_user)
    response = client.post(ADD, _form(**changes))
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Lab.objects.exists()


def test_json_that_does_not_parse_is_a_form_error(client, admin_user, topics):
    client.force_login(admin_user)
    response = client.post(ADD, {**_form(), "goals": '[{"can": NaN}'})
    assert response.status_code == 200
    assert not Lab.objects.exists()


def test_try_as_a_trainee_opens_a_fresh_account_and_the_lab_page(
    client, admin_user, group_lab
):
    client.force_login(admin_user)
    change = reverse("admin:labs_lab_change", args=[group_lab.pk])
    assert "Try as a trainee" in client.get(change).content.decode()
    try_url = reverse("admin:labs_lab_try", args=[group_lab.pk])
    response = client.post(try_url)
    assert response["Location"] == group_lab.get_absolute_url()
    practice = PracticeAccount.objects.get(user=admin_user, lab=group_lab)
    with account_change(practice, "attach") as account:
        account.attach_policy(
            "group", "Auditors", "arn:aws:iam::aws:policy/ReadOnlyAccess"
        )
    client.post(try_url)
    practice.refresh_from_db()
    assert practice.state["groups"][0]["managed"] == []  # freshly started
    assert PracticeAccount.objects.filter(user=admin_user).count() == 1


def test_try_as_a_trainee_needs_post(client, admin_user, group_lab):
    client.force_login(admin_user)
    client.get(reverse("admin:labs_lab_try", args=[group_lab.pk]))
    assert not PracticeAccount.objects.exists()


def test_practice_accounts_are_read_only_in_the_admin(
    client, admin_user, alice, group_lab
):
    client.force_login(alice)
    client.post(reverse("labs:open", args=[group_lab.slug]))
    practice = PracticeAccount.objects.get()
    client.force_login(admin_user)
    assert client.get(reverse("admin:labs_practiceaccount_add")).status_code == 403
    page = client.get(reverse("admin:labs_practiceaccount_change", args=[practice.pk]))
    assert page.status_code == 200
    assert 'name="checks"' not in page.content.decode()
    client.post(
        reverse("admin:labs_practiceaccount_change", args=[practice.pk]),
        {"checks": 99},
    )
    practice.refresh_from_db()
    assert practice.checks == 0


def test_trainees_cannot_reach_the_lab_admin(client, alice, group_lab):
    client.force_login(alice)
    response = client.post(reverse("admin:labs_lab_try", args=[group_lab.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert not PracticeAccount.objects.exists()
