"""The practice account console: who may see and change an account, and every
IAM call it makes, refused as IAM refuses it without losing what was typed."""

import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from iam.account import Account
from iam.account.details import account_from_details
from iam.account.state import account_to_state
from labs.models import PracticeAccount
from labs.services import account_load
from tests.labs.conftest import change

pytestmark = pytest.mark.django_db

S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
READ_REPORTS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::reports/*",
            }
        ],
    }
)
TRUST_EC2 = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@pytest.fixture(autouse=True)
def _no_cached_findings():
    cache.clear()
    yield
    cache.clear()


def url(name, practice, *args):
    return reverse(f"labs:{name}", args=[practice.pk, *args])


def post(client, address, op, **data):
    return client.post(address, {"op": op, **data})


def state(practice):
    practice.refresh_from_db()
    return account_load(practice)


# --- access -----------------------------------------------------------------------


def _pages(practice):
    change(
        practice,
        ("create_user", "bob"),
        ("create_group", "Auditors"),
        ("create_role", "app", TRUST_EC2),
        ("create_policy", "ReadReports", READ_REPORTS),
        ("create_resource", "s3-bucket", "reports"),
    )
    policy_ref = "customer/ReadReports"
    return [
        url("account", practice),
        url("findings", practice),
        url("user", practice, "bob"),
        url("group", practice, "Auditors"),
        url("role", practice, "app"),
        url("role_trust", practice, "app"),
        url("role_new", practice),
        url("policy_new", practice),
        url("policy", practice, policy_ref),
        url("policy", practice, "aws/AmazonS3ReadOnlyAccess"),
        url("policy_version_new", practice, policy_ref),
        url("resource", practice, "s3-bucket", "reports"),
        url("user_attach", practice, "bob"),
        url("group_attach", practice, "Auditors"),
        url("user_inline_new", practice, "bob"),
        url("sandbox_reset", practice),
    ]


def test_the_owner_sees_every_page(client, alice, sandbox):
    client.force_login(alice)
    for address in _pages(sandbox):
        assert client.get(address).status_code == 200, address


def test_another_trainee_gets_404_everywhere(client, bob, sandbox):
    client.force_login(bob)
    for address in _pages(sandbox):
        assert client.get(address).status_code == 404, address
        if not address.endswith("/findings/"):  # a GET-only page
            assert post(client, address, "create_user", name="x").status_code == 404
    assert "x" not in state(sandbox).users


def test_anonymous_visitors_are_sent_to_sign_in(client, sandbox):
    for address in [reverse("labs:sandbox"), *_pages(sandbox)]:
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    post(client, url("account", sandbox), "create_user", name="x")
    assert "x" not in state(sandbox).users


def test_staff_viewer_reads_but_cannot_change(client, viewer, sandbox):
    client.force_login(viewer)
    pages = _pages(sandbox)
    for address in pages:
        if address.endswith(("/reset/", "/new-role/", "/new-policy/", "/new/")) or (
            address.endswith("/new-inline-policy/")
        ):
            assert client.get(address).status_code == 403, address
            continue
        response = client.get(address)
        assert response.status_code == 200, address
        html = response.content.decode()
        assert "View only" in html
        assert 'method="post"' not in html.split("</header>", 1)[1], address
    for address in pages:
        if not address.endswith("/findings/"):  # a GET-only page
            response = post(client, address, "create_user", name="x")
            assert response.status_code == 403, address
    assert "x" not in state(sandbox).users


def test_staff_without_the_permission_gets_404(client, django_user_model, sandbox):
    staff = django_user_model.objects.create_user("sam", is_staff=True)
    client.force_login(staff)
    assert client.get(url("account", sandbox)).status_code == 404


def test_an_instructor_views_a_trainees_account_read_only(client, charlie, sandbox):
    # Instructors have labs.view_practiceaccount (workshops migration 0007).
    client.force_login(charlie)
    html = client.get(url("account", sandbox)).content.decode()
    assert "View only" in html
    assert post(
        client, url("account", sandbox), "create_user", name="x"
    ).status_code == (403)
    assert "x" not in state(sandbox).users


def test_my_practice_account_opens_the_sandbox(client, alice):
    client.force_login(alice)
    response = client.get(reverse("labs:sandbox"))
    practice = PracticeAccount.objects.get(user=alice, lab=None)
    assert response["Location"] == url("account", practice)
    assert client.get(reverse("labs:sandbox"))["Location"] == response["Location"]
    assert PracticeAccount.objects.filter(user=alice).count() == 1


# --- the account page --------------------------------------------------------------


def test_account_page_shows_root_lists_findings_and_history(client, alice, sandbox):
    change(sandbox, ("create_user", "bob"), ("create_root_access_key",))
    client.force_login(alice)
    post(client, url("account", sandbox), "create_group", name="Auditors")
    html = client.get(url("account", sandbox)).content.decode()
    account = state(sandbox)
    assert account.id in html
    assert account.root.email in html
    assert account.root.access_keys[0].id in html
    assert "✘ off" in html  # root MFA
    assert url("user", sandbox, "bob") in html
    assert url("group", sandbox, "Auditors") in html
    assert url("findings", sandbox) in html
    assert "Reset the account" in html
    newest = html.index("iam:CreateGroup Auditors")
    assert newest < html.index("test setup")


def test_a_labs_account_links_back_to_its_lab_and_has_no_reset(
    client, alice, monkeypatch
):
    from labs.models import Lab

    monkeypatch.setattr(Lab, "get_absolute_url", lambda lab: f"/labs/{lab.slug}/")
    lab = Lab.objects.create(
        slug="lock-root", title="Lock down root", summary="s", brief="b"
    )
    practice = PracticeAccount.objects.create(
        user=alice, lab=lab, state=account_to_state(Account("111122223333"))
    )
    client.force_login(alice)
    html = client.get(url("account", practice)).content.decode()
    assert 'href="/labs/lock-root/"' in html
    assert "Reset the account" not in html
    assert client.get(url("sandbox_reset", practice)).status_code == 404


def test_reset_asks_first_then_empties_the_sandbox(client, alice, sandbox):
    change(sandbox, ("create_user", "bob"))
    client.force_login(alice)
    assert "Yes, reset" in client.get(url("sandbox_reset", sandbox)).content.decode()
    assert "bob" in state(sandbox).users
    client.post(url("sandbox_reset", sandbox))
    account = state(sandbox)
    assert not account.users
    assert "Reset the account" in sandbox.history[-1]["call"]


def test_root_mfa_and_root_access_keys(client, alice, sandbox):
    client.force_login(alice)
    address = url("account", sandbox)
    post(client, address, "root_mfa", enabled="on")
    assert state(sandbox).root.mfa
    response = post(client, address, "root_key_create")
    key = state(sandbox).root.access_keys[0]
    secret = response.context["done"].secret[1]
    assert key.id in response.content.decode()
    assert secret in response.content.decode()
    assert secret not in json.dumps(sandbox.state)
    assert secret not in client.get(address).content.decode()
    post(client, address, "root_key_delete", key_id=key.id)
    assert not state(sandbox).root.access_keys


# --- users, groups, keys ------------------------------------------------------------


def test_create_user_and_group_then_membership(client, alice, sandbox):
    client.force_login(alice)
    response = post(client, url("account", sandbox), "create_user", name="bob")
    assert response["Location"] == url("user", sandbox, "bob")
    response = post(client, url("account", sandbox), "create_group", name="Auditors")
    assert response["Location"] == url("group", sandbox, "Auditors")
    post(client, url("user", sandbox, "bob"), "add_to_group", name="Auditors")
    assert state(sandbox).users["bob"].groups == ["Auditors"]
    post(client, url("group", sandbox, "Auditors"), "remove_member", name="bob")
    assert state(sandbox).users["bob"].groups == []
    post(client, url("group", sandbox, "Auditors"), "add_member", name="bob")
    post(client, url("user", sandbox, "bob"), "remove_from_group", name="Auditors")
    assert state(sandbox).users["bob"].groups == []


def test_refusal_shows_iams_code_and_keeps_the_input(client, alice, sandbox):
    change(sandbox, ("create_user", "bob"))
    client.force_login(alice)
    response = post(
        client, url("account", sandbox), "create_user", name="BOB", path="/team/"
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "EntityAlreadyExists" in html
    assert 'value="BOB"' in html
    assert 'value="/team/"' in html
    response = post(client, url("account", sandbox), "create_user", name="no spaces")
    assert "ValidationError" in response.content.decode()
    assert 'value="no spaces"' in response.content.decode()


def test_a_user_with_a_key_cannot_be_deleted(client, alice, sandbox):
    change(sandbox, ("create_user", "bob"), ("create_access_key", "bob"))
    client.force_login(alice)
    response = post(client, url("user", sandbox, "bob"), "delete")
    assert response.status_code == 422
    assert "DeleteConflict" in response.content.decode()
    assert "must delete access keys first" in response.content.decode()
    key = state(sandbox).users["bob"].access_keys[0]
    post(client, url("user", sandbox, "bob"), "key_delete", key_id=key.id)
    response = post(client, url("user", sandbox, "bob"), "delete")
    assert response["Location"] == url("account", sandbox)
    assert "bob" not in state(sandbox).users


def test_secret_is_shown_once_and_never_stored(client, alice, sandbox):
    change(sandbox, ("create_user", "bob"))
    client.force_login(alice)
    response = post(client, url("user", sandbox, "bob"), "key_create")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = response.context["done"].secret[1]
    assert len(secret) == 40
    html = response.content.decode()
    assert secret in html
    assert "made up" in html
    sandbox.refresh_from_db()
    assert secret not in json.dumps(sandbox.state)
    assert secret not in json.dumps(sandbox.history)
    assert secret not in client.get(url("user", sandbox, "bob")).content.decode()


def test_access_key_status_and_limit(client, alice, sandbox):
    change(sandbox, ("create_user", "bob"))
    client.force_login(alice)
    address = url("user", sandbox, "bob")
    post(client, address, "key_create")
    post(client, address, "key_create")
    response = post(client, address, "key_create")
    assert "LimitExceeded" in response.content.decode()
    key = state(sandbox).users["bob"].access_keys[0]
    post(client, address, "key_status", key_id=key.id, status="Inactive")
    assert state(sandbox).users["bob"].access_keys[0].status == "Inactive"
    post(client, address, "key_status", key_id=key.id, status="Active")
    assert state(sandbox).users["bob"].access_keys[0].active


def test_console_password_and_mfa_on_and_off(client, alice, sandbox):
    change(sandbox, ("create_user", "bob"))
    client.force_login(alice)
    address = url("user", sandbox, "bob")
    post(client, address, "login_profile", enabled="on")
    post(client, address, "mfa", enabled="on")
    bob = state(sandbox).users["bob"]
    assert bob.password and bob.mfa
    post(client, address, "login_profile", enabled="off")
    post(client, address, "mfa", enabled="off")
    bob = state(sandbox).users["bob"]
    assert not bob.password and not bob.mfa


# --- policies -----------------------------------------------------------------------


def test_attach_picker_searches_and_attaches_aws_managed(client, alice, sandbox):
    change(sandbox, ("create_group", "Auditors"))
    client.force_login(alice)
    address = url("group_attach", sandbox, "Auditors")
    html = client.get(address, {"q": "s3readonly"}).content.decode()
    assert "AmazonS3ReadOnlyAccess" in html
    response = post(client, address, "attach", arn="AmazonS3ReadOnlyAccess")
    assert response["Location"] == url("group", sandbox, "Auditors")
    assert state(sandbox).groups["Auditors"].managed == [S3_READ]
    html = client.get(url("group", sandbox, "Auditors")).content.decode()
    assert url("policy", sandbox, "aws/AmazonS3ReadOnlyAccess") in html
    post(client, url("group", sandbox, "Auditors"), "detach", arn=S3_READ)
    assert state(sandbox).groups["Auditors"].managed == []


def test_attaching_an_unknown_policy_is_refused_with_the_name_kept(
    client, alice, sandbox
):
    change(sandbox, ("create_user", "bob"))
    client.force_login(alice)
    response = post(
        client, url("user_attach", sandbox, "bob"), "attach", arn="NoSuchPolicyXyz"
    )
    html = response.content.decode()
    assert "NoSuchEntity" in html
    assert 'value="NoSuchPolicyXyz"' in html


def test_customer_managed_policy_versions(client, alice, sandbox):
    change(sandbox, ("create_user", "bob"))
    client.force_login(alice)
    response = client.post(
        url("policy_new", sandbox),
        {"op": "create_policy", "name": "ReadReports", "document": READ_REPORTS},
    )
    page = url("policy", sandbox, "customer/ReadReports")
    assert response["Location"] == page
    arn = f"arn:aws:iam::{state(sandbox).id}:policy/ReadReports"
    client.post(
        url("policy_version_new", sandbox, "customer/ReadReports"),
        {"op": "version_create", "document": READ_REPORTS, "set_as_default": "on"},
    )
    assert state(sandbox).policies[arn].default_version == "v2"
    post(client, page, "version_default", version="v1")
    assert state(sandbox).policies[arn].default_version == "v1"
    response = post(client, page, "version_delete", version="v1")
    assert "DeleteConflict" in response.content.decode()
    post(client, page, "version_delete", version="v2")
    assert list(state(sandbox).policies[arn].versions) == ["v1"]
    post(client, url("user_attach", sandbox, "bob"), "attach", arn="ReadReports")
    response = post(client, page, "policy_delete")
    assert "DeleteConflict" in response.content.decode()
    post(client, url("user", sandbox, "bob"), "detach", arn=arn)
    assert post(client, page, "policy_delete")["Location"] == url("account", sandbox)
    assert arn not in state(sandbox).policies


def test_a_malformed_policy_keeps_the_typed_text(client, alice, sandbox):
    client.force_login(alice)
    typed = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow"'
    response = client.post(
        url("policy_new", sandbox),
        {"op": "create_policy", "name": "Broken", "document": typed},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "MalformedPolicyDocument" in html
    assert "Statement&quot;: [{&quot;Effect&quot;: &quot;Allow&quot;" in html
    # Each problem is pinned to its line, for the editor to mark.
    assert 'data-diagnostic data-line="1"' in html
    assert 'href="#id_create_policy_document"' in html
    assert not any(not p.aws_managed for p in state(sandbox).policies.values())


def test_inline_policies_and_boundary(client, alice, sandbox):
    change(sandbox, ("create_user", "bob"))
    client.force_login(alice)
    response = client.post(
        url("user_inline_new", sandbox, "bob"),
        {"op": "inline_put", "policy_name": "Reports", "document": READ_REPORTS},
    )
    assert response["Location"] == url("user", sandbox, "bob")
    assert "Reports" in state(sandbox).users["bob"].inline
    edit = url("user_inline", sandbox, "bob", "Reports")
    assert "reports/*" in client.get(edit).content.decode()
    post(client, url("user", sandbox, "bob"), "inline_delete", policy_name="Reports")
    assert not state(sandbox).users["bob"].inline
    post(client, url("user_attach", sandbox, "bob"), "boundary", arn=S3_READ)
    assert state(sandbox).users["bob"].boundary == S3_READ
    post(client, url("user", sandbox, "bob"), "boundary_delete")
    assert state(sandbox).users["bob"].boundary is None


# --- roles and resources ------------------------------------------------------------


def test_roles_trust_profiles_and_session(client, alice, sandbox):
    client.force_login(alice)
    response = client.post(
        url("role_new", sandbox),
        {
            "op": "create_role",
            "name": "app",
            "path": "/",
            "max_session_duration": "3600",
            "trust": TRUST_EC2,
        },
    )
    assert response["Location"] == url("role", sandbox, "app")
    address = url("role", sandbox, "app")
    post(client, address, "update_role", max_session_duration="7200")
    response = post(client, address, "update_role", max_session_duration="60")
    assert "ValidationError" in response.content.decode()
    assert 'value="60"' in response.content.decode()
    post(client, address, "profile_add", profile="app-profile")
    app = state(sandbox).roles["app"]
    assert app.max_session_duration == 7200
    assert app.instance_profiles == ["app-profile"]
    response = post(client, address, "delete")
    assert "DeleteConflict" in response.content.decode()
    trust = TRUST_EC2.replace("ec2", "lambda")
    client.post(url("role_trust", sandbox, "app"), {"op": "trust", "trust": trust})
    assert "lambda" in state(sandbox).roles["app"].trust
    post(client, address, "profile_remove", profile="app-profile")
    post(client, address, "delete")
    assert "app" not in state(sandbox).roles


def test_a_group_cannot_be_named_as_a_principal(client, alice, sandbox):
    change(
        sandbox,
        ("create_group", "Auditors"),
        ("create_resource", "s3-bucket", "reports"),
    )
    client.force_login(alice)
    group_arn = f"arn:aws:iam::{state(sandbox).id}:group/Auditors"
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": group_arn},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::reports/*",
                }
            ],
        }
    )
    address = url("resource", sandbox, "s3-bucket", "reports")
    response = post(client, address, "resource_policy", document=document)
    html = response.content.decode()
    assert "MalformedPolicy" in html
    assert "A group is not a principal" in html
    assert "group/Auditors" in html  # the text is kept in the editor


def test_resources_and_their_policies(client, alice, sandbox):
    client.force_login(alice)
    response = post(
        client,
        url("account", sandbox),
        "create_resource",
        kind="s3-bucket",
        name="reports",
    )
    address = url("resource", sandbox, "s3-bucket", "reports")
    assert response["Location"] == address
    account_id = state(sandbox).id
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::reports/*",
                }
            ],
        }
    )
    post(client, address, "resource_policy", document=document)
    assert state(sandbox).resources["arn:aws:s3:::reports"].policy_text == document
    post(client, address, "resource_policy_delete")
    assert state(sandbox).resources["arn:aws:s3:::reports"].policy_text is None


# --- missing and stale ---------------------------------------------------------------


def test_unknown_names_are_404(client, alice, sandbox):
    client.force_login(alice)
    for address in [
        url("user", sandbox, "nobody"),
        url("group", sandbox, "nobody"),
        url("role", sandbox, "nobody"),
        url("policy", sandbox, "customer/Nothing"),
        url("policy", sandbox, "aws/NotAnAwsPolicy"),
        url("policy", sandbox, "elsewhere/x"),
        url("resource", sandbox, "s3-bucket", "nothing"),
        url("user_attach", sandbox, "nobody"),
        url("role_trust", sandbox, "nobody"),
        url("policy_version_new", sandbox, "aws/AmazonS3ReadOnlyAccess"),
    ]:
        assert client.get(address).status_code == 404, address


def test_a_stale_form_goes_back_to_the_account_with_a_message(client, alice, sandbox):
    change(sandbox, ("create_user", "bob"))
    client.force_login(alice)
    address = url("user", sandbox, "bob")
    client.get(address)
    change(sandbox, ("delete_user", "bob"))  # in another tab
    response = post(client, address, "mfa", enabled="on")
    assert response["Location"] == url("account", sandbox)
    html = client.get(response["Location"]).content.decode()
    assert "no longer exists" in html
    for address, op in [
        (url("user_attach", sandbox, "bob"), "attach"),
        (url("user_inline_new", sandbox, "bob"), "inline_put"),
        (url("role_trust", sandbox, "gone"), "trust"),
        (url("policy", sandbox, "customer/Gone"), "version_default"),
        (url("resource", sandbox, "s3-bucket", "gone"), "resource_policy"),
    ]:
        response = post(client, address, op, arn="x", document="{}", trust="{}")
        assert response.status_code == 302, address
        assert response["Location"] == url("account", sandbox)


def test_unknown_operation_is_a_bad_request(client, alice, sandbox):
    client.force_login(alice)
    assert post(client, url("account", sandbox), "format_disk").status_code == 400


# --- caps -----------------------------------------------------------------------------


def test_the_trainers_caps_refuse_one_more(client, alice, sandbox, monkeypatch):
    from labs import services

    monkeypatch.setitem(services.ACCOUNT_CAPS, "users", 2)
    client.force_login(alice)
    address = url("account", sandbox)
    post(client, address, "create_user", name="one")
    post(client, address, "create_user", name="two")
    response = post(client, address, "create_user", name="three")
    html = response.content.decode()
    assert "LimitExceeded" in html
    assert "at most 2 users" in html
    assert 'value="three"' in html
    assert set(state(sandbox).users) == {"one", "two"}


def test_the_state_size_cap(client, alice, sandbox, monkeypatch):
    from labs import services

    monkeypatch.setattr(services, "STATE_MAX_BYTES", 500)
    client.force_login(alice)
    response = client.post(
        url("policy_new", sandbox),
        {"op": "create_policy", "name": "Big", "document": READ_REPORTS},
    )
    assert "the trainer keeps at most 500" in response.content.decode()


# --- the simulator, the permission table and findings --------------------------------


def _auditors(practice):
    change(
        practice,
        ("create_group", "Auditors"),
        ("attach_policy", "group", "Auditors", S3_READ),
        ("create_user", "bob"),
        ("add_user_to_group", "Auditors", "bob"),
    )


def test_simulator_explains_a_grant_through_a_groups_policy(client, alice, sandbox):
    _auditors(sandbox)
    client.force_login(alice)
    response = client.get(
        url("user", sandbox, "bob"),
        {"action": "s3:GetObject", "resource": "arn:aws:s3:::reports/q1.csv"},
    )
    html = response.content.decode()
    assert "✔ Allowed" in html
    explanation = response.context["simulation"]["decision"].explain()
    assert "AmazonS3ReadOnlyAccess" in explanation
    assert "group Auditors" in explanation
    assert "AmazonS3ReadOnlyAccess" in html and "attached to group Auditors" in html
    response = client.get(
        url("user", sandbox, "bob"),
        {"action": "s3:DeleteObject", "resource": "arn:aws:s3:::reports/q1.csv"},
    )
    assert "✘ Denied" in response.content.decode()


def test_simulator_input_errors_are_explained(client, alice, sandbox):
    _auditors(sandbox)
    client.force_login(alice)
    response = client.get(
        url("user", sandbox, "bob"),
        {"action": "GetObject", "resource": "reports", "context": "{nope"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "An action is service:Name" in html
    assert "A resource is an ARN" in html
    assert "Not valid JSON" in html
    response = client.get(
        url("user", sandbox, "bob"),
        {"action": "s3:GetObject", "resource": "*", "context": '{"k": {"a": 1}}'},
    )
    assert "The value of k must be a string" in response.content.decode()


def test_a_roles_simulator_takes_a_session_policy(client, alice, sandbox):
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ec2.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    change(
        sandbox,
        ("create_role", "Builder", trust),
        ("attach_policy", "role", "Builder", S3_READ),
    )
    client.force_login(alice)
    ask = {"action": "s3:GetObject", "resource": "arn:aws:s3:::reports/q1.csv"}
    html = client.get(url("role", sandbox, "Builder"), ask).content.decode()
    assert "✔ Allowed" in html and "Session policy (optional)" in html
    session = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}
            ],
        }
    )
    html = client.get(
        url("role", sandbox, "Builder"), {**ask, "session_policy": session}
    ).content.decode()
    assert "✘ Denied" in html and "session policy" in html
    html = client.get(
        url("role", sandbox, "Builder"), {**ask, "session_policy": "{"}
    ).content.decode()
    assert "MalformedPolicyDocument" in html
    # A user has no session policy to give.
    _auditors(sandbox)
    html = client.get(url("user", sandbox, "bob"), ask).content.decode()
    assert "Session policy (optional)" not in html


def test_permission_table_by_service_with_reasons(client, alice, sandbox):
    _auditors(sandbox)
    client.force_login(alice)
    response = client.get(url("user", sandbox, "bob"))
    rows = response.context["permissions"]
    assert any(row.service == "s3" and row.status == "allowed" for row in rows)
    assert any("group Auditors" in row.reason for row in rows)


def test_simulations_are_rate_limited(client, alice, sandbox, monkeypatch):
    from labs.console import views

    monkeypatch.setattr(views, "SIMULATIONS_PER_MINUTE", 1)
    _auditors(sandbox)
    client.force_login(alice)
    ask = {"action": "s3:GetObject", "resource": "arn:aws:s3:::reports/q1.csv"}
    assert client.get(url("user", sandbox, "bob"), ask).status_code == 200
    response = client.get(url("user", sandbox, "bob"), ask)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "many simulations" in html
    assert 'value="s3:GetObject"' in html  # the question is kept


def test_findings_show_root_without_mfa_for_a_fresh_account(client, alice, sandbox):
    client.force_login(alice)
    html = client.get(url("findings", sandbox)).content.decode()
    assert "The root user has no MFA" in html
    assert "root-without-mfa" in html
    assert "turn MFA on for the root user" in html


def test_findings_show_an_escalation_path_with_its_steps(client, alice, sandbox):
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "iam:AttachUserPolicy", "Resource": "*"}
            ],
        }
    )
    change(
        sandbox,
        ("create_user", "mallory"),
        ("put_inline_policy", "user", "mallory", "Attach", document),
    )
    client.force_login(alice)
    response = client.get(url("findings", sandbox))
    rows = [r for r in response.context["rows"] if r["escalation"]]
    assert rows and rows[0]["finding"].steps
    html = response.content.decode()
    assert "The path, step by step" in html
    assert url("user", sandbox, "mallory") in html


def test_findings_are_rate_limited(client, alice, sandbox, monkeypatch):
    from labs.console import base

    monkeypatch.setattr(base, "FINDINGS_PER_MINUTE", 1)
    client.force_login(alice)
    assert client.get(url("findings", sandbox)).status_code == 200
    change(sandbox, ("create_user", "bob"))  # a new state: computed afresh
    response = client.get(url("findings", sandbox))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "many findings" in response.content.decode()
    # The account page still opens, without the summary.
    html = client.get(url("account", sandbox)).content.decode()
    assert "Not counted just now" in html


def test_posts_need_the_csrf_token(alice, sandbox):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = post(client, url("account", sandbox), "create_user", name="bob")
    assert response.status_code == 403
    assert "bob" not in state(sandbox).users


def test_inline_policy_names_with_url_characters(client, alice, sandbox):
    change(sandbox, ("create_user", "bob"))
    client.force_login(alice)
    client.post(
        url("user_inline_new", sandbox, "bob"),
        {"op": "inline_put", "policy_name": "a#b%c;d", "document": READ_REPORTS},
    )
    assert "a#b%c;d" in state(sandbox).users["bob"].inline
    html = client.get(url("user", sandbox, "bob")).content.decode()
    edit = url("user_inline", sandbox, "bob", "a#b%c;d")
    assert edit in html
    assert client.get(edit).status_code == 200


def test_too_long_input_is_a_form_error_not_a_crash(client, alice, sandbox):
    client.force_login(alice)
    response = post(client, url("account", sandbox), "create_user", name="x" * 200)
    assert response.status_code == 422
    assert "at most 128 characters" in response.content.decode()
    response = client.post(
        url("policy_new", sandbox),
        {"op": "create_policy", "name": "Huge", "document": " " * 30_000},
    )
    assert response.status_code == 422


@pytest.mark.parametrize("kind", ["group", "role"])
def test_group_and_role_policies_and_deletion(client, alice, sandbox, kind):
    change(sandbox, ("create_group", "team"), ("create_role", "team", TRUST_EC2))
    client.force_login(alice)
    page = url(kind, sandbox, "team")
    client.post(
        url(f"{kind}_inline_new", sandbox, "team"),
        {"op": "inline_put", "policy_name": "Reports", "document": READ_REPORTS},
    )
    post(client, url(f"{kind}_attach", sandbox, "team"), "attach", arn=S3_READ)
    identity = getattr(state(sandbox), f"{kind}s")["team"]
    assert identity.managed == [S3_READ] and "Reports" in identity.inline
    response = post(client, page, "delete")
    assert "DeleteConflict" in response.content.decode()
    post(client, page, "detach", arn=S3_READ)
    post(client, page, "inline_delete", policy_name="Reports")
    assert post(client, page, "delete")["Location"] == url("account", sandbox)
    assert "team" not in getattr(state(sandbox), f"{kind}s")


def test_a_groups_has_no_boundary_but_a_roles_has(client, alice, sandbox):
    change(sandbox, ("create_group", "team"), ("create_role", "app", TRUST_EC2))
    client.force_login(alice)
    response = post(
        client, url("group_attach", sandbox, "team"), "boundary", arn=S3_READ
    )
    assert response.status_code == 400  # no such form on a group's page
    post(client, url("role_attach", sandbox, "app"), "boundary", arn=S3_READ)
    assert state(sandbox).roles["app"].boundary == S3_READ
    html = client.get(url("role", sandbox, "app")).content.decode()
    assert "Remove the boundary" in html


def test_a_customer_policy_with_a_path_has_its_own_page(client, alice, sandbox):
    client.force_login(alice)
    response = client.post(
        url("policy_new", sandbox),
        {
            "op": "create_policy",
            "name": "ReadReports",
            "path": "/audit/",
            "document": READ_REPORTS,
        },
    )
    assert response["Location"] == url("policy", sandbox, "customer/audit/ReadReports")
    html = client.get(response["Location"]).content.decode()
    assert f"arn:aws:iam::{state(sandbox).id}:policy/audit/ReadReports" in html


@pytest.mark.parametrize("kind", ["kms-key", "sqs-queue"])
def test_keys_and_queues(client, alice, sandbox, kind):
    client.force_login(alice)
    post(client, url("account", sandbox), "create_resource", kind=kind, name="orders")
    assert client.get(url("resource", sandbox, kind, "orders")).status_code == 200
    assert [r.kind for r in state(sandbox).resources.values()] == [kind]


def test_aws_managed_policy_page_shows_its_document_read_only(client, alice, sandbox):
    client.force_login(alice)
    html = client.get(url("policy", sandbox, "aws/AmazonS3ReadOnlyAccess")).content
    html = html.decode()
    assert "s3:Get*" in html
    assert "only AWS changes it" in html
    assert "Create a new version" not in html


def test_the_group_choice_lists_only_groups_not_joined(client, alice, sandbox):
    change(
        sandbox,
        ("create_user", "bob"),
        ("create_group", "Auditors"),
        ("create_group", "Developers"),
        ("add_user_to_group", "Auditors", "bob"),
    )
    client.force_login(alice)
    form = client.get(url("user", sandbox, "bob")).context["forms"]["add_to_group"]
    assert form.names() == ["Developers"]
    change(sandbox, ("add_user_to_group", "Developers", "bob"))
    html = client.get(url("user", sandbox, "bob")).content.decode()
    assert "bob is in every group of the account" in html


def test_who_can_lists_root_and_the_groups_member(client, alice, sandbox):
    _auditors(sandbox)
    change(sandbox, ("create_user", "carol"))
    client.force_login(alice)
    response = client.get(
        url("account", sandbox),
        {"who-action": "s3:GetObject", "who-resource": "arn:aws:s3:::reports/q1.csv"},
    )
    rows = response.context["who"]["allowed"]
    assert [row["who"] for row in rows] == ["root", "user bob"]
    assert "group Auditors" in rows[1]["explanation"]
    html = response.content.decode()
    assert "2 principals allowed" in html
    assert 'value="s3:GetObject"' in html


# --- authorization details: export and import ------------------------------------

DETAILS = Path(__file__).resolve().parents[1] / "iam/data/cloudsplaining-example.json"


def test_an_account_exports_as_authorization_details(client, alice, bob, sandbox):
    _auditors(sandbox)
    client.force_login(alice)
    response = client.get(url("account_export", sandbox))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment;" in response["Content-Disposition"]
    details = json.loads(response.content)
    assert [u["UserName"] for u in details["UserDetailList"]] == ["bob"]
    assert details["UserDetailList"][0]["GroupList"] == ["Auditors"]
    # It reads back as the same account (credentials aside).
    again = account_from_details(response.content)
    assert again.user("bob").groups == ["Auditors"]
    client.force_login(bob)
    assert client.get(url("account_export", sandbox)).status_code == 404


def test_a_real_accounts_shape_replaces_the_sandbox(client, alice, sandbox):
    _auditors(sandbox)
    client.force_login(alice)
    assert client.get(url("account_import", sandbox)).status_code == 200
    with DETAILS.open("rb") as upload:
        response = client.post(url("account_import", sandbox), {"file": upload})
    assert response.status_code == 302
    account = state(sandbox)
    assert account.id == "200611803367"
    assert "privesc4-CreateAccessKey-user" in account.users
    assert "bob" not in account.users
    assert not account.credentials_known
    sandbox.refresh_from_db()
    assert "Imported account 200611803367" in sandbox.history[-1]["call"]
    # Its findings page shows the escalation paths of the real account.
    html = client.get(url("findings", sandbox)).content.decode()
    assert "privilege-escalation-create-access-key" in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not JSON"),
        (b'{"UserDetailList": [{"UserName": 5}]}', "UserDetailList[0]"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_a_bad_file_is_refused_naming_where_and_changes_nothing(
    client, alice, sandbox, content, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _auditors(sandbox)
    client.force_login(alice)
    upload = SimpleUploadedFile("details.json", content)
    response = client.post(url("account_import", sandbox), {"file": upload})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert "bob" in state(sandbox).users


def test_an_import_past_the_caps_is_refused(client, alice, sandbox):
    from django.core.files.uploadedfile import SimpleUploadedFile

    users = [
        {"UserName": f"u{n}", "Arn": f"arn:aws:iam::123456789012:user/u{n}",
         "Path": "/", "UserId": f"AIDA{n:016d}", "CreateDate": "2026-01-01T00:00:00Z"}
        for n in range(201)
    ]  # fmt: skip
    document = {"UserDetailList": users, "GroupDetailList": [],
                "RoleDetailList": [], "Policies": []}  # fmt: skip
    client.force_login(alice)
    upload = SimpleUploadedFile("many.json", json.dumps(document).encode())
    response = client.post(url("account_import", sandbox), {"file": upload})
    assert response.status_code == 422
    assert "at most 200 users" in response.content.decode()
    assert not state(sandbox).users


def test_an_imported_account_over_the_hand_built_caps_only_shrinks(
    client, alice, sandbox
):
    client.force_login(alice)
    with DETAILS.open("rb") as upload:  # 75 roles, 410 KB stored
        client.post(url("account_import", sandbox), {"file": upload})
    assert len(state(sandbox).roles) == 75
    response = post(client, url("account", sandbox), "create_user", name="newcomer")
    assert "newcomer" in state(sandbox).users  # users are under their cap
    response = client.post(
        url("role_new", sandbox),
        {
            "op": "create_role",
            "name": "OneMore",
            "path": "/",
            "max_session_duration": "3600",
            "trust": TRUST_EC2,
        },
    )
    assert "OneMore" not in state(sandbox).roles
    assert "at most 30 roles" in response.content.decode()


def test_only_the_owner_imports_and_never_into_a_lab(client, alice, viewer, sandbox):
    client.force_login(viewer)
    assert client.get(url("account_import", sandbox)).status_code == 403
    html = client.get(url("account", sandbox)).content.decode()
    assert "Export this account" in html and "Import a real" not in html
