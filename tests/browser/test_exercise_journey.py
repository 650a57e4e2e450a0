"""A trainee opens a policy exercise, gets a counterexample, fixes the policy."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.exercises.conftest import EXERCISES, OWN_PASSWORD_REFERENCE, SEED_BROKEN

pytestmark = pytest.mark.browser

TOO_BROAD = OWN_PASSWORD_REFERENCE.replace(
    '"arn:aws:iam::123456789012:user/${aws:username}"', '"*"'
)


@pytest.fixture
def live_exercises(live_content, django_user_model):
    from exercises.interchange import check_exercises, exercises_import

    exercises_import(document=check_exercises(EXERCISES))
    return django_user_model.objects.create_user("erin", password="x" * 12)


def _editor_text(page) -> str:
    """The text the editor shows, line by line, as a person reads it."""
    return page.get_by_label("Your policy").inner_text()


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
    _wait_for_the_editor(page)
    editor = page.get_by_label("Your policy")
    expect(editor).to_contain_text("iam: ChangePassword")
    expect(page.locator("#id_policy")).to_have_value(re.compile(r"iam: ChangePassword"))

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
    _wait_for_the_editor(page)
    editor = page.get_by_label("Your policy")
    editor.fill(TOO_BROAD)
    page.get_by_role("button", name="Check").click()
    results = page.locator("#results")
    expect(results).to_contain_text("Too permissive")
    page.get_by_role("button", name="Check").click()
    expect(results).to_contain_text("seconds, then try again")
    expect(page.locator("#id_policy")).to_have_value(TOO_BROAD)
    assert _editor_text(page) == TOO_BROAD
    screenshot("exercise-check-limit")


def _open_exercise(page, live_server, title="Change your own password"):
    _sign_in(page, live_server)
    page.goto(live_server.url + "/exercises/")
    page.get_by_role("link", name=title).click()
    _wait_for_the_editor(page)


def _wait_for_the_editor(page) -> None:
    """The code editor has taken the textarea's place (its Format button shows)."""
    expect(page.get_by_role("button", name="Format")).to_be_visible()


def _clear_editor(page):
    page.get_by_label("Your policy").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")


def test_a_hint_appears_in_place_and_the_editor_keeps_its_text(
    live_server, live_exercises, page
):
    """Issue 15: "Show a hint" used to reload the page, losing unsaved edits."""
    _open_exercise(page, live_server)
    page.get_by_label("Your policy").fill(TOO_BROAD)  # never checked
    url = page.url
    page.get_by_role("button", name="Show a hint (2 left)").click()
    hint = page.get_by_text("1. Look at line 7.")
    expect(hint).to_be_visible()
    expect(hint).to_be_focused()
    assert page.url == url
    assert _editor_text(page) == TOO_BROAD
    expect(page.locator("#id_policy")).to_have_value(TOO_BROAD)
    page.get_by_role("button", name="Show a hint (1 left)").click()
    expect(page.get_by_text("2. Actions have no spaces.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Show a hint"))).to_have_count(0)
    assert _editor_text(page) == TOO_BROAD


def test_the_simulator_clears_a_stale_decision_when_the_input_is_refused(
    live_server, live_exercises, page
):
    """Issue 15: a 422 used to leave the previous decision under the new inputs."""
    _open_exercise(page, live_server)
    page.get_by_label("Your policy").fill(OWN_PASSWORD_REFERENCE)
    simulator = page.locator("#simulation")
    simulator.get_by_label("Action").fill("iam:ChangePassword")
    simulator.get_by_label("Resource").fill("arn:aws:iam::123456789012:user/alice")
    simulator.get_by_role("button", name="Evaluate").click()
    expect(simulator).to_contain_text("Decision: Allow")

    simulator.get_by_label("Context").fill('{"aws:SourceIp": ')
    simulator.get_by_role("button", name="Evaluate").click()
    expect(simulator).to_contain_text("Not valid JSON")
    expect(simulator).not_to_contain_text("Decision:")
    expect(simulator.get_by_label("Context")).to_have_value('{"aws:SourceIp": ')

    # An answer htmx does not swap (here a 500) clears the decision all the same.
    simulator.get_by_label("Context").fill("")
    simulator.get_by_role("button", name="Evaluate").click()
    expect(simulator).to_contain_text("Decision: Allow")
    page.route("**/simulate/", lambda route: route.fulfill(status=500, body="Oops"))
    simulator.get_by_label("Action").fill("iam:GetUser")
    simulator.get_by_role("button", name="Evaluate").click()
    expect(simulator.get_by_role("alert")).to_contain_text(
        "The simulator could not answer, so no decision is shown"
    )
    expect(simulator).not_to_contain_text("Decision:")
    expect(simulator.get_by_label("Action")).to_have_value("iam:GetUser")


