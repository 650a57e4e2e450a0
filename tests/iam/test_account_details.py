"""Authorization details (issue 16): a real account's file round-trips through
import and export, and simulate and findings answer as checked by hand."""

import json
from pathlib import Path

import pytest

from iam.account import simulate
from iam.account.details import DetailsError, account_from_details, account_to_details
from iam.account.findings import findings

DATA = Path(__file__).parent / "data" / "cloudsplaining-example.json"
ID = "200611803367"


@pytest.fixture(scope="module")
def original() -> dict:
    return json.loads(DATA.read_text())


@pytest.fixture(scope="module")
def account(original):
    return account_from_details(original)


def _shape(details: dict) -> dict:
    """What an account's details say, without ids, dates or list order."""

    def inline(entries):
        return {p["PolicyName"]: p["PolicyDocument"] for p in entries or []}

    def attached(entries):
        return sorted({p["PolicyArn"] for p in entries or []})

    return {
        "users": {
            u["UserName"]: (
                u["Arn"],
                sorted(u.get("GroupList", [])),
                attached(u.get("AttachedManagedPolicies")),
                inline(u.get("UserPolicyList")),
            )
            for u in details["UserDetailList"]
        },
        "groups": {
            g["GroupName"]: (
                attached(g.get("AttachedManagedPolicies")),
                inline(g.get("GroupPolicyList")),
            )
            for g in details["GroupDetailList"]
        },
        "roles": {
            r["RoleName"]: (
                r["AssumeRolePolicyDocument"],
                attached(r.get("AttachedManagedPolicies")),
                inline(r.get("RolePolicyList")),
                sorted(p["InstanceProfileName"] for p in r["InstanceProfileList"]),
            )
            for r in details["RoleDetailList"]
        },
        "policies": {
            p["Arn"]: (
                p["DefaultVersionId"],
                {v["VersionId"]: v["Document"] for v in p["PolicyVersionList"]},
            )
            for p in details["Policies"]
            if p["AttachmentCount"] or p["PermissionsBoundaryUsageCount"]
            or not p["Arn"].startswith("arn:aws:iam::aws:")
        },
    }  # fmt: skip


def test_the_file_round_trips_through_import_and_export(original, account):
    assert (len(account.users), len(account.groups), len(account.roles)) == (41, 3, 75)
    exported = account_to_details(account)
    assert _shape(exported) == _shape(original)
    again = account_to_details(account_from_details(json.dumps(exported)))
    assert again == exported
    # Unique ids are kept.
    user = next(
        u
        for u in exported["UserDetailList"]
        if u["UserName"] == "fp1-allow-and-deny-user"
    )
    assert user["UserId"] == "AIDAS5NLFGDTTWV2WC6G4" or user["UserId"].startswith(
        "AIDA"
    )


# Checked by hand against the policies in the file:
# - privesc4-CreateAccessKey allows iam:CreateAccessKey on "*": its user may
#   create a key for any user, so for privesc-sre-user (who can do much more).
# - fp1-allow-and-deny allows iam:* and denies iam:*: nothing in IAM.
# - fp4-nonExploitableResourceConstraint allows iam:CreatePolicyVersion only on
#   AWS managed policies named fp4-*, which no one can change: no path.
# - fn2-exploitableResourceConstraint allows it on "arn:aws:iam::*:policy/fn2-*",
#   which covers the customer managed policy fn2-... attached to its own user.
# - fp5-nonExploitableConditionConstraint needs a token issued before 2020.
# - privesc15 may pass privesc-high-priv-service-role (trusted by Lambda) and
#   create and invoke a function.


def _user(name: str) -> str:
    return f"arn:aws:iam::{ID}:user/{name}"


def test_simulate_answers_as_checked_by_hand(account):
    target = _user("privesc-sre-user")
    create_key = simulate(
        account, _user("privesc4-CreateAccessKey-user"), "iam:CreateAccessKey", target
    )
    assert create_key.allowed
    assert "privesc4-CreateAccessKey (statement 1), attached to user" in (
        create_key.explain()
    )
    denied = simulate(account, _user("fp1-allow-and-deny-user"), "iam:CreateUser", "*")
    assert denied.effect == "ExplicitDeny"
    assert "Denied by fp1-allow-and-deny (statement 2)" in denied.explain()


