"""Sign up, log in, log out and password change."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_groups_exist_from_the_data_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Trainees",
        "Instructors",
    }


def test_sign_up_creates_a_trainee_and_logs_in(client):
    response = client.post(
        reverse("accounts:sign_up"),
        {"username": "erin", "email": "", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    user = User.objects.get(username="erin")
    assert list(user.groups.values_list("name", flat=True)) == ["Trainees"]
    assert response.context["user"] == user
    assert "Welcome, erin" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "", "password1": PASSWORD, "password2": PASSWORD}, "required"),
        ({"username": "f", "password1": "short", "password2": "short"}, "too short"),
        (
            {"username": "f", "password1": PASSWORD, "password2": PASSWORD + "x"},
            "didn’t match",
        ),
        (
            {"username": "bad name!", "password1": PASSWORD, "password2": PASSWORD},
            "valid",
        ),
    ],
)
def test_sign_up_errors_are_shown_and_nothing_is_saved(client, data, message):
    response = client.post(reverse("accounts:sign_up"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_sign_up_refuses_a_taken_username(client, alice):
    response = client.post(
        reverse("accounts:sign_up"),
        {"username": "alice", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert "already exists" in response.content.decode()
    assert User.objects.filter(username="alice").count() == 1


def test_login_and_logout(client, alice):
    response = client.post(
        reverse("accounts:login"), {"username": "alice", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_login_with_a_wrong_password_says_so(client, alice):
    response = client.post(
        reverse("accounts:login"), {"username": "alice", "password": "nope"}
    )
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


def test_password_change_needs_login_and_works(client, alice):
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 302
    client.force_login(alice)
    new = "another long passphrase"
    response = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)


def test_sign_up_returns_to_the_page_asked_for(client):
    response = client.post(
        reverse("accounts:sign_up") + "?next=/quizzes/basics/",
        {"username": "erin", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/quizzes/basics/"


def test_sign_up_keeps_next_in_its_form(client):
    html = client.get(
        reverse("accounts:sign_up"), {"next": "/quizzes/basics/"}
    ).content.decode()
    assert 'name="next" value="/quizzes/basics/"' in html


@pytest.mark.parametrize(
    "target",
    ["https://evil.example.org/", "//evil.example.org/", "javascript:alert(1)", ""],
)
def test_sign_up_ignores_a_next_to_another_site(client, target):
    response = client.post(
        reverse("accounts:sign_up"),
        {
            "username": "erin",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": target,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_the_login_page_sign_up_link_carries_next(client):
    html = client.get(
        reverse("accounts:login"), {"next": "/quizzes/basics/?a=1&b=2"}
    ).content.decode()
    sign_up = reverse("accounts:sign_up")
    assert f'href="{sign_up}?next=/quizzes/basics/%3Fa%3D1%26b%3D2"' in html


def test_a_signed_in_visitor_to_sign_up_goes_to_next(client, alice):
    client.force_login(alice)
    response = client.get(reverse("accounts:sign_up"), {"next": "/quizzes/"})
    assert response["Location"] == "/quizzes/"


@pytest.mark.parametrize("target", ["0", "home", "quizzes"])
def test_a_bare_word_next_is_a_relative_address_not_a_url_name(client, alice, target):
    client.force_login(alice)
    response = client.get(reverse("accounts:sign_up"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == target