def test_the_visible_tests_show_before_the_first_check(
    live_server, live_exercises, page
):
    _open_exercise(page, live_server)
    results = page.locator("#results")
    expect(results).to_contain_text("Alice changes her password: expected Allow")
    expect(results).to_contain_text("Alice reads her user")
    expect(results).to_contain_text("and 1 hidden one")
    expect(results).not_to_contain_text("Bob")

    page.goto(live_server.url + "/exercises/")
    page.get_by_role("link", name="What does this allow?").click()
    expect(page.locator("#results")).to_contain_text(
        "Tick every request the policy allows and check your predictions"
    )
    expect(page.get_by_text("Check your policy")).to_have_count(0)


def _contrast(rgb_text: str, background_text: str) -> float:
    def luminance(text: str) -> float:
        channels = [int(v) / 255 for v in re.findall(r"\d+", text)[:3]]
        linear = [
            c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
            for c in channels
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted([luminance(rgb_text), luminance(background_text)])[::-1]
    return (light + 0.05) / (dark + 0.05)


def test_the_editor_highlights_numbers_its_lines_legibly_and_marks_problems(
    live_server, live_exercises, page
):
    _open_exercise(page, live_server)
    editor = page.get_by_label("Your policy")
    expect(editor).to_be_visible()
    expect(page.locator("#id_policy")).to_be_hidden()  # kept in sync, and posted

    line_number = page.locator("[data-editor-wrap]").get_by_text("10", exact=True)
    colours = line_number.evaluate(
        """el => {
            let bg = el, colour = getComputedStyle(el).color;
            const clear = (e) =>
                getComputedStyle(e).backgroundColor === "rgba(0, 0, 0, 0)";
            while (bg && clear(bg)) bg = bg.parentElement;
            return [colour, getComputedStyle(bg).backgroundColor];
        }"""
    )
    assert _contrast(*colours) >= 4.5, colours

    # JSON highlighting: keys, strings and plain text in three colours.
    def colour(locator):
        return locator.evaluate("e => getComputedStyle(e).color")

    key = colour(editor.get_by_text('"Effect"', exact=True))
    value = colour(editor.get_by_text('"Allow"', exact=True))
    assert len({key, value, colour(editor)}) == 3

    # The seed's broken policy: the server's problem becomes a marker on line 8.
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#results")).to_contain_text("not valid yet")
    editor.click()
    page.keyboard.press("Control+Shift+M")  # the list of problems in the editor
    problems = page.get_by_role("listbox", name="Diagnostics")
    expect(problems).to_contain_text("a comma is probably missing")
    page.keyboard.press("Escape")
    expect(problems).to_have_count(0)
    # Hovering the underlined text shows the problem next to it.
    wrap = page.locator("[data-editor-wrap]")
    expect(wrap.get_by_text("a comma is probably missing")).to_have_count(0)
    editor.get_by_text('"Resource"', exact=True).hover()
    expect(wrap.get_by_text("a comma is probably missing")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "policy-editor.png")


def test_the_editor_closes_brackets_indents_and_lets_the_keyboard_leave(
    live_server, live_exercises, page
):
    _open_exercise(page, live_server)
    _clear_editor(page)
    page.keyboard.type('{"Statement": [')
    assert _editor_text(page) == '{"Statement": []}'  # closed as typed
    page.keyboard.press("Enter")
    page.keyboard.type("{")
    page.keyboard.press("Enter")
    page.keyboard.type('"Effect')
    expect(page.locator("#id_policy")).to_have_value(
        '{"Statement": [\n  {\n    "Effect"\n  }\n]}'
    )

    # Tab indents inside the editor; Escape then Tab moves on, as the help says.
    expect(page.get_by_text("To leave the editor, press Esc, then Tab")).to_be_visible()
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    expect(page.locator("#id_policy")).to_have_value(re.compile(r'\n      "Effect"'))
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Your policy")).not_to_be_focused()
    expect(page.get_by_role("button", name="Check")).to_be_focused()


def test_the_editor_completes_from_the_engines_catalog(
    live_server, live_exercises, page
):
    _open_exercise(page, live_server)
    _clear_editor(page)
    page.keyboard.type('{"Statement": [{"Action": "s3:GetObj')
    expect(page.get_by_role("option", name="s3:GetObject", exact=True)).to_be_visible()
    page.wait_for_timeout(100)  # Enter accepts only once the list has shown 75 ms
    page.keyboard.press("Enter")
    expect(page.locator("#id_policy")).to_have_value(
        re.compile(r'"Action": "s3:GetObject"')
    )

    _clear_editor(page)
    page.keyboard.type('{"Statement": [{"Resource": "arn:aws:s3:::')
    option = page.get_by_role("option", name="arn:aws:s3:::${BucketName}/${ObjectName}")
    expect(option.first).to_be_visible()
    option.first.click()
    expect(page.locator("#id_policy")).to_have_value(
        re.compile(r'"arn:aws:s3:::BucketName/ObjectName"')
    )

    _clear_editor(page)
    page.keyboard.type('{"Statement": [{"Condition": {"IpAddress": {"aws:SourceI')
    expect(page.get_by_role("option", name="aws:SourceIp")).to_be_visible()
    page.wait_for_timeout(100)
    page.keyboard.press("Enter")
    expect(page.locator("#id_policy")).to_have_value(re.compile(r'"aws:SourceIp"'))


def test_format_pretty_prints_and_refuses_what_does_not_parse(
    live_server, live_exercises, page
):
    _open_exercise(page, live_server)
    one_line = " ".join(OWN_PASSWORD_REFERENCE.split())
    page.get_by_label("Your policy").fill(one_line)
    page.get_by_role("button", name="Format").click()
    expect(page.locator("#id_policy")).to_have_value(
        OWN_PASSWORD_REFERENCE.replace(
            '["iam:ChangePassword", "iam:GetUser"]',
            '[\n        "iam:ChangePassword",\n        "iam:GetUser"\n      ]',
        )
        + "\n"
    )

    page.get_by_label("Your policy").fill(SEED_BROKEN)
    page.get_by_role("button", name="Format").click()
    expect(page.get_by_role("status").filter(has_text="Not formatted")).to_contain_text(
        "not valid JSON yet"
    )
    expect(page.locator("#id_policy")).to_have_value(SEED_BROKEN)


def test_without_javascript_the_plain_form_still_works(
    live_server, live_exercises, browser
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        _sign_in(page, live_server)
        page.goto(live_server.url + "/exercises/own-password/")
        textarea = page.get_by_label("Your policy")
        expect(textarea).to_be_visible()
        expect(page.get_by_role("button", name="Format")).to_have_count(0)
        textarea.fill(TOO_BROAD)
        page.get_by_role("button", name="Check").click()
        expect(page.locator("#results")).to_contain_text("Too permissive")
        page.get_by_role("button", name="Show a hint (2 left)").click()
        expect(page.get_by_text("1. Look at line 7.")).to_be_visible()
    finally:
        context.close()


def test_a_check_that_fails_on_the_server_clears_the_old_result(
    live_server, live_exercises, page
):
    _open_exercise(page, live_server)
    page.get_by_label("Your policy").fill(TOO_BROAD)
    page.get_by_role("button", name="Check").click()
    results = page.locator("#results")
    expect(results).to_contain_text("Too permissive")
    page.route("**/check/", lambda route: route.fulfill(status=500, body="Oops"))
    page.get_by_label("Your policy").fill(OWN_PASSWORD_REFERENCE)
    page.get_by_role("button", name="Check").click()
    expect(results.get_by_role("alert")).to_contain_text("The check could not finish")
    expect(results).not_to_contain_text("Too permissive")
    assert _editor_text(page) == OWN_PASSWORD_REFERENCE
