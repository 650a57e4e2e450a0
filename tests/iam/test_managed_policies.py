"""The engine on real input: a fixed sample of 150 AWS managed policies.

The documents live beside the repository, in ``../shared/data/aws-managed-policies``
(read-only); the tests are skipped when that folder is missing.
"""

from collections import Counter
from pathlib import Path

import pytest

from iam import PolicyError, lint, parse_policy
from iam.jsontext import MAX_CHARS

MANAGED_POLICIES = (
    Path(__file__).resolve().parents[2].parent / "shared/data/aws-managed-policies"
)
PATHS = sorted(MANAGED_POLICIES.glob("*.json"))
LARGEST = MANAGED_POLICIES / "AWSSupportServiceRolePolicy.json"

pytestmark = pytest.mark.skipif(
    not PATHS, reason=f"the AWS managed policies are not in {MANAGED_POLICIES}"
)

# Before lint reported a mismatch once per statement and action (and only when no
# resource of the statement fits the action), the sample gave 111 findings, one
# per action and ARN pair. The 51 left were read one by one against the Service
# Authorization Reference as the catalog holds it; each is a real mismatch:
# - 31 actions that take no resource ARN (logs:DescribeLogGroups,
#   s3:ListAllMyBuckets, storagegateway:ListGateways, acm:RequestCertificate...)
#   in a statement that lists only ARNs, so they are never allowed by it;
# - 20 actions whose statement lists only ARNs of another resource type:
#   kafka-cluster topic and group actions on a cluster ARN (and AlterCluster on
#   topic ARNs), sagemaker endpoint actions on "arn:aws:sagemaker:*:*:Canvas*"
#   (no sagemaker resource starts with Canvas), appflow:UseConnectorProfile on
#   "connector-profile/*" (the resource type is connectorprofile), a4b:Send* on a
#   gateway, ec2:DeleteNetworkInterface on a security group.
# The bound leaves room for a catalog update, not for one finding per ARN again.
RESOURCE_MISMATCH_BOUND = 55


def test_the_sample_holds_150_policies() -> None:
    assert len(PATHS) == 150


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_every_managed_policy_parses_as_an_identity_policy(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        policy = parse_policy(text, kind="identity")
    except PolicyError as error:  # pragma: no cover - the failure message
        pytest.fail(f"{path.name} refused: {error.problems[0].message}")
    assert policy.statements
    assert all(finding.severity for finding in lint(policy))


def test_the_largest_managed_policy_is_read_and_its_size_is_a_lint_finding() -> None:
    """AWS's own policy exceeds the 6,144-character quota of customer policies."""
    text = LARGEST.read_text(encoding="utf-8")
    assert len(text) == 172_455
    assert len(text) < MAX_CHARS
    findings = lint(parse_policy(text, kind="identity"))
    assert [f.code for f in findings if f.severity == "error"] == ["policy-too-large"]


def test_resource_type_mismatches_are_few_and_once_per_statement_and_action() -> None:
    findings = []
    for path in PATHS:
        for finding in lint(path.read_text(encoding="utf-8"), kind="identity"):
            if finding.code == "resource-type-mismatch":
                findings.append((path.name, finding))
    assert 0 < len(findings) <= RESOURCE_MISMATCH_BOUND
    places = Counter((name, finding.path) for name, finding in findings)
    assert max(places.values()) == 1
    for _name, finding in findings:
        assert ".Action" in finding.path
        assert "arn:" in finding.message
