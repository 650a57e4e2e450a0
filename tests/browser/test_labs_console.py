"""A trainee builds an auditors group in their practice account and asks the
simulator what a member may do (issue 16)."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.sessions import sign_in

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# docs/screenshots/practice-account.png is rewritten only when asked
# (UPDATE_SCREENSHOTS=1), so that a test run leaves the working tree clean.
SCREENSHOTS = ROOT / (
    "docs/screenshots" if os.environ.get("UPDATE_SCREENSHOTS") else "test-artifacts"
)


@pytest.fixture
def trainee(transactional_db, django_user_model):
    return django_user_model.objects.create_user("erin", password="x" * 12)


def test_group_policy_reaches_a_member_and_the_simulator_says_why(
    live_server, trainee, page
):
    sign_in(page.context, live_server.url, trainee)
    page.goto(live_server.url + "/labs/account/")
    expect(page.get_by_role("heading", name="My practice account")).to_be_visible()

    # A group, with an AWS managed policy found by searching its name.
    page.get_by_text("Create a group").click()
    page.get_by_label("Group name").fill("Auditors")
    page.get_by_role("button", name="Create the group").click()
    expect(page.get_by_role("heading", name="Group Auditors")).to_be_visible()
    page.get_by_role("link", name="Attach a policy").click()
    page.get_by_label("Search AWS managed policies").fill("AmazonS3ReadOnly")
    page.get_by_role("button", name="Search").click()
    row = page.get_by_role("listitem").filter(has_text="AmazonS3ReadOnlyAccess")
    row.get_by_role("button", name="Attach").click()
    expect(page.get_by_text("iam:AttachGroupPolicy Auditors")).to_be_visible()
    expect(
        page.get_by_role("link", name="AmazonS3ReadOnlyAccess", exact=True)
    ).to_be_visible()

    # A user, put in the group from the user's page.
    page.get_by_role("link", name="My practice account").click()
    page.get_by_text("Create a user").click()
    page.get_by_label("User name").fill("bob")
    page.get_by_role("button", name="Create the user").click()
    expect(page.get_by_role("heading", name="User bob")).to_be_visible()
    page.get_by_label("Group to join").select_option("Auditors")
    page.get_by_role("button", name="Add to the group").click()
    expect(page.get_by_role("link", name="Auditors")).to_be_visible()

    # Can bob read a report? Yes, through the group's policy, and it says so.
    page.get_by_label("Action").fill("s3:GetObject")
    page.get_by_label("Resource ARN").fill("arn:aws:s3:::reports/q1.csv")
    page.get_by_role("button", name="Ask").click()
    answer = page.locator("#simulator [role=status]")
    expect(answer).to_contain_text("Allowed")
    expect(answer).to_contain_text("AmazonS3ReadOnlyAccess")
    expect(answer).to_contain_text(re.compile(r"group Auditors, of which bob"))
    # The form keeps the question.
    expect(page.get_by_label("Action")).to_have_value("s3:GetObject")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "practice-account.png", full_page=True)

    # On a phone, the account page shows its lists one above the other.
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="My practice account").click()
    expect(page.get_by_role("link", name="bob")).to_be_visible()
    expect(page.get_by_role("link", name="See every finding")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "practice-account-phone.png", full_page=True)


def test_inline_policy_with_the_editor_refused_then_saved(live_server, trainee, page):
    """The exercises' policy editor on a console page: a malformed policy is
    refused with IAM's code and the text stays in the editor."""
    from labs.services import account_change, sandbox_for

    practice = sandbox_for(trainee)
    with account_change(practice, "test setup") as account:
        account.create_user("bob")
    sign_in(page.context, live_server.url, trainee)
    page.goto(f"{live_server.url}/labs/accounts/{practice.pk}/users/bob/")
    page.get_by_role("link", name="Add an inline policy").click()
    expect(page.get_by_role("button", name="Format")).to_be_visible()
    page.get_by_label("Policy name").fill("ReadReports")
    broken = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}'
    page.get_by_label("Policy document").fill(broken)
    page.get_by_role("button", name="Save the inline policy").click()
    expect(page.get_by_role("alert").first).to_contain_text("MalformedPolicyDocument")
    expect(
        page.get_by_role("link", name=re.compile(r"line 1, column")).first
    ).to_be_visible()
    expect(page.get_by_label("Policy name")).to_have_value("ReadReports")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "practice-account-refused.png", full_page=True)
    kept = page.locator("textarea[data-editor=policy]")
    expect(kept).to_have_value(re.compile(r"^\s*" + re.escape(broken) + r"\s*$"))

    fixed = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}'
    )
    page.get_by_label("Policy document").fill(fixed)
    page.get_by_role("button", name="Save the inline policy").click()
    expect(page.get_by_role("heading", name="User bob")).to_be_visible()
    expect(page.get_by_role("link", name="ReadReports")).to_be_visible()
    page.get_by_role("link", name="ReadReports").click()
    expect(page.get_by_role("button", name="Format")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "practice-account-inline.png", full_page=True)

    # The policy is attached to the user directly: the findings say so.
    page.goto(f"{live_server.url}/labs/accounts/{practice.pk}/findings/")
    expect(page.get_by_role("heading", name="The root user has no MFA")).to_be_visible()
    expect(page.get_by_text("bob has policies attached directly")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "practice-account-findings.png", full_page=True)


