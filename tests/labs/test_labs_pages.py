"""The lab pages: list, lab, open, check, start over (issue 16, Labs)."""

import pytest
from django.urls import reverse

from labs.models import Lab, PracticeAccount
from labs.services import account_change
from tests.labs.lab_fixtures import group_lab, topics

__all__ = ["group_lab", "topics"]  # fixtures

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
LAB = reverse("labs:lab", args=["auditors"])
OPEN = reverse("labs:open", args=["auditors"])
CHECK = reverse("labs:check", args=["auditors"])
RESET = reverse("labs:reset", args=["auditors"])


def _attach(practice, arn):
    with account_change(practice, f"attach {arn}") as account:
        account.attach_policy("group", "Auditors", arn)


@pytest.fixture
def opened(client, alice, group_lab):
    client.force_login(alice)
    client.post(OPEN)
    return PracticeAccount.objects.get(user=alice, lab=group_lab)


def test_the_list_shows_published_labs_with_the_users_status(
    client, alice, bob, group_lab
):
    Lab.objects.create(slug="hidden", title="Hidden lab", summary="x", brief="x",
                       goals=[{"root_mfa": True}], is_published=False)  # fmt: skip
    client.force_login(alice)
    page = client.get(reverse("labs:index")).content.decode()
    assert "Auditors read" in page and "Not started" in page
    assert "Hidden lab" not in page
    client.post(OPEN)
    assert "In progress" in client.get(reverse("labs:index")).content.decode()
    practice = PracticeAccount.objects.get(user=alice)
    _attach(practice, READ_ONLY)
    client.post(CHECK)
    assert "Solved" in client.get(reverse("labs:index")).content.decode()
    client.force_login(bob)
    assert "Not started" in client.get(reverse("labs:index")).content.decode()


def test_every_lab_page_needs_a_login(client, group_lab):
    for url in (reverse("labs:index"), LAB, RESET):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    for url in (OPEN, CHECK, RESET):
        assert client.post(url)["Location"].startswith(reverse("accounts:login"))
    assert not PracticeAccount.objects.exists()


def test_the_lab_page_shows_the_brief_and_the_goals_in_sentences(
    client, alice, group_lab
):
    client.force_login(alice)
    page = client.get(LAB).content.decode()
    assert "<strong>auditors</strong>" in page  # the brief's Markdown
    assert "User dana can s3:GetObject on arn:aws:s3:::reports/*" in page
    assert "User dana cannot s3:PutObject on any resource" in page
    assert "ReadOnlyAccess" not in page  # the solution and the hints stay hidden


def test_hints_are_revealed_one_at_a_time_without_javascript(client, alice, group_lab):
    client.force_login(alice)
    page = client.get(LAB).content.decode()
    assert "Look for a managed policy" not in page
    assert 'href="?hints=1#hints"' in page
    page = client.get(LAB + "?hints=1").content.decode()
    assert "Look for a managed policy" in page and "ReadOnlyAccess." not in page
    assert "Show a hint (1 left)" in page
    page = client.get(LAB + "?hints=2").content.decode()
    assert "ReadOnlyAccess." in page and "Show a hint" not in page


@pytest.mark.parametrize("value", ["abc", "-1", "99999999", "٣", "1e3", ""])
def test_a_strange_hints_value_shows_no_error(client, alice, group_lab, value):
    client.force_login(alice)
    assert client.get(LAB, {"hints": value}).status_code == 200


def test_opening_creates_the_account_once_with_the_setup_applied(
    client, alice, group_lab
):
    client.force_login(alice)
    client.post(OPEN)
    client.post(OPEN)
    practice = PracticeAccount.objects.get(user=alice, lab=group_lab)
    assert practice.state["id"] == "123456789012"
    assert [u["name"] for u in practice.state["users"]] == ["dana"]
    assert practice.state["users"][0]["groups"] == ["Auditors"]


def test_open_and_check_need_post(client, alice, group_lab):
    client.force_login(alice)
    assert client.get(OPEN).status_code == 405
    assert client.get(CHECK).status_code == 405
    assert not PracticeAccount.objects.exists()


def test_a_check_before_opening_says_to_open_first(client, alice, group_lab):
    client.force_login(alice)
    response = client.post(CHECK, follow=True)
    assert "Open the lab&#x27;s account first" in response.content.decode()


