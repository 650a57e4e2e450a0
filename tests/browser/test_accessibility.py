"""
Keyboard and phone use that axe cannot judge: what a person sees when they tab
through a page, check an answer, or explore the matrix on a phone (issue 15).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.sessions import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# The focused element's ring (outline, else the first box-shadow) and the colour
# it is drawn on: the nearest ancestor with a background.
FOCUS_RING = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  let bg = "rgb(255, 255, 255)";
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    const clear = /rgba\\(.*, 0\\)$/.test(colour) || colour === "transparent";
    if (!clear) { bg = colour; break; }
  }
  return {
    outline: style.outlineStyle === "none" ? null : style.outlineColor,
    outlineWidth: parseFloat(style.outlineWidth),
    boxShadow: style.boxShadow === "none" ? null : style.boxShadow,
    background: bg,
  };
}"""


def _rgba(text: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", text)[:4]]
    return (*numbers[:3], numbers[3] if len(numbers) == 4 else 1.0)


def _luminance(rgb) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(first, second) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def focus_ring_contrast(page) -> float:
    """Contrast between the focused element's ring and what it is drawn on; 1.0
    when there is no ring at all."""
    ring = page.evaluate(FOCUS_RING)
    background = _rgba(ring["background"])
    if ring["outline"] and ring["outlineWidth"] >= 1:
        colour = _rgba(ring["outline"])
    elif ring["boxShadow"]:
        colour = _rgba(re.search(r"rgba?\([^)]*\)", ring["boxShadow"]).group())
    else:
        return 1.0
    alpha = colour[3]  # a translucent ring shows the background through it
    blended = [
        alpha * c + (1 - alpha) * b
        for c, b in zip(colour[:3], background[:3], strict=True)
    ]
    return _contrast(blended, background)


def _active_name(page) -> str:
    return page.evaluate("() => document.activeElement.textContent.trim()")


def test_skip_link_is_visible_and_on_top_when_focused(live_server, live_content, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    box = skip.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 10
    # Nothing (such as the navbar) is drawn over it.
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('a')?.textContent",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top == "Skip to content"
    assert focus_ring_contrast(page) >= 3


def test_focus_rings_on_the_dark_navbar_contrast(live_server, live_content, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    assert _active_name(page) == "Shared Responsibility Trainer"
    assert focus_ring_contrast(page) >= 3
    page.keyboard.press("Tab")
    assert _active_name(page) == "Matrix"
    assert focus_ring_contrast(page) >= 3


@pytest.fixture
def trainee_on_basics(live_server, bank, alice, page):
    """Alice, signed in, on the first question of an immediate-feedback quiz."""
    from quizzes.models import Quiz
    from quizzes.services import attempt_start

    attempt = attempt_start(quiz=Quiz.objects.get(slug="basics"), user=alice)
    sign_in(page.context, live_server.url, alice)
    return attempt


def _question_url(live_server, attempt, position: int) -> str:
    return f"{live_server.url}/attempts/{attempt.pk}/questions/{position}/"


def _boxes(page, live_server, attempt, kind: str):
    """The radios (a single-choice question) or checkboxes (a multiple-choice
    one) of the attempt's question of that type, its page open."""
    from quizzes.models import Question

    question_type = "single" if kind == "radio" else "multiple"
    types = dict(Question.objects.values_list("pk", "type"))
    position = [types[pk] for pk in attempt.question_ids].index(question_type) + 1
    page.goto(_question_url(live_server, attempt, position))
    return page.locator(f"form input[type={kind}]")


@pytest.mark.parametrize("kind", ["radio", "checkbox"])
def test_focus_rings_on_radios_and_checkboxes_contrast(
    live_server, trainee_on_basics, page, kind
):
    first, second = _boxes(page, live_server, trainee_on_basics, kind).all()[:2]
    # Reached by keyboard, as :focus-visible requires.
    first.focus()
    page.keyboard.press("ArrowDown" if kind == "radio" else "Tab")
    expect(second).to_be_focused()
    assert focus_ring_contrast(page) >= 3


@pytest.mark.parametrize("kind", ["radio", "checkbox"])
def test_empty_radios_and_checkboxes_have_a_visible_edge(
    live_server, trainee_on_basics, page, kind
):
    box = _boxes(page, live_server, trainee_on_basics, kind).first
    expect(box).not_to_be_checked()
    edge = box.evaluate("el => getComputedStyle(el).borderTopColor")
    assert _contrast(_rgba(edge), _rgba("rgb(255, 255, 255)")) >= 3


def _answer_anything(page) -> None:
    for fieldset in page.locator("form fieldset").all():
        fieldset.locator("input").first.check()
    for field in page.locator("form input[type=text]").all():
        field.fill("Effect")


def test_after_check_answer_focus_is_on_the_feedback_and_next_is_near(
    live_server, trainee_on_basics, page
):
    page.goto(_question_url(live_server, trainee_on_basics, 1))
    _answer_anything(page)
    page.get_by_role("button", name="Check answer").click()
    feedback = page.locator("#feedback")
    expect(feedback).to_contain_text("Explanation.")
    expect(feedback).to_be_focused()
    expect(feedback).to_be_in_viewport()
    for _ in range(3):
        page.keyboard.press("Tab")
        if _active_name(page) == "Next question":
            break
    assert _active_name(page) == "Next question", "not reached in three Tab presses"
    assert focus_ring_contrast(page) >= 3


def test_without_javascript_tab_after_check_answer_reaches_next(
    browser, live_server, bank, alice
):
    from quizzes.models import Quiz
    from quizzes.services import attempt_start

    attempt = attempt_start(quiz=Quiz.objects.get(slug="basics"), user=alice)
    context = browser.new_context(java_script_enabled=False)
    sign_in(context, live_server.url, alice)
    page = context.new_page()
    page.goto(_question_url(live_server, attempt, 1))
    _answer_anything(page)
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#feedback")).to_contain_text("Explanation.")
    # The redirect's #feedback starts Tab navigation there.
    for _ in range(3):
        page.keyboard.press("Tab")
        if _active_name(page) == "Next question":
            break
    assert _active_name(page) == "Next question"
    context.close()


@pytest.fixture
def phone(browser):
    # Reduced motion turns off Bootstrap's smooth scrolling: the page is where a
    # test scrolled it at once.
    context = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors


def test_on_a_phone_matrix_row_labels_stay_while_scrolling_sideways(
    live_server, live_content, phone
):
    phone.goto(live_server.url + "/matrix/")
    # The table scrolls in its own box; the page itself neither scrolls sideways
    # nor is zoomed out to fit.
    widths = phone.evaluate("() => [innerWidth, document.documentElement.scrollWidth]")
    assert widths == [PHONE["width"], PHONE["width"]]
    scroller = phone.locator(".table-responsive")
    overflow = scroller.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow > 50, "the matrix fits a phone; nothing to scroll"
    scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    label = phone.get_by_role("rowheader", name=re.compile("^Guest operating system"))
    box = label.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    seen = phone.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('th')?.textContent",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert seen == label.text_content()
    ARTIFACTS.mkdir(exist_ok=True)
    scroller.evaluate("el => { el.scrollLeft = el.scrollWidth / 3; }")
    label.scroll_into_view_if_needed()
    phone.screenshot(path=ARTIFACTS / "matrix-phone.png")


def test_on_a_phone_a_tapped_cells_explanation_comes_into_view(
    live_server, live_content, phone
):
    phone.goto(live_server.url + "/matrix/")
    last_row = phone.get_by_role("row").last
    # The trainee has scrolled down to the table's last row.
    last_row.evaluate("el => el.scrollIntoView({block: 'end'})")
    cell = last_row.get_by_role("link").first
    expect(cell).to_be_in_viewport()
    cell.tap()
    panel = phone.locator("#duty-panel")
    expect(panel).to_contain_text("Owner:")
    expect(panel.get_by_role("heading")).to_be_in_viewport()
    expect(panel.get_by_text("Owner:")).to_be_in_viewport()
    expect(panel.locator(".card-text")).to_be_in_viewport()


def test_quiz_attempts_table_has_no_empty_column_header(
    live_server, trainee_on_basics, page
):
    page.goto(live_server.url + "/quizzes/basics/")
    headers = page.locator("table thead th")
    expect(headers).to_have_count(5)
    for header in headers.all():
        assert header.text_content().strip()