def _built(practice):
    """An account with one of everything the console shows."""
    from labs.services import account_change

    s3_read = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    read_reports = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}'
    )
    trust = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": '
        '{"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
    )
    with account_change(practice, "test setup") as account:
        account.create_group("Auditors")
        account.attach_policy("group", "Auditors", s3_read)
        account.create_user("bob")
        account.add_user_to_group("Auditors", "bob")
        account.create_access_key("bob")
        account.put_inline_policy("user", "bob", "ReadReports", read_reports)
        account.create_role("app", trust)
        account.put_permissions_boundary("role", "app", s3_read)
        account.create_policy("ReadReports", read_reports)
        account.create_resource("s3-bucket", "reports")


AXE_PAGES = [
    ("account", "", None),
    ("account-who-can", "?who-action=s3:GetObject&who-resource=*", None),
    ("findings", "findings/", None),
    ("user", "users/bob/", None),
    (
        "user-simulated",
        "users/bob/?action=s3:GetObject&resource=arn:aws:s3:::reports/q1.csv",
        None,
    ),
    ("user-simulator-errors", "users/bob/?action=x&resource=y", None),
    ("group", "groups/Auditors/", None),
    ("role", "roles/app/", None),
    ("attach", "users/bob/attach/?q=ReadOnly", None),
    ("policy", "policies/customer/ReadReports/", None),
    ("inline", "users/bob/inline-policies/ReadReports/", None),
    ("role-new", "new-role/", None),
    ("resource", "resources/s3-bucket/reports/", None),
    ("refused", "", "create_user"),
]


@pytest.mark.parametrize(
    ("path", "refuse"), [pytest.param(p, r, id=n) for n, p, r in AXE_PAGES]
)
def test_console_pages_have_no_axe_violations(live_server, trainee, page, path, refuse):
    from labs.services import sandbox_for
    from tests.browser.test_axe import AXE, OPTIONS, _drop_exempt

    practice = sandbox_for(trainee)
    _built(practice)
    sign_in(page.context, live_server.url, trainee)
    response = page.goto(f"{live_server.url}/labs/accounts/{practice.pk}/{path}")
    assert response.status < 500
    if refuse:  # a name IAM refuses: the form shows its error
        page.get_by_text("Create a user").click()
        page.get_by_label("User name").fill("BOB")
        page.get_by_role("button", name="Create the user").click()
        expect(page.get_by_text("EntityAlreadyExists")).to_be_visible()
    results = AXE.run(page, options=OPTIONS)
    _drop_exempt(page, results.response["violations"])
    assert results.violations_count == 0, results.generate_report()
