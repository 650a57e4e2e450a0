"""A trainee opens a policy exercise, gets a counterexample, fixes the policy."""

import re

import pytest
from playwright.sync_api import expect

from tests.exercises.conftest import EXERCISES, OWN_PASSWORD_REFERENCE

pytestmark = pytest.mark.browser

TOO_BROAD = OWN_PASSWORD_REFERENCE.replace(
    '"arn:aws:iam::123456789012:user/${aws:username}"', '"*"'
)


@pytest.fixture
def live_exercises(live_content, django_user_model):
    from exercises.interchange import check_exercises, exercises_import

    exercises_import(document=check_exercises(EXERCISES))
    return django_user_model.objects.create_user("erin", password="x" * 12)


def _sign_in(page, live_server) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill("x" * 12)
    page.get_by_role("button", name="Log in").click()


def test_wrong_policy_counterexample_then_solved(
    live_server, live_exercises, page, screenshot
):
    _sign_in(page, live_server)

    page.goto(live_server.url + "/exercises/")
    page.get_by_role("link", name="Change your own password").click()
    editor = page.get_by_label("Your policy")
    expect(editor).to_have_value(re.compile(r"iam: ChangePassword"))

    # The seed's broken policy: the problem is pinned to its line.
    page.get_by_role("button", name="Check").click()
    results = page.locator("#results")
    expect(results).to_contain_text("not valid yet")
    expect(
        results.get_by_role("link", name=re.compile(r"line 8, column"))
    ).to_be_visible()

    # Too broad: a concrete request the policy should not allow.
    editor.fill(TOO_BROAD)
    page.get_by_role("button", name="Check").click()
    expect(results).to_contain_text("Too permissive")
    expect(results).to_contain_text("Your policy also allows")
    assert "/check/" not in page.url  # answered in place, without a reload
    screenshot("exercise-counterexample")

    editor.fill(OWN_PASSWORD_REFERENCE)
    page.get_by_role("button", name="Check").click()
    expect(results).to_contain_text("✔ Correct")
    screenshot("exercise-solved")

    page.goto(live_server.url + "/exercises/")
    expect(
        page.get_by_role("row", name=re.compile("Change your own password"))
    ).to_contain_text("Solved")


def test_a_trainee_past_the_check_limit_is_told_in_place(
    live_server, live_exercises, page, screenshot, settings
):
    """Issue 14, item 1: the 429 panel is shown where the results go (htmx
    swaps 422, 429 and 503 panels), and the policy stays in the editor."""
    settings.EXERCISE_CHECKS_PER_USER = 1
    _sign_in(page, live_server)
    page.goto(live_server.url + "/exercises/")
    page.get_by_role("link", name="Change your own password").click()
    editor = page.get_by_label("Your policy")
    editor.fill(TOO_BROAD)
    page.get_by_role("button", name="Check").click()
    results = page.locator("#results")
    expect(results).to_contain_text("Too permissive")
    page.get_by_role("button", name="Check").click()
    expect(results).to_contain_text("seconds, then try again")
    expect(editor).to_have_value(TOO_BROAD)
    screenshot("exercise-check-limit")
