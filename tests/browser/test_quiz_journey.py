"""A newcomer signs up, takes a quiz, reads the feedback and checks progress."""

import re
from datetime import timedelta

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


@pytest.fixture
def erin(live_bank, django_user_model):
    return django_user_model.objects.create_user("erin", password=PASSWORD)


def _sign_in(page, live_server) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _start(page, live_server, title: str):
    """Start the quiz from its page; the attempt, from the database."""
    from quizzes.models import Attempt

    page.goto(live_server.url + "/quizzes/")
    page.get_by_role("link", name=title, exact=True).click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Question 1 of")
    return Attempt.objects.get(quiz__title=title, status="in_progress")


def _answer(page, *, right: bool) -> None:
    """Answer the question on the page (Basics or Timed), rightly or not."""
    prompt = page.locator(".prompt").inner_text()
    if "belong to groups" in prompt:
        page.get_by_label("False" if right else "True", exact=True).check()
    elif "credentials of the root user" in prompt:
        page.get_by_label("Email address and password").check()
        page.get_by_label("Access keys" if right else "An IAM group").check()
    elif "IAM groups is true" in prompt:
        page.get_by_label(
            "A user can belong to several groups." if right else "A group can sign in."
        ).check()
    elif "Who owns each duty" in prompt:
        page.get_by_role("group", name="Guest operating system").get_by_label(
            "AWS" if right else "Customer"
        ).check()
        page.get_by_role("group", name="Customer data").get_by_label("Customer").check()
    elif "Is the request allowed" in prompt:
        page.get_by_label("Allowed" if right else "Denied by an explicit Deny").check()
    elif "access keys" in prompt:
        page.get_by_label("Your answer (a number)").fill(" 2.0 " if right else "3")
    else:
        short = page.get_by_label(re.compile(r"^Your answer\W*$"))
        short.fill("effect" if right else "Action")


def _navigator(page):
    return page.get_by_role("complementary", name="Questions in this attempt")


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

    for _ in range(7):
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_contain_text(re.compile(r"Question \d of 7"))
        prompt = page.locator(".prompt").inner_text()
        _answer(page, right=True)
        page.get_by_role("button", name="Check answer").click()
        expect(page.get_by_text("Explanation.")).to_be_visible()
        expect(page.get_by_text("✔ Correct")).to_be_visible()
        if page.get_by_role("link", name="Next question").count():
            screenshot("quiz-feedback") if "Is the request" in prompt else None
            page.get_by_role("link", name="Next question").click()

    # The last question of a quiz with feedback after each question: finish.
    expect(page.get_by_role("link", name="Next question")).to_have_count(0)
    page.get_by_role("link", name="Finish and see results").click()
    expect(page.get_by_role("heading", name="Summary of your attempt")).to_be_visible()
    page.get_by_role("button", name="Submit and see results").click()
    expect(page.get_by_text("Score: 100.0%")).to_be_visible()
    screenshot("quiz-review")

    page.get_by_role("link", name="Progress", exact=True).click()
    expect(page.get_by_role("heading", name="Mastery by guide")).to_be_visible()
    expect(page.get_by_role("heading", name="Where to go next")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("IAM groups"))).to_contain_text(
        "100%"
    )
    groups_guide = page.get_by_role("heading", name=re.compile("IAM groups and"))
    expect(groups_guide.get_by_role("link")).to_be_visible()
    screenshot("progress")


def test_the_navigator_tells_correct_from_wrong_in_words_and_shapes(
    live_server, erin, page, screenshot
):
    _sign_in(page, live_server)
    _start(page, live_server, "Basics")
    _answer(page, right=False)
    page.get_by_role("button", name="Check answer").click()
    page.get_by_role("link", name="Next question").click()
    _answer(page, right=True)
    page.get_by_role("button", name="Check answer").click()

    navigator = _navigator(page)
    expect(navigator.get_by_role("link", name="1 (not correct)")).to_contain_text("✘")
    expect(navigator.get_by_role("link", name="2 (correct)")).to_contain_text("✔")
    expect(navigator.get_by_role("link", name="3 (not answered)")).to_contain_text("○")
    expect(navigator).to_contain_text("not correct ✘")
    expect(navigator).to_contain_text("2 of 7 answered.")
    screenshot("quiz-navigator")


def test_feedback_at_the_end_shows_only_answered_and_flags_work_in_place(
    live_server, erin, page
):
    _sign_in(page, live_server)
    _start(page, live_server, "Timed")
    _answer(page, right=False)
    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 2 of 2")

    navigator = _navigator(page)
    expect(navigator.get_by_role("link", name="1 (answered)")).to_contain_text("●")
    expect(navigator).not_to_contain_text("correct")

    page.get_by_role("button", name="Flag for review").click()
    expect(page.get_by_role("button", name="Remove the flag")).to_be_focused()
    expect(page.locator("#flag-control")).to_contain_text("Flagged for review")
    expect(
        navigator.get_by_role("link", name="2 (not answered, flagged for review)")
    ).to_contain_text("⚑")
    expect(navigator).to_contain_text("1 flagged")
    page.reload()
    expect(page.get_by_role("button", name="Remove the flag")).to_be_visible()
    page.get_by_role("button", name="Remove the flag").click()
    expect(page.get_by_role("button", name="Flag for review")).to_be_visible()
    expect(navigator.get_by_role("link", name="2 (not answered)")).to_be_visible()