@pytest.fixture(scope="module")
def all_paths(account) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in findings(account):
        if finding.code.startswith("privilege-escalation"):
            name = finding.principal.rsplit("/", 1)[-1]
            found.setdefault(name, set()).add(
                finding.code.removeprefix("privilege-escalation-")
            )
    return found


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("privesc1-CreateNewPolicyVersion-user", "create-policy-version"),
        ("privesc4-CreateAccessKey-user", "create-access-key"),
        ("privesc5-CreateLoginProfile-user", "create-login-profile"),
        ("privesc6-UpdateLoginProfile-user", "update-login-profile"),
        ("privesc7-AttachUserPolicy-user", "attach-user-policy"),
        ("privesc8-AttachGroupPolicy-user", "attach-group-policy"),
        ("privesc10-PutUserPolicy-user", "put-user-policy"),
        ("privesc11-PutGroupPolicy-user", "put-group-policy"),
        ("privesc13-AddUserToGroup-user", "add-user-to-group"),
        ("privesc14-UpdatingAssumeRolePolicy-user", "update-assume-role-policy"),
        ("privesc15-PassExistingRoleToNewLambdaThenInvoke-user", "pass-role-lambda"),
        ("privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo-user",
         "pass-role-lambda"),
        ("privesc3-CreateEC2WithExistingInstanceProfile-user", "pass-role-ec2"),
        ("privesc18-PassExistingRoleToNewGlueDevEndpoint-user", "pass-role-glue"),
        ("privesc20-PassExistingRoleToCloudFormation-user", "pass-role-cloudformation"),
        ("privesc21-PassExistingRoleToNewDataPipeline-user", "pass-role-datapipeline"),
        ("privesc-sageMakerCreateNotebookPassRole-user", "pass-role-sagemaker"),
        ("privesc-sageMakerCreateTrainingJobPassRole-user", "pass-role-sagemaker"),
        ("privesc-codeBuildCreateProjectPassRole-user", "pass-role-codebuild"),
        ("fn2-exploitableResourceConstraint-user", "create-policy-version"),
        # Its Allow needs a token issued after 2020: any token issued now is.
        ("fn3-exploitableConditionConstraint-user", "create-policy-version"),
    ],
)  # fmt: skip
def test_each_vulnerable_user_has_its_path(all_paths, user, expected):
    assert expected in all_paths.get(user, set())


@pytest.mark.parametrize(
    "user",
    [
        "fp1-allow-and-deny-user",
        "fp2-allow-and-deny-multiple-policies-user",
        "fp3-deny-iam-user",
        "fp4-nonExploitableResourceConstraint-user",
        "fp5-nonExploitableConditionConstraint-user",
    ],
)
def test_no_decoy_is_reported(all_paths, user):
    assert user not in all_paths


def test_the_chain_of_roles_is_followed_to_its_admin_end(account):
    # privesc-AssumeRole: starting-role is trusted by intermediate-role, which
    # ending-role trusts; ending-role has privesc-AssumeRole-high-priv-policy
    # ("*" on "*"). The roles have no policies of their own: in one account a
    # trust policy naming the role is enough to assume it.
    role = f"arn:aws:iam::{ID}:role/privesc-AssumeRole-starting-role"
    found = [
        f
        for f in findings(account)
        if f.principal == role and f.code == "privilege-escalation-assume-role"
    ]
    assert len(found) == 1
    assert found[0].steps == (
        "privesc-AssumeRole-starting-role assumes role "
        "privesc-AssumeRole-intermediate-role",
        "privesc-AssumeRole-intermediate-role assumes role "
        "privesc-AssumeRole-ending-role",
        "as privesc-AssumeRole-ending-role, privesc-AssumeRole-starting-role can "
        "do anything",
    )


def test_one_finding_per_method_and_principal(account):
    found = [
        f
        for f in findings(account)
        if f.principal == _user("privesc14-UpdatingAssumeRolePolicy-user")
        and f.code.startswith("privilege-escalation")
    ]
    assert len(found) == 1
    assert "The same method reaches" in found[0].message


# --- bad files ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["UserDetailList"][0].update(GroupList=["NoSuchGroup"]),
         "UserDetailList[0].GroupList[0]"),
        (lambda d: d["GroupDetailList"][1]["AttachedManagedPolicies"].append(
            {"PolicyName": "X", "PolicyArn": "arn:aws:iam::aws:policy/Nope"}),
         "GroupDetailList[1].AttachedManagedPolicies"),
        (lambda d: d["Policies"][2]["PolicyVersionList"][0].update(
            Document={"Version": "2012-10-17", "Statement": [{"Effect": "Maybe"}]}),
         "Policies[2].PolicyVersionList[0].Document"),
        (lambda d: d["RoleDetailList"][3].update(
            Arn="arn:aws:iam::111122223333:role/elsewhere"),
         "RoleDetailList[3].Arn"),
        (lambda d: d["UserDetailList"][1].update(GroupList=[["a", "list"]]),
         "UserDetailList[1].GroupList[0]"),
        (lambda d: d["RoleDetailList"][0].update(MaxSessionDuration="an hour"),
         "RoleDetailList[0].MaxSessionDuration"),
        (lambda d: d["UserDetailList"][2].pop("UserName"),
         "UserDetailList[2].UserName"),
    ],
)  # fmt: skip
def test_a_file_with_an_error_says_where(original, change, where):
    broken = json.loads(json.dumps(original))
    change(broken)
    with pytest.raises(DetailsError) as raised:
        account_from_details(broken)
    assert raised.value.where.startswith(where), raised.value


def test_not_json_is_refused_with_a_message():
    with pytest.raises(DetailsError, match="not JSON"):
        account_from_details("{")
