"""A newcomer signs up, takes a quiz, reads the feedback and checks progress."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.quizzes.bank import BANK

pytestmark = pytest.mark.browser


@pytest.fixture
def live_bank(live_content):
    from quizzes.interchange import check_document
    from quizzes.services import questions_import

    questions_import(document=check_document(BANK))


def test_sign_up_take_a_quiz_get_feedback_and_see_progress(
    live_server, live_bank, page, screenshot
):
    page.goto(live_server.url + "/accounts/sign-up/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome, erin")).to_be_visible()

    page.get_by_role("link", name="Quizzes", exact=True).click()
    page.get_by_role("link", name="Basics").click()
    page.get_by_role("button", name="Start the quiz").click()

    for _ in range(6):
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_contain_text(re.compile(r"Question \d of 6"))
        prompt = page.locator(".prompt").inner_text()
        if "belong to groups" in prompt:
            page.get_by_label("False", exact=True).check()
        elif "credentials of the root user" in prompt:
            page.get_by_label("Email address and password").check()
            page.get_by_label("Access keys").check()
        elif "IAM groups is true" in prompt:
            page.get_by_label("A user can belong to several groups.").check()
        elif "Who owns each duty" in prompt:
            page.get_by_role("group", name="Guest operating system").get_by_label(
                "AWS"
            ).check()
            page.get_by_role("group", name="Customer data").get_by_label(
                "Customer"
            ).check()
        elif "Is the request allowed" in prompt:
            page.get_by_label("Allowed").check()
        else:
            page.get_by_label("Your answer").fill("effect")
        page.get_by_role("button", name="Check answer").click()
        expect(page.get_by_text("Explanation.")).to_be_visible()
        expect(page.get_by_text("✔ Correct")).to_be_visible()
        if page.get_by_role("link", name="Next question").count():
            screenshot("quiz-feedback") if "Is the request" in prompt else None
            page.get_by_role("link", name="Next question").click()

    page.get_by_role("button", name="Submit the quiz").click()
    expect(page.get_by_text("Score: 100.0%")).to_be_visible()
    screenshot("quiz-review")

    page.get_by_role("link", name="Progress", exact=True).click()
    expect(page.get_by_role("heading", name="Mastery by topic")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("IAM groups"))).to_contain_text(
        "100%"
    )
    screenshot("progress")