def test_submit_shows_a_summary_and_waits_for_confirmation(
    live_server, erin, page, screenshot
):
    _sign_in(page, live_server)
    attempt = _start(page, live_server, "Basics")
    _answer(page, right=True)
    page.get_by_role("button", name="Check answer").click()
    page.get_by_role("link", name="Next question").click()
    _answer(page, right=False)
    page.get_by_role("button", name="Check answer").click()
    page.get_by_role("link", name="Next question").click()
    page.get_by_role("button", name="Flag for review").click()
    expect(page.get_by_role("button", name="Remove the flag")).to_be_visible()
    _navigator(page).get_by_role("link", name=re.compile(r"^5 ")).click()
    page.get_by_role("button", name="Flag for review").click()
    expect(page.get_by_role("button", name="Remove the flag")).to_be_visible()

    page.get_by_role("link", name="Submit the quiz").click()
    expect(page.get_by_role("heading", name="Summary of your attempt")).to_be_visible()
    expect(page.get_by_text("2 of 7 questions answered, 2 flagged")).to_be_visible()
    rows = page.get_by_role("row")
    expect(rows.filter(has_text="Question 1")).to_contain_text("✔ Correct")
    expect(rows.filter(has_text="Question 2")).to_contain_text("✘ Not correct")
    expect(rows.filter(has_text="Question 3")).to_contain_text("Flagged for review")
    expect(rows.filter(has_text="Question 3")).to_contain_text("○ Not answered")
    expect(rows.filter(has_text="Question 5")).to_contain_text("Flagged for review")
    expect(page.get_by_role("status")).to_contain_text(
        "5 questions have no answer and will count as wrong."
    )
    screenshot("quiz-summary")  # docs/screenshots/quiz-summary.png is a copy
    attempt.refresh_from_db()
    assert attempt.is_open, "the summary alone submits nothing"

    page.get_by_role("link", name="Question 3", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 3 of 7")
    page.get_by_role("link", name="Submit the quiz").click()
    page.get_by_role("button", name="Submit and see results").click()
    expect(page.get_by_role("heading", name="Your results")).to_be_visible()
    expect(page.get_by_text("Score: 14.3%")).to_be_visible()  # 1 of 7
    attempt.refresh_from_db()
    assert not attempt.is_open


def test_without_javascript_flags_post_and_the_time_left_is_static(
    live_server, erin, browser
):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        _sign_in(page, live_server)
        _start(page, live_server, "Timed")
        expect(page.get_by_role("timer")).to_have_text(
            re.compile(r"^Time left: [45]\s+minutes?$")
        )
        page.get_by_role("button", name="Flag for review").click()
        expect(page.get_by_role("button", name="Remove the flag")).to_be_visible()
        expect(
            _navigator(page).get_by_role(
                "link", name="1 (not answered, flagged for review)"
            )
        ).to_be_visible()
        page.wait_for_timeout(1200)
        expect(page.get_by_role("timer")).to_have_text(
            re.compile(r"^Time left: [45]\s+minutes?$")
        )
    finally:
        context.close()


def test_the_countdown_runs_warns_at_one_minute_and_the_server_submits(
    live_server, erin, page
):
    from django.utils import timezone

    from quizzes.models import Attempt

    _sign_in(page, live_server)
    attempt = _start(page, live_server, "Timed")
    timer = page.get_by_role("timer")
    expect(timer).to_have_text(re.compile(r"^Time left: 4 minutes 5\d seconds$"))
    first = timer.inner_text()
    expect(timer).not_to_have_text(first)  # it counts down
    expect(page.locator("[data-warning]")).to_be_empty()

    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() + timedelta(seconds=63)
    )
    page.reload()
    warning = page.locator("[data-warning]")
    expect(warning).to_have_attribute("aria-live", "assertive")
    expect(page.locator("[data-status]")).to_have_attribute("aria-live", "polite")
    expect(warning).to_have_text(
        "One minute left. When time is up, your answers so far are submitted."
    )
    expect(timer).to_have_text(re.compile(r"^Time left: (1 minute|[1-5]?\d seconds?)$"))

    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() + timedelta(seconds=3)
    )
    page.reload()
    expect(page.get_by_role("heading", name="Your results")).to_be_visible()
    expect(page.get_by_text("Time is up: your attempt was submitted.")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.status == "submitted"


def test_feedback_keeps_the_order_shown_and_renders_markdown(live_server, erin, page):
    from quizzes.models import Attempt, Choice, Question

    question = Question.objects.get(slug="groups-rule")
    choice = question.choices.get(text__startswith="A user")
    choice.text = "A user can be *in* several groups on **Amazon EC2**."
    choice.feedback = "Yes: see `iam:AddUserToGroup`."
    choice.save()

    _sign_in(page, live_server)
    attempt = _start(page, live_server, "Basics")
    # Shown in the reverse of the author's order, whatever the shuffle said.
    shown = list(reversed([c.pk for c in Choice.objects.filter(question=question)]))
    attempt.choice_order[str(question.pk)] = shown
    Attempt.objects.filter(pk=attempt.pk).update(choice_order=attempt.choice_order)
    position = attempt.question_ids.index(question.pk) + 1
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/questions/{position}/")

    label = page.get_by_label("A user can be in several groups on Amazon EC2.")
    expect(page.locator("label strong")).to_have_text("Amazon EC2")
    expect(page.locator("label em")).to_have_text("in")
    expect(page.locator("#question-card")).not_to_contain_text("**")
    expect(page.locator("#question-card")).not_to_contain_text("*in*")
    labels = page.locator(".form-check-label").all_inner_texts()
    assert len(labels) == 3

    label.check()
    page.get_by_role("button", name="Check answer").click()
    items = page.locator(".feedback li")
    expect(items).to_have_count(3)
    for item, shown_label in zip(items.all(), labels, strict=True):
        expect(item).to_contain_text(shown_label.strip())
    expect(page.locator(".feedback code")).to_have_text("iam:AddUserToGroup")
    expect(page.locator(".feedback")).not_to_contain_text("`")
    expect(page.locator(".feedback")).not_to_contain_text("**")


def test_the_review_has_a_grid_and_shows_only_what_was_wrong(
    live_server, erin, page, screenshot
):
    from quizzes.models import Question, Quiz
    from quizzes.services import answer_save, attempt_start, attempt_submit

    attempt = attempt_start(quiz=Quiz.objects.get(slug="basics"), user=erin)
    answer_save(
        attempt=attempt,
        question=Question.objects.get(slug="groups-nest"),
        response={"value": False},
    )
    attempt_submit(attempt=attempt)
    right = attempt.question_ids.index(Question.objects.get(slug="groups-nest").pk) + 1

    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/review/")
    grid = page.get_by_role("region", name="Question by question")
    expect(grid.get_by_role("link", name=re.compile(r"^Question \d"))).to_have_count(7)
    correct = grid.get_by_role("link", name=f"Question {right}: correct", exact=True)
    expect(correct).to_contain_text("✔")
    expect(grid.get_by_role("link", name=re.compile(r": not correct$"))).to_have_count(
        6
    )
    screenshot("quiz-review-grid")
    correct.click()
    expect(page).to_have_url(re.compile(rf"#q{right}$"))

    page.get_by_role("link", name="Show only what I got wrong").click()
    expect(page).to_have_url(re.compile(r"\?only=wrong"))
    expect(page.get_by_text("Explanation.")).to_have_count(6)
    expect(
        page.get_by_role("heading", name=re.compile(rf"^Question {right} "))
    ).to_have_count(0)
    expect(
        page.get_by_text("Showing only the questions you did not get")
    ).to_be_visible()
    page.get_by_role("link", name="Show every question").click()
    expect(page.get_by_text("Explanation.")).to_have_count(7)


def test_the_quiz_page_says_how_many_questions_and_the_time_limit(
    live_server, erin, page
):
    _sign_in(page, live_server)
    page.goto(live_server.url + "/quizzes/basics/")
    expect(page.get_by_role("listitem").filter(has_text="Questions: 7")).to_be_visible()
    expect(page.get_by_text("No time limit", exact=True)).to_be_visible()
    page.goto(live_server.url + "/quizzes/timed/")
    expect(page.get_by_text("Questions: 2", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Time limit: 5 minutes,"))).to_be_visible()


def test_progress_lists_policy_exercises_next_to_quizzes(live_server, erin, page):
    from exercises.interchange import check_exercises, exercises_import
    from exercises.models import Exercise
    from exercises.services import submission_create
    from tests.exercises.conftest import EXERCISES

    exercises_import(document=check_exercises(EXERCISES))
    exercise = Exercise.objects.get(slug="own-password")
    submission_create(exercise=exercise, user=erin, text="{")
    submission_create(exercise=exercise, user=erin, text="{}")

    _sign_in(page, live_server)
    page.get_by_role("link", name="Progress", exact=True).click()
    section = page.get_by_role("region", name="Policy exercises")
    row = section.get_by_role("row", name=re.compile("Change your own password"))
    expect(row).to_contain_text("✘ Not solved yet")
    expect(row.get_by_role("cell").nth(3)).to_have_text("2")
    expect(
        section.get_by_role("row", name=re.compile("What does this allow"))
    ).to_contain_text("Not started")
    row.get_by_role("link", name="Change your own password").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Change your own password"
    )