def test_a_failing_check_counts_and_shows_each_goal_with_a_counterexample(
    opened, client
):
    response = client.post(CHECK)
    assert response.status_code == 302
    assert response["Location"].endswith("#results")
    opened.refresh_from_db()
    assert opened.checks == 1 and opened.solved_at is None
    page = client.get(LAB).content.decode()
    assert "1 of 2 goals met" in page
    assert "✘" in page and "Not met:" in page
    assert "Counterexample request" in page
    assert "arn:aws:s3:::reports/example" in page


def test_a_wrong_solution_is_not_solved(opened, client):
    _attach(opened, ADMIN)
    client.post(CHECK)
    opened.refresh_from_db()
    assert opened.solved_at is None
    page = client.get(LAB).content.decode()
    assert "1 of 2 goals met" in page
    assert "dana can still s3:PutObject" in page


def test_meeting_every_goal_marks_the_lab_solved_once(opened, client):
    _attach(opened, READ_ONLY)
    response = client.post(CHECK, follow=True)
    assert "lab solved" in response.content.decode()
    opened.refresh_from_db()
    first = opened.solved_at
    assert first is not None and opened.checks == 1
    assert "2 of 2 goals met" in response.content.decode()
    client.post(CHECK)
    opened.refresh_from_db()
    assert opened.solved_at == first and opened.checks == 2


def test_start_over_asks_first_then_restores_the_start(opened, client):
    _attach(opened, READ_ONLY)
    client.post(CHECK)
    page = client.get(RESET)
    assert page.status_code == 200
    assert "every change you made in it is lost" in page.content.decode()
    opened.refresh_from_db()
    assert opened.state["groups"][0]["managed"] == [READ_ONLY]  # not yet
    client.post(RESET)
    opened.refresh_from_db()
    assert opened.state["groups"][0]["managed"] == []
    assert opened.last_check is None
    assert opened.solved_at is not None and opened.checks == 1


def test_one_users_check_never_touches_anothers_account(opened, client, bob):
    client.force_login(bob)
    client.post(OPEN)
    client.post(CHECK)
    opened.refresh_from_db()
    assert opened.checks == 0
    assert PracticeAccount.objects.get(user=bob).checks == 1


def test_an_unknown_or_unpublished_lab_is_404(client, alice, admin_user, group_lab):
    client.force_login(alice)
    assert client.get(reverse("labs:lab", args=["nope"])).status_code == 404
    Lab.objects.filter(pk=group_lab.pk).update(is_published=False)
    assert client.get(LAB).status_code == 404
    assert client.post(OPEN).status_code == 404
    client.force_login(admin_user)
    assert client.get(LAB).status_code == 200


def test_a_lab_whose_setup_an_admin_broke_says_so_instead_of_failing(
    client, alice, group_lab
):
    Lab.objects.filter(pk=group_lab.pk).update(
        setup=[{"create_user": {"name": "bad name"}}]
    )
    client.force_login(alice)
    response = client.post(OPEN, follow=True)
    assert response.status_code == 200
    assert "cannot be built" in response.content.decode()
    assert not PracticeAccount.objects.exists()


@pytest.fixture
def limits(settings):
    settings.LAB_CHECKS_PER_USER = 2
    settings.LAB_CHECKS_PER_CLIENT = 50
    settings.LAB_CHECK_WINDOW_SECONDS = 60
    return settings


def test_checks_past_the_limit_wait_with_a_clear_message(opened, client, limits):
    assert client.post(CHECK).status_code == 302
    assert client.post(CHECK).status_code == 302
    refused = client.post(CHECK)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "wait" in refused.content.decode()
    assert "seconds, then check again" in refused.content.decode()
    opened.refresh_from_db()
    assert opened.checks == 2


def test_the_navigation_links_to_the_labs(client, alice, group_lab):
    client.force_login(alice)
    page = client.get(reverse("labs:index")).content.decode()
    assert f'href="{reverse("labs:index")}">Labs</a>' in page
    assert 'aria-current="page' in page


def test_the_lab_page_links_to_its_account_in_the_console(opened, client):
    page = client.get(LAB).content.decode()
    account = reverse("labs:account", args=[opened.pk])
    findings = reverse("labs:findings", args=[opened.pk])
    assert f'href="{account}">Open the lab' in page
    assert f'href="{findings}">See its findings' in page
    assert client.get(account).status_code == 200
