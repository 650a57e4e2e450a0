"""The IAM engine against a library of cases written from AWS's documentation.

Each file in ``cases/`` holds one topic: a list of cases, each with the policies in
force, a request and the decision AWS documents for it, and the page that says so.
The cases were written from the AWS IAM User Guide, not from the engine's code, so a
failure means either the engine or the case disagrees with AWS: the assertion message
quotes the page to check.
"""

import json
from pathlib import Path
from typing import Any

import pytest

CASES_DIR = Path(__file__).parent / "cases"
EFFECTS = {"Allow", "ExplicitDeny", "ImplicitDeny"}
POLICY_SLOTS = {"identity", "resource", "boundary", "scps", "session"}
REQUEST_FIELDS = {"principal", "action", "resource", "context", "resource_account"}
CASE_FIELDS = {
    "name",
    "doc",
    "note",
    "policies",
    "request",
    "expected",
    "resource_kind",
}
RESOURCE_KINDS = {"resource", "trust"}


def load_case_files() -> dict[str, dict[str, Any]]:
    """Every case file, keyed by its file name."""
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(CASES_DIR.glob("*.json"))
    }


CASE_FILES = load_case_files()


def all_cases() -> list[Any]:
    """One pytest param per case, with the id ``file::name``."""
    params = []
    for file_name, data in CASE_FILES.items():
        for case in data["cases"]:
            case_id = f"{file_name}::{case['name']}"
            params.append(pytest.param(case, data["doc"], id=case_id))
    return params


def scp_levels(levels: list[Any], parse: Any) -> tuple[Any, ...]:
    """Each level of the organization: one policy or a tuple of policies."""
    parsed = []
    for level in levels:
        if isinstance(level, list):
            parsed.append(tuple(parse(doc, kind="scp") for doc in level))
        else:
            parsed.append(parse(level, kind="scp"))
    return tuple(parsed)


def test_case_directory_holds_case_files() -> None:
    assert len(CASE_FILES) >= 15, f"expected the topic files in {CASES_DIR}"


def test_case_library_has_at_least_200_cases() -> None:
    total = sum(len(data["cases"]) for data in CASE_FILES.values())
    assert total >= 200, total


@pytest.mark.parametrize("file_name", sorted(CASE_FILES))
def test_case_file_is_well_formed(file_name: str) -> None:
    """Every case has the fields the runner and `simulate` rely on."""
    data = CASE_FILES[file_name]
    assert set(data) == {"topic", "doc", "cases"}, file_name
    assert data["doc"].startswith("https://docs.aws.amazon.com/")
    names = [case["name"] for case in data["cases"]]
    assert len(names) == len(set(names)), "case names must be unique in a file"
    for case in data["cases"]:
        where = f"{file_name}::{case.get('name')}"
        assert set(case) <= CASE_FIELDS, where
        assert {"name", "policies", "request", "expected"} <= set(case), where
        assert case["expected"] in EFFECTS, where
        assert case.get("doc", data["doc"]).startswith("https://docs.aws.amazon.com/")
        assert case.get("resource_kind", "resource") in RESOURCE_KINDS, where
        policies = case["policies"]
        assert set(policies) <= POLICY_SLOTS, where
        assert isinstance(policies.get("identity", []), list), where
        assert isinstance(policies.get("scps", []), list), where
        for slot in ("resource", "boundary", "session"):
            assert isinstance(policies.get(slot) or {}, dict), where
        request = case["request"]
        assert set(request) <= REQUEST_FIELDS, where
        assert {"principal", "action", "resource"} <= set(request), where
        assert isinstance(request.get("context", {}), dict), where


@pytest.mark.parametrize(("case", "topic_doc"), all_cases())
def test_engine_agrees_with_aws_documentation(
    case: dict[str, Any], topic_doc: str
) -> None:
    from iam import Request, evaluate, parse_policy

    policies = case["policies"]
    resource_doc = policies.get("resource")
    boundary_doc = policies.get("boundary")
    session_doc = policies.get("session")
    request = case["request"]
    decision = evaluate(
        Request(
            request["principal"],
            request["action"],
            request["resource"],
            context=request.get("context"),
            resource_account=request.get("resource_account"),
        ),
        identity=tuple(
            parse_policy(doc, kind="identity") for doc in policies.get("identity", [])
        ),
        resource_policy=(
            parse_policy(resource_doc, kind=case.get("resource_kind", "resource"))
            if resource_doc is not None
            else None
        ),
        boundary=(
            parse_policy(boundary_doc, kind="boundary")
            if boundary_doc is not None
            else None
        ),
        scps=scp_levels(policies.get("scps", []), parse_policy),
        session=(
            parse_policy(session_doc, kind="session")
            if session_doc is not None
            else None
        ),
    )
    assert decision.effect == case["expected"], (
        f"expected {case['expected']}, got {decision.effect}"
        + (f" ({case['note']})" if "note" in case else "")
        + f"\nSee {case.get('doc', topic_doc)}\n{decision.explain()}"
    )
