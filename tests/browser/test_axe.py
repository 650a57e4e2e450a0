"""
axe-core over every page type, as the people who see it: anonymous, a trainee,
an instructor and an administrator. Any violation fails the test.

axe-core's script comes bundled in the axe-playwright-python package (nothing
is fetched from a CDN) and is injected through Playwright, so the page's own
Content-Security-Policy stays as strict as in production.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.sessions import sign_in
from tests.exercises.conftest import OWN_PASSWORD_REFERENCE, _import_exercises

pytestmark = pytest.mark.browser

AXE = Axe()
# Every rule axe-core runs by default (WCAG 2.0-2.2 A and AA, and best practice),
# over the whole page; EXEMPT below lists the few nodes left to others, and why.
OPTIONS = {"resultTypes": ["violations"]}


@dataclass
class World:
    """What the pages under test are about, created afresh for each test."""

    quiz_attempt: object  # open, on the immediate-feedback quiz
    review_attempt: object  # submitted
    timed_attempt: object  # open, on the quiz with a time limit and feedback at the end
    workshop: object
    question: object
    questions: dict[str, str]  # question type -> its page in quiz_attempt


@pytest.fixture
def world(live_server, bank, load_once, alice, charlie, admin_user) -> World:
    from exercises.models import Exercise
    from quizzes.models import Question, Quiz
    from quizzes.services import answer_save, attempt_start, attempt_submit
    from workshops.services import membership_join, workshop_create, workshop_open

    load_once(_import_exercises)
    basics = Quiz.objects.get(slug="basics")
    review_attempt = attempt_submit(attempt=attempt_start(quiz=basics, user=alice))
    attempt = attempt_start(quiz=basics, user=alice)
    questions = Question.objects.in_bulk(attempt.question_ids)
    urls = {
        questions[pk].type: f"/attempts/{attempt.pk}/questions/{number}/"
        for number, pk in enumerate(attempt.question_ids, 1)
    }
    by_type = {question.type: question for question in questions.values()}
    # Answered, so their pages show the feedback: the single choice and the
    # policy question (the engine's explanation); the review shows the rest.
    answer_save(
        attempt=attempt,
        question=by_type["single"],
        response={"choice": by_type["single"].choices.first().pk},
    )
    answer_save(
        attempt=attempt, question=by_type["policy"], response={"effect": "Allow"}
    )
    workshop = workshop_create(
        title="Friday IAM workshop",
        created_by=charlie,
        contents=[basics, Exercise.objects.get(slug="own-password")],
    )
    workshop = workshop_open(workshop=workshop)
    membership_join(workshop=workshop, user=alice)
    timed = attempt_start(quiz=Quiz.objects.get(slug="timed"), user=alice)
    return World(attempt, review_attempt, timed, workshop, by_type["policy"], urls)


def _check_policy(text: str | None, expected: str) -> Callable:
    def act(page) -> None:
        if text is not None:
            page.get_by_label("Your policy").fill(text)
        page.get_by_role("button", name="Check", exact=True).click()
        expect(page.locator("#results")).to_contain_text(expected)

    return act


def _open_matrix_cell(page) -> None:
    page.get_by_role("row", name="Backups").get_by_role("link").first.click()
    expect(page.locator("#duty-panel")).to_contain_text("Owner:")


def _submit_empty(button: str) -> Callable:
    def act(page) -> None:
        page.get_by_role("button", name=button).click()
        expect(page.locator(".invalid-feedback, .errorlist").first).to_be_visible()

    return act


def _sign_up_mismatch(page) -> None:
    page.get_by_label("Username").fill("erin")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill("correct horse battery")
    page.get_by_label("Password confirmation").fill("another horse battery")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()


TOO_BROAD = OWN_PASSWORD_REFERENCE.replace(
    '"arn:aws:iam::123456789012:user/${aws:username}"', '"*"'
)

# (name, role, path with {w.…} fields from World, what a person does first)
PAGES: list[tuple[str, str, str, Callable | None]] = [
    ("home", "anonymous", "/", None),
    ("home", "trainee", "/", None),
    ("home", "instructor", "/", None),
    ("home", "admin", "/", None),
    ("matrix", "anonymous", "/matrix/", None),
    ("matrix-cell-open", "anonymous", "/matrix/", _open_matrix_cell),
    ("duty", "anonymous", "/matrix/infrastructure/guest-os/", None),
    ("category", "anonymous", "/categories/container/", None),
    ("services", "anonymous", "/services/?q=RDS", None),
    ("service", "anonymous", "/services/rds/", None),
    ("compare", "anonymous", "/compare/?first=rds&second=ec2", None),
    ("guides", "anonymous", "/guides/", None),
    ("guide", "anonymous", "/guides/iam-groups/", None),
    ("not-found", "anonymous", "/no-such-page/", None),
    ("login", "anonymous", "/accounts/login/", None),
    ("login-errors", "anonymous", "/accounts/login/", _submit_empty("Log in")),
    ("sign-up", "anonymous", "/accounts/sign-up/", None),
    ("sign-up-errors", "anonymous", "/accounts/sign-up/", _sign_up_mismatch),
    ("join", "anonymous", "/join", None),
    ("password-reset", "anonymous", "/accounts/password/reset/", None),
    ("password-reset-sent", "anonymous", "/accounts/password/reset/sent/", None),
    ("sign-up-next", "anonymous", "/accounts/sign-up/?next=/quizzes/basics/", None),
    ("password-change", "trainee", "/accounts/password/", None),
    ("password-changed", "trainee", "/accounts/password/done/", None),
    ("quizzes", "trainee", "/quizzes/", None),
    ("quiz", "trainee", "/quizzes/basics/", None),
    ("question-multiple", "trainee", "{w.questions[multiple]}", None),
    ("question-true-false", "trainee", "{w.questions[true_false]}", None),
    ("question-short", "trainee", "{w.questions[short]}", None),
    ("question-numerical", "trainee", "{w.questions[numerical]}", None),
    ("question-sort", "trainee", "{w.questions[sort]}", None),
    ("question-timed", "trainee", "/attempts/{w.timed_attempt.pk}/", None),
    ("feedback-single", "trainee", "{w.questions[single]}", None),
    ("feedback-policy", "trainee", "{w.questions[policy]}", None),
    ("quiz-summary", "trainee", "/attempts/{w.quiz_attempt.pk}/summary/", None),
    ("review", "trainee", "/attempts/{w.review_attempt.pk}/review/", None),
    (
        "review-only-wrong",
        "trainee",
        "/attempts/{w.review_attempt.pk}/review/?only=wrong",
        None,
    ),
    ("progress", "trainee", "/progress/", None),
    ("exercises", "trainee", "/exercises/", None),
    ("exercise-editor", "trainee", "/exercises/own-password/", None),
    (
        "exercise-checked-invalid",
        "trainee",
        "/exercises/own-password/",
        _check_policy(None, "not valid yet"),
    ),
    (
        "exercise-checked-counterexample",
        "trainee",
        "/exercises/own-password/",
        _check_policy(TOO_BROAD, "Too permissive"),
    ),
    ("exercise-predict", "trainee", "/exercises/predict-s3/", None),
    ("agenda", "trainee", "/workshops/{w.workshop.pk}/", None),
    ("workshops", "instructor", "/workshops/", None),
    ("workshops", "admin", "/workshops/", None),
    ("workshop-new", "instructor", "/workshops/new/", None),
    ("workshop-edit", "instructor", "/workshops/{w.workshop.pk}/edit/", None),
    ("dashboard", "instructor", "/workshops/{w.workshop.pk}/dashboard/", None),
    ("projector", "instructor", "/workshops/{w.workshop.pk}/projector/", None),
    ("summary", "instructor", "/workshops/{w.workshop.pk}/summary/", None),
    (
        "workshop-close-confirm",
        "instructor",
        "/workshops/{w.workshop.pk}/close/confirm/",
        None,
    ),
    ("admin-index", "admin", "/admin/", None),
    ("admin-questions", "admin", "/admin/quizzes/question/", None),
    ("admin-question-add", "admin", "/admin/quizzes/question/add/", None),
    (
        "admin-question-change",
        "admin",
        "/admin/quizzes/question/{w.question.pk}/change/",
        None,
    ),
    (
        "admin-question-preview",
        "admin",
        "/admin/quizzes/question/{w.question.pk}/preview/",
        None,
    ),
    ("admin-attempts", "admin", "/admin/quizzes/attempt/", None),
    ("admin-question-import", "admin", "/admin/quizzes/question/import/", None),
    (
        "admin-questions-needing-explanation",
        "admin",
        "/admin/quizzes/question/?explanation=missing",
        None,
    ),
    (
        "admin-lti-registration-add",
        "admin",
        "/admin/lti_tool/ltiregistration/add/",
        None,
    ),
    ("admin-score-sends", "admin", "/admin/lti/scoresend/", None),
    ("lti-config", "anonymous", "/lti/", None),
    ("lti-refused", "anonymous", "/lti/login/", None),
    ("admin-index", "instructor", "/admin/", None),
    ("admin-question-add", "instructor", "/admin/quizzes/question/add/", None),
]


@pytest.mark.parametrize(
    ("role", "path", "act"),
    [
        pytest.param(role, path, act, id=f"{name}-{role}")
        for name, role, path, act in PAGES
    ],
)
def test_page_has_no_axe_violations(
    live_server, world, page, alice, charlie, admin_user, role, path, act
):
    user = {"trainee": alice, "instructor": charlie, "admin": admin_user}.get(role)
    if user:
        sign_in(page.context, live_server.url, user)
    response = page.goto(live_server.url + path.format(w=world))
    assert response.status < 500
    if act:
        act(page)
    results = AXE.run(page, options=OPTIONS)
    _drop_exempt(page, results.response["violations"])
    assert results.violations_count == 0, results.generate_report()


@dataclass(frozen=True)
class Exemption:
    """One rule, on elements inside `within`, left to someone else, and why."""

    rule: str
    within: str
    why: str


EXEMPT = [
    # Django admin's own markup, which a project cannot change without copying
    # its templates and JavaScript:
    Exemption(
        "aria-prohibited-attr",
        ".selector .help-tooltip",
        "filter_horizontal's search icon: an aria-label on a bare <span>, built by"
        " Django's SelectFilter2.js",
    ),
    Exemption(
        "empty-table-header",
        ".inline-group .tabular th.original",
        "the tabular inline's first column header, empty in Django's tabular.html",
    ),
    Exemption(
        "label",
        ".inline-group .tabular td",
        "tabular inline fields are labelled by their column header, which axe does"
        " not count (Django's tabular.html)",
    ),
    Exemption(
        "label-title-only",
        ".inline-group .tabular td",
        "the same tabular inline fields, those that carry help text",
    ),
]


def _drop_exempt(page, violations: list[dict]) -> None:
    """Remove, in place, the nodes that an exemption covers, then the rules left
    with no node."""
    for violation in violations:
        exemptions = [e.within for e in EXEMPT if e.rule == violation["id"]]
        if exemptions:
            violation["nodes"] = [
                node
                for node in violation["nodes"]
                if not page.evaluate(
                    "([target, selectors]) => selectors.some("
                    "s => document.querySelector(target)?.closest(s))",
                    [node["target"][-1], exemptions],
                )
            ]
    violations[:] = [v for v in violations if v["nodes"]]
