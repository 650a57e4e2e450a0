"""A lab in the browser: the pages have no axe violations, and a trainee opens
the lab's account, reveals a hint, checks a wrong account, fixes it and checks
again to see the lab solved. The console's pages belong to the console's tests;
here the fix is made the way the console makes it, through account_change."""

import pytest
from playwright.sync_api import expect

from labs.models import PracticeAccount
from labs.services import account_change
from tests.browser.sessions import sign_in
from tests.browser.test_axe import AXE, OPTIONS, _drop_exempt
from tests.labs.lab_fixtures import group_lab, topics

__all__ = ["group_lab", "topics"]  # fixtures

pytestmark = pytest.mark.browser

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def _no_axe_violations(page) -> None:
    results = AXE.run(page, options=OPTIONS)
    _drop_exempt(page, results.response["violations"])
    assert results.violations_count == 0, results.generate_report()


def test_a_trainee_solves_a_lab_and_the_pages_pass_axe(
    live_server, page, alice, group_lab
):
    sign_in(page.context, live_server.url, alice)
    page.goto(live_server.url + "/labs/")
    _no_axe_violations(page)
    expect(page.get_by_role("row", name="Auditors read")).to_contain_text("Not started")
    page.get_by_role("link", name="Auditors read").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Auditors read")
    page.get_by_role("link", name="Show a hint (2 left)").click()
    expect(
        page.get_by_text("Look for a managed policy that only reads.")
    ).to_be_visible()
    page.get_by_role("button", name="Open the lab's account").click()
    expect(page.get_by_role("button", name="Check")).to_be_visible()

    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("1 of 2 goals met.")).to_be_visible()
    expect(page.get_by_text("Counterexample request")).to_be_visible()
    _no_axe_violations(page)

    practice = PracticeAccount.objects.get(user=alice, lab=group_lab)
    with account_change(practice, "AttachGroupPolicy") as account:
        account.attach_policy("group", "Auditors", READ_ONLY)
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("Every goal is met: lab solved.")).to_be_visible()
    expect(page.get_by_text("2 of 2 goals met.")).to_be_visible()

    page.get_by_role("link", name="Start over…").click()
    _no_axe_violations(page)
    page.get_by_role("button", name="Start over").click()
    expect(
        page.get_by_text("Your account for this lab is as it started.")
    ).to_be_visible()
    page.goto(live_server.url + "/labs/")
    expect(page.get_by_role("row", name="Auditors read")).to_contain_text("Solved")
