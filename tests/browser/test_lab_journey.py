"""A lab in the browser, end to end (issue 16): a trainee opens a lab, reveals a
hint, opens the lab's account, checks it unsolved, then in the console creates
the group, attaches a policy found by searching and puts the user in it, checks
again and sees the lab solved; then starts over. The pages have no axe
violations."""

import pytest
from playwright.sync_api import expect

from tests.browser.sessions import sign_in
from tests.browser.test_axe import AXE, OPTIONS, _drop_exempt
from tests.labs.lab_fixtures import topics

__all__ = ["topics"]  # fixtures

pytestmark = pytest.mark.browser

GROUP_LAB = {
    "slug": "auditors-group",
    "title": "A group for the auditors",
    "summary": "Read-only for auditors, through a group.",
    "difficulty": 1,
    "order": 1,
    "topics": ["iam-groups"],
    "source": "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html",
    "brief": "Create group **Auditors** that may read S3, and put dana in it.",
    "setup": [{"create_user": {"name": "dana"}}],
    "goals": [
        {"in_group": {"user": "dana", "group": "Auditors"}},
        {
            "can": {
                "principal": "user/dana",
                "action": "s3:GetObject",
                "resource": "arn:aws:s3:::reports/*",
            }
        },
        {"cannot": {"principal": "user/dana", "action": "s3:PutObject"}},
    ],
    "solution": [
        {"create_group": {"name": "Auditors"}},
        {
            "attach_policy": {
                "kind": "group",
                "name": "Auditors",
                "arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
            }
        },
        {"add_user_to_group": {"group_name": "Auditors", "user_name": "dana"}},
    ],
    "hints": ["Look for a managed policy that only reads S3.", "Then the group."],
}


@pytest.fixture
def group_lab(topics):
    from labs.interchange import check_labs, labs_import
    from labs.models import Lab

    labs_import(document=check_labs({"labs": [GROUP_LAB]}))
    return Lab.objects.get(slug="auditors-group")


def _no_axe_violations(page) -> None:
    results = AXE.run(page, options=OPTIONS)
    _drop_exempt(page, results.response["violations"])
    assert results.violations_count == 0, results.generate_report()


def test_a_trainee_solves_a_lab_in_the_console(live_server, page, alice, group_lab):
    sign_in(page.context, live_server.url, alice)
    page.goto(live_server.url + "/labs/")
    _no_axe_violations(page)
    row = page.get_by_role("row", name="A group for the auditors")
    expect(row).to_contain_text("Not started")
    page.get_by_role("link", name="A group for the auditors").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A group for the auditors"
    )
    page.get_by_role("link", name="Show a hint (2 left)").click()
    expect(
        page.get_by_text("Look for a managed policy that only reads S3.")
    ).to_be_visible()

    # Opening the lab's account lands in the console, on the account's page.
    page.get_by_role("button", name="Open the lab's account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Lab account: A group for the auditors"
    )
    page.get_by_role("link", name="Back to the lab: A group for the auditors").click()
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("1 of 3 goals met.")).to_be_visible()
    expect(page.get_by_text("Counterexample request")).to_be_visible()
    _no_axe_violations(page)

    # The fix, made in the console as a trainee would.
    page.get_by_role("link", name="Open the lab's account").click()
    page.get_by_text("Create a group").click()
    page.get_by_label("Group name").fill("Auditors")
    page.get_by_role("button", name="Create the group").click()
    expect(page.get_by_role("heading", name="Group Auditors")).to_be_visible()
    page.get_by_role("link", name="Attach a policy").click()
    page.get_by_label("Search AWS managed policies").fill("AmazonS3ReadOnly")
    page.get_by_role("button", name="Search").click()
    found = page.get_by_role("listitem").filter(has_text="AmazonS3ReadOnlyAccess")
    found.get_by_role("button", name="Attach").click()
    expect(page.get_by_text("iam:AttachGroupPolicy Auditors")).to_be_visible()
    page.get_by_role("link", name="Lab account: A group for the auditors").click()
    page.get_by_role("link", name="dana", exact=True).click()
    page.get_by_label("Group to join").select_option("Auditors")
    page.get_by_role("button", name="Add to the group").click()
    expect(page.get_by_role("link", name="Auditors", exact=True)).to_be_visible()

    # Back to the lab: checked, solved.
    page.goto(live_server.url + group_lab.get_absolute_url())
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("Every goal is met: lab solved.")).to_be_visible()
    expect(page.get_by_text("3 of 3 goals met.")).to_be_visible()

    page.get_by_role("link", name="Start over…").click()
    _no_axe_violations(page)
    page.get_by_role("button", name="Start over").click()
    expect(
        page.get_by_text("Your account for this lab is as it started.")
    ).to_be_visible()
    page.goto(live_server.url + "/labs/")
    expect(row).to_contain_text("Solved")
