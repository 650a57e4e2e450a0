"""Accounts and authoring as people meet them: a forgotten password, a newcomer
sent to sign up on the way to a quiz, an instructor writing a question."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.quizzes.bank import BANK

pytestmark = pytest.mark.browser

NEW = "a fresh and long passphrase"


@pytest.fixture
def live_bank(live_content):
    from quizzes.interchange import check_document
    from quizzes.services import questions_import

    questions_import(document=check_document(BANK))


def _log_in(page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_forgotten_password_is_reset_by_email(live_server, page, screenshot):
    from django.contrib.auth.models import User

    User.objects.create_user("erin", "erin@example.org", PASSWORD)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    page.get_by_label("Email").fill("erin@example.org")
    page.get_by_role("button", name="Send the reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    (message,) = mail.outbox
    link = re.search(r"https?://\S+", message.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label(re.compile(r"^\s*New password\W*$")).fill(NEW)
    page.get_by_label("New password confirmation").fill(NEW)
    screenshot("password-reset-confirm")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_text("Your password is reset")).to_be_visible()

    page.get_by_role("link", name="Log in").last.click()
    _log_in(page, "erin", NEW)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_a_newcomer_signs_up_on_the_way_and_lands_on_the_quiz(
    live_server, live_bank, page
):
    page.goto(live_server.url + "/quizzes/basics/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill("finn")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(live_server.url + "/quizzes/basics/")
    expect(page.get_by_text("Welcome, finn")).to_be_visible()
    expect(page.get_by_role("button", name="Start the quiz")).to_be_visible()


def _choices_fit(page) -> bool:
    return page.evaluate(
        """() => {
          const wrapper = document.querySelector('#choices-group .wrapper')
            || document.querySelector('#choices-group');
          return wrapper.scrollWidth <= wrapper.clientWidth
            && document.documentElement.scrollWidth <= window.innerWidth;
        }"""
    )


def test_an_instructor_writes_a_question_with_one_section_per_type(
    live_server, live_bank, page, screenshot
):
    from django.contrib.auth.models import Group, User

    from accounts.groups import INSTRUCTORS
    from quizzes.models import Question
    from tests.conftest import instructors_can_author

    instructors_can_author()
    gail = User.objects.create_user("gail", password=PASSWORD)
    gail.groups.add(Group.objects.get(name=INSTRUCTORS))

    page.goto(live_server.url + "/admin/")
    _log_in(page, "gail", PASSWORD)
    page.get_by_role("link", name="Questions").first.click()
    page.get_by_role("link", name=re.compile("Add question")).click()

    true_false = page.get_by_role("heading", name="True or false")
    choices = page.get_by_role("heading", name=re.compile("Choices"))
    page.get_by_label("Type:", exact=True).select_option("true_false")
    expect(true_false).to_be_visible()
    expect(page.get_by_label("Correct answer")).to_be_visible()
    expect(choices).to_be_hidden()
    expect(page.get_by_role("heading", name="Policy reading")).to_be_hidden()

    page.get_by_label("Type:", exact=True).select_option("single")
    expect(choices).to_be_visible()
    expect(true_false).to_be_hidden()
    assert _choices_fit(page), "the choices table scrolls sideways at 1280 px"

    page.get_by_label("Slug").fill("who-patches")
    page.get_by_label("Prompt").fill("Who patches the **guest OS** of EC2?")
    page.get_by_label("Explanation").fill("The customer.")
    page.locator("#id_choices-0-text").fill("The customer")
    page.locator("#id_choices-0-is_correct").check()
    page.locator("#id_choices-1-text").fill("AWS")
    screenshot("admin-question-single")

    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview unsaved changes").click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.get_by_text("Your unsaved edits")).to_be_visible()
    expect(preview.locator(".prompt strong")).to_have_text("guest OS")
    expect(preview.get_by_label("AWS")).to_be_visible()
    preview.close()
    assert not Question.objects.filter(slug="who-patches").exists()

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    assert Question.objects.get(slug="who-patches").choices.count() == 2


def test_without_javascript_every_section_of_the_question_form_shows(
    live_server, browser
):
    from django.contrib.auth.models import User

    User.objects.create_superuser("dana", password=PASSWORD)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/admin/quizzes/question/add/")
        _log_in(page, "dana", PASSWORD)
        for name in ["True or false", "Responsibility sort", "Policy reading",
                     "Short answer"]:  # fmt: skip
            expect(page.get_by_role("heading", name=name)).to_be_visible()
        expect(page.get_by_role("heading", name=re.compile("Choices"))).to_be_visible()
    finally:
        context.close()
