"""
Live workshops as a room lives them (issue 15): the trainee's agenda follows the
instructor without a reload, a trainee mid-quiz learns that the workshop closed,
closing asks first, a closed workshop reopens and any workshop duplicates, the
agenda editor adds and reorders rows by mouse and keyboard, the projector shows
the room what matters, and the pages lead back to the workshop.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import watched_page
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# The projector screenshot in docs/ is rewritten only when asked
# (UPDATE_SCREENSHOTS=1), so that a test run leaves the working tree clean.
SCREENSHOTS = ROOT / (
    "docs/screenshots" if os.environ.get("UPDATE_SCREENSHOTS") else "test-artifacts"
)


def _quiz(slug: str, title: str, questions: list[tuple[str, list[tuple[str, bool]]]]):
    from quizzes.models import Choice, Question, Quiz, QuizQuestion

    quiz = Quiz.objects.create(slug=slug, title=title, pass_mark=50)
    for order, (prompt, choices) in enumerate(questions):
        question = Question.objects.create(
            slug=f"{slug}-{order}", type="single", prompt=prompt, explanation="."
        )
        for number, (text, correct) in enumerate(choices):
            Choice.objects.create(
                question=question, text=text, is_correct=correct, order=number
            )
        QuizQuestion.objects.create(quiz=quiz, question=question, order=order)
    return quiz


@pytest.fixture
def room(transactional_db):
    """Ines runs an open workshop of two quizzes and an exercise; Erin and Finn
    (trainees with passwords) have joined."""
    from django.contrib.auth.models import Group, User

    from accounts.groups import INSTRUCTORS
    from exercises.models import Exercise
    from tests.workshops.conftest import _import_exercises
    from workshops.services import membership_join, workshop_create, workshop_open

    ines = User.objects.create_user("ines", password=PASSWORD)
    ines.groups.add(Group.objects.get_or_create(name=INSTRUCTORS)[0])
    groups = _quiz(
        "groups",
        "IAM groups",
        [
            (
                "Who runs the hypervisor of **Amazon EC2**?",
                [("**AWS**", True), ("The customer", False), ("Both", False)],
            ),
            (
                "Can a group contain other groups?",
                [("No", True), ("Yes", False)],
            ),
        ],
    )
    roles = _quiz(
        "roles", "IAM roles", [("What does a role hand out?", [("Keys", True)])]
    )
    _import_exercises()
    exercise = Exercise.objects.get(slug="read-reports")
    workshop = workshop_create(
        title="Friday IAM workshop",
        created_by=ines,
        contents=[groups, roles, exercise],
    )
    workshop = workshop_open(workshop=workshop)
    trainees = {}
    for name in ("erin", "finn"):
        trainees[name] = User.objects.create_user(name, password=PASSWORD)
        membership_join(workshop=workshop, user=trainees[name])
    return {"workshop": workshop, "groups": groups, "roles": roles, **trainees}


def _sign_in(page, live_server, username: str, path: str) -> None:
    page.goto(live_server.url + "/accounts/login/?next=" + path)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_agenda_follows_the_instructor_without_a_reload(live_server, room, page):
    from workshops.services import item_unlock_next, workshop_close

    workshop = room["workshop"]
    _sign_in(page, live_server, "erin", f"/workshops/{workshop.pk}/")
    roles = page.get_by_role("listitem").filter(has_text="IAM roles")
    expect(roles).to_contain_text("Locked")
    # While nothing changes, the refresh leaves the page alone: focus stays put.
    start = page.get_by_role("button", name=re.compile("^Start IAM groups"))
    start.focus()
    page.wait_for_timeout(6_000)
    expect(start).to_be_focused()
    item_unlock_next(workshop=workshop)  # the instructor, elsewhere
    expect(roles).to_contain_text("Unlocked", timeout=15_000)
    expect(roles.get_by_role("button", name=re.compile("^Start"))).to_be_visible()
    workshop_close(workshop=workshop)
    expect(page.get_by_text("The workshop is closed.")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("button", name=re.compile("^Start"))).to_have_count(0)


def test_a_trainee_mid_quiz_learns_that_the_workshop_closed(live_server, room, page):
    from workshops.services import workshop_close

    workshop = room["workshop"]
    _sign_in(page, live_server, "erin", f"/workshops/{workshop.pk}/")
    page.get_by_role("button", name=re.compile("^Start IAM groups")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Question 1")
    workshop_close(workshop=workshop)  # the instructor, while Erin answers
    page.get_by_label("AWS").check()
    page.get_by_role("button", name=re.compile("Check answer|Save|Next")).first.click()
    expect(
        page.get_by_text(
            "The instructor closed the workshop; your answers so far were submitted."
        )
    ).to_be_visible()
    page.get_by_role("link", name="Back to “Friday IAM workshop”").click()
    expect(page.get_by_text("The workshop is closed.")).to_be_visible()


def test_closing_asks_first_then_reopen_and_duplicate(live_server, room, page):
    workshop = room["workshop"]
    _sign_in(page, live_server, "ines", f"/workshops/{workshop.pk}/dashboard/")
    page.get_by_role("link", name="Close the workshop…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Close “Friday IAM workshop”?"
    )
    page.get_by_role("link", name="No, back to the dashboard").click()
    expect(page.get_by_role("link", name="Close the workshop…")).to_be_visible()
    page.get_by_role("link", name="Close the workshop…").click()
    page.get_by_role("button", name="Yes, close the workshop").click()
    expect(
        page.get_by_text("The workshop is closed. Its results are kept.")
    ).to_be_visible()
    page.get_by_role("button", name="Reopen the workshop").click()
    expect(page.get_by_text("The workshop is open again")).to_be_visible()
    page.get_by_role("button", name="Duplicate").click()
    expect(page.get_by_text("This is a copy of “Friday IAM workshop”")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Friday IAM workshop (copy)")
    item_3 = page.get_by_label("Item 3", exact=True)
    expect(item_3).to_have_value(re.compile("^exercise:"))


def _agenda_values(page) -> list[str]:
    return page.locator("[data-agenda-rows] select").evaluate_all(
        "selects => selects.map(s => s.options[s.selectedIndex].text)"
    )


def test_the_agenda_editor_adds_and_reorders_by_keyboard_and_drag(
    live_server, room, page
):
    from workshops.models import Workshop

    _sign_in(page, live_server, "ines", "/workshops/new/")
    page.get_by_label("Title").fill("Monday")
    page.get_by_label("Item 1", exact=True).select_option(label="IAM groups")
    page.get_by_role("button", name="Add a row").click()
    expect(page.get_by_label("Item 2", exact=True)).to_be_focused()
    page.get_by_label("Item 2", exact=True).select_option(label="IAM roles")
    page.get_by_role("button", name="Add a row").click()
    page.get_by_label("Item 3", exact=True).select_option(label="Read the reports")
    # Keyboard: focus "Move up" of item 3 and press Enter twice.
    page.get_by_role("button", name="Move up Item 3").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Move up Item 2")).to_be_focused()
    page.keyboard.press("Enter")
    assert _agenda_values(page) == ["Read the reports", "IAM groups", "IAM roles"]
    expect(page.get_by_text("Read the reports is now item 1.")).to_be_attached()
    # Drag: item 3's handle onto item 1.
    handles = page.locator(".agenda-handle")
    handles.nth(2).drag_to(handles.nth(0))
    assert _agenda_values(page) == ["IAM roles", "Read the reports", "IAM groups"]
    page.get_by_role("button", name="Create the workshop").click()
    expect(page.get_by_text("Workshop created.")).to_be_visible()
    created = Workshop.objects.get(title="Monday")
    assert [item.title for item in created.items.all()] == [
        "IAM roles",
        "Read the reports",
        "IAM groups",
    ]


def test_the_agenda_editor_works_without_javascript(live_server, room, browser):
    from workshops.models import Workshop

    context, page, errors = watched_page(browser, java_script_enabled=False)
    try:
        _sign_in(page, live_server, "ines", "/workshops/new/")
        page.get_by_label("Title").fill("Tuesday")
        page.get_by_label("Item 1", exact=True).select_option(label="IAM groups")
        page.get_by_role("button", name="Add a row").click()
        page.get_by_label("Item 2", exact=True).select_option(label="IAM roles")
        page.get_by_role("button", name="Move up Item 2").click()
        item_1 = page.get_by_label("Item 1", exact=True)
        expect(item_1).to_have_value(f"quiz:{room['roles'].pk}")
        expect(page.get_by_label("Title")).to_have_value("Tuesday")
        expect(page.get_by_role("button", name="Move down Item 1")).to_be_focused()
        page.get_by_role("button", name="Create the workshop").click()
        expect(page.get_by_text("Workshop created.")).to_be_visible()
    finally:
        context.close()
    assert not errors
    created = Workshop.objects.get(title="Tuesday")
    assert [item.title for item in created.items.all()] == ["IAM roles", "IAM groups"]


def test_the_projector_shows_the_room_what_matters(live_server, room, page):
    from quizzes.models import Choice
    from quizzes.services import answer_save, attempt_start, attempt_submit
    from workshops.services import leaderboard_show

    workshop = room["workshop"]
    first, second = (item.question for item in room["groups"].items.all())
    picks = {"erin": ("**AWS**", "No"), "finn": ("The customer", "No")}
    for name, (one, two) in picks.items():
        attempt = attempt_start(quiz=room["groups"], user=room[name])
        for question, text in ((first, one), (second, two)):
            choice = Choice.objects.get(question=question, text=text)
            answer_save(
                attempt=attempt, question=question, response={"choice": choice.pk}
            )
        attempt_submit(attempt=attempt)
    leaderboard_show(workshop=workshop, shown=True)

    page.set_viewport_size({"width": 1920, "height": 1080})
    _sign_in(page, live_server, "ines", f"/workshops/{workshop.pk}/projector/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Friday IAM workshop")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    expect(page.get_by_text("ines", exact=True)).to_have_count(0)
    code = page.locator(".projector-code")
    expect(code).to_have_text(workshop.display_code)
    box = code.bounding_box()
    font = float(code.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert box["height"] < 1.6 * font, "the code wraps onto a second line"
    expect(page.get_by_role("heading", name="Now: IAM groups (quiz)")).to_be_visible()
    chart = page.get_by_role("img", name=re.compile("^Question 1, 2 answers"))
    expect(chart).to_contain_text("✔ AWS (right answer)")
    expect(chart).to_contain_text("1 (50%)")
    expect(page.get_by_role("img", name=re.compile("^Question 2"))).to_contain_text(
        "2 (100%)"
    )
    leaderboard = page.get_by_role("region", name="Leaderboard")
    expect(leaderboard.get_by_role("listitem").first).to_contain_text(
        "erin: 100 points"
    )
    expect(leaderboard).to_contain_text("rounded to whole points")
    timer = page.locator("time.elapsed")
    before = timer.text_content()
    expect(timer).not_to_have_text(before, timeout=3_000)  # it counts
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "projector.png")


def test_reviews_and_exercises_lead_back_and_rates_wait_for_a_finish(
    live_server, room, page
):
    from quizzes.services import attempt_start
    from workshops.services import items_unlock_all

    workshop = room["workshop"]
    items_unlock_all(workshop=workshop)
    attempt_start(quiz=room["groups"], user=room["finn"])  # still at work
    _sign_in(page, live_server, "ines", f"/workshops/{workshop.pk}/dashboard/")
    row = page.get_by_role("row", name=re.compile("^1 IAM groups"))
    expect(row).to_contain_text("– (in progress)")
    expect(row).not_to_contain_text("0%")

    context, trainee, errors = watched_page(browser := page.context.browser)
    try:
        _sign_in(trainee, live_server, "erin", f"/workshops/{workshop.pk}/")
        trainee.get_by_role("button", name=re.compile("^Start IAM roles")).click()
        trainee.get_by_label("Keys").check()
        trainee.get_by_role(
            "button", name=re.compile("Check answer|Save|Next")
        ).first.click()
        # Submitting goes through the summary and its confirmation.
        trainee.get_by_role("link", name="Submit the quiz").click()
        trainee.get_by_role("button", name="Submit and see results").click()
        trainee.get_by_role("link", name="Back to the workshop’s agenda").click()
        expect(trainee.get_by_role("heading", level=1)).to_have_text(
            "Friday IAM workshop"
        )
        trainee.get_by_role("link", name=re.compile("Open the exercise")).click()
        trainee.get_by_role("link", name="Back to the workshop’s agenda").click()
        expect(trainee.get_by_role("heading", level=1)).to_have_text(
            "Friday IAM workshop"
        )
    finally:
        context.close()
    assert browser is not None and not errors
    row = page.get_by_role("row", name=re.compile("^2 IAM roles"))
    expect(row).to_contain_text("100%", timeout=15_000)


def test_the_dashboard_renders_markdown_in_wrong_answers(live_server, room, page):
    from quizzes.models import Choice
    from quizzes.services import answer_save, attempt_start

    first = room["groups"].items.first().question
    attempt = attempt_start(quiz=room["groups"], user=room["finn"])
    wrong = Choice.objects.get(question=first, text="The customer")
    wrong.text = "**Amazon EC2** customers"
    wrong.save()
    answer_save(attempt=attempt, question=first, response={"choice": wrong.pk})
    workshop = room["workshop"]
    _sign_in(page, live_server, "ines", f"/workshops/{workshop.pk}/dashboard/")
    wrong_answers = page.locator("li", has_text="customers — 1 trainee")
    expect(wrong_answers.locator("strong strong")).to_have_text("Amazon EC2")
    expect(page.get_by_text("**Amazon EC2**")).to_have_count(0)
    expect(page.get_by_text("Who runs the hypervisor of Amazon EC2?")).to_be_visible()
