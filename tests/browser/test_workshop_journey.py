"""
Two browsers in one workshop: the instructor opens it and watches the dashboard;
a newcomer joins with the code, answers a question, and the dashboard shows it.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def live_workshop(transactional_db):
    """A draft workshop with a one-question quiz, run by the instructor Ines."""
    from django.contrib.auth.models import Group, User

    from accounts.groups import INSTRUCTORS
    from quizzes.models import Choice, Question, Quiz, QuizQuestion
    from workshops.services import workshop_create

    ines = User.objects.create_user("ines", password=PASSWORD)
    ines.groups.add(Group.objects.get_or_create(name=INSTRUCTORS)[0])
    quiz = Quiz.objects.create(slug="groups", title="IAM groups", pass_mark=50)
    question = Question.objects.create(
        slug="groups-rule",
        type="single",
        prompt="Which statement about IAM groups is true?",
        explanation="Groups hold users only.",
    )
    for order, (text, correct) in enumerate(
        [
            ("A group can contain other groups.", False),
            ("A user can belong to several groups.", True),
        ]
    ):
        Choice.objects.create(
            question=question, text=text, is_correct=correct, order=order
        )
    QuizQuestion.objects.create(quiz=quiz, question=question)
    return workshop_create(
        title="Friday IAM workshop", created_by=ines, contents=[quiz]
    )


def test_instructor_opens_a_trainee_joins_and_answers_the_dashboard_shows_it(
    live_server, live_workshop, browser, page, screenshot
):
    workshop = live_workshop
    page.goto(live_server.url + f"/workshops/{workshop.pk}/dashboard/")
    page.get_by_label("Username").fill("ines")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Friday IAM workshop")
    page.get_by_role("button", name="Open the workshop").click()
    expect(page.get_by_text("The workshop is open.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("IAM groups"))).to_contain_text(
        "Unlocked"
    )
    expect(page.get_by_text("Nobody has joined yet.")).to_be_visible()

    trainee_context = browser.new_context(viewport={"width": 400, "height": 800})
    trainee_context.set_default_timeout(10_000)
    trainee = trainee_context.new_page()
    errors: list[str] = []
    trainee.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        trainee.goto(live_server.url + "/join")
        code = workshop.code.lower()
        trainee.get_by_label("Join code").fill(f"{code[:3]}-{code[3:]}")
        trainee.get_by_label("Your name").fill("Erin Newcomer")
        trainee.get_by_role("button", name="Join").click()
        expect(trainee.get_by_text("Welcome, Erin Newcomer")).to_be_visible()
        expect(trainee.get_by_text("Unlocked", exact=True)).to_be_visible()
        trainee.get_by_role("button", name=re.compile("^Start")).click()
        expect(trainee.get_by_role("heading", level=1)).to_contain_text("Question 1")
        trainee.get_by_label("A user can belong to several groups.").check()
        trainee.get_by_role("button", name="Check answer").click()
        expect(trainee.get_by_text("✔ Correct")).to_be_visible()
        # Submitting goes through the summary and its confirmation.
        trainee.get_by_role("link", name="Submit the quiz").click()
        trainee.get_by_role("button", name="Submit and see results").click()
        expect(trainee.get_by_text("Score: 100.0%")).to_be_visible()
    finally:
        trainee_context.close()
    assert not errors, f"JavaScript errors for the trainee: {errors}"

    # No reload: the dashboard's own refresh (every five seconds) brings it in.
    row = page.get_by_role("row", name=re.compile("Erin Newcomer"))
    expect(row).to_contain_text("✔ Passed · 100.0%", timeout=15_000)
    expect(page.get_by_text("1 trainee joined")).to_be_visible()
    screenshot("workshop-dashboard")
