"""Benchmark of the IAM policy engine, against principalmapper's local simulation.

Run: ``.venv/bin/python benchmarks/iam_engine.py [--repeat N]``. Prints evaluations
per second for a 5-statement and a 30-statement identity policy over 10,000 varied
requests, the parse-plus-compile time of each policy, and the same requests decided
by principalmapper's ``policy_has_matching_statement`` (Deny first, then Allow),
with the ratio.

Our figure includes building each ``Request`` and the full trace of every
statement (the explanation text is rendered on demand by ``Decision.explain()``);
principalmapper stops at the first matching statement and keeps no trace.

Timings on a shared machine are noisy, so each engine runs the whole request set
``--repeat`` times (default 7), interleaved with the other chunk by chunk, and
the median is reported; the ratio is the median of the per-repetition ratios,
with their range. Each of our repetitions parses the policy afresh, so
per-policy caches start cold; module-level caches (parsed principals, combined
verdicts) warm up in the first repetition, as they would in a running server.

Last, the largest of the real AWS managed policies in
``../shared/data/aws-managed-policies`` (AWSSupportServiceRolePolicy, 172,455
characters) is parsed and linted: the first time in the process (the catalog
already loaded, lint's per-pattern memos cold) and the median of ``--repeat``
more.
"""

from __future__ import annotations

import argparse
import collections
import collections.abc
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from iam import Request, evaluate, lint, parse_policy  # noqa: E402
from iam.catalog import catalog  # noqa: E402

MANAGED_POLICIES = (
    Path(__file__).resolve().parent.parent.parent / "shared/data/aws-managed-policies"
)
LARGEST_MANAGED_POLICY = "AWSSupportServiceRolePolicy.json"

REQUESTS = 10_000
CHUNK = 500
SEED = 20240601
ACCOUNT = "111122223333"
SERVICES = {
    "s3": ["GetObject", "PutObject", "DeleteObject", "ListBucket", "GetBucketPolicy"],
    "ec2": ["RunInstances", "StopInstances", "DescribeInstances", "TerminateInstances"],
    "dynamodb": ["GetItem", "PutItem", "Query", "Scan", "DeleteItem"],
    "iam": ["GetUser", "ChangePassword", "CreateUser", "ListUsers"],
    "sqs": ["SendMessage", "ReceiveMessage", "DeleteMessage"],
    "kms": ["Decrypt", "Encrypt", "GenerateDataKey"],
}
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]


def resource_for(service: str, rng: random.Random) -> str:
    name = rng.choice(["reports", "logs", "team-blue", "team-red", "archive"])
    region = rng.choice(REGIONS)
    if service == "s3":
        year = rng.choice(["2024", "2025"])
        return f"arn:aws:s3:::{name}/{year}/file-{rng.randrange(100)}.csv"
    if service == "ec2":
        return f"arn:aws:ec2:{region}:{ACCOUNT}:instance/i-{rng.randrange(16**8):08x}"
    if service == "dynamodb":
        return f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}"
    if service == "iam":
        return f"arn:aws:iam::{ACCOUNT}:user/{name}"
    if service == "sqs":
        return f"arn:aws:sqs:{region}:{ACCOUNT}:{name}"
    return f"arn:aws:kms:{region}:{ACCOUNT}:key/{rng.randrange(10**6)}"


def make_statement(index: int, rng: random.Random) -> dict[str, Any]:
    service = rng.choice(list(SERVICES))
    actions = rng.sample(SERVICES[service], k=min(2, len(SERVICES[service])))
    style = index % 5
    if style == 0:
        actions = [f"{service}:{actions[0][:3]}*"]
    else:
        actions = [f"{service}:{a}" for a in actions]
    name = rng.choice(["reports", "logs", "team-*", "archive"])
    resource = {
        "s3": f"arn:aws:s3:::{name}/*",
        "ec2": f"arn:aws:ec2:*:{ACCOUNT}:instance/*",
        "dynamodb": f"arn:aws:dynamodb:*:{ACCOUNT}:table/{name}",
        "iam": f"arn:aws:iam::{ACCOUNT}:user/{name}",
        "sqs": f"arn:aws:sqs:*:{ACCOUNT}:{name}",
        "kms": "*",
    }[service]
    statement: dict[str, Any] = {
        "Sid": f"S{index}",
        "Effect": "Deny" if index % 7 == 6 else "Allow",
        "Action": actions,
        "Resource": resource,
    }
    if style == 1:
        statement["Condition"] = {
            "StringEquals": {"aws:RequestedRegion": rng.sample(REGIONS, 2)}
        }
    elif style == 2:
        statement["Condition"] = {
            "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]}
        }
    elif style == 3:
        statement["Condition"] = {
            "Bool": {"aws:SecureTransport": "true"},
            "StringLike": {"aws:PrincipalTag/team": "b*"},
        }
    return statement


def make_policy(size: int, rng: random.Random) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [make_statement(i, rng) for i in range(size)],
    }


def make_requests(rng: random.Random) -> list[tuple[str, str, dict[str, Any]]]:
    requests = []
    for _ in range(REQUESTS):
        service = rng.choice(list(SERVICES))
        action = f"{service}:{rng.choice(SERVICES[service])}"
        context = {
            "aws:RequestedRegion": rng.choice(REGIONS),
            "aws:SourceIp": rng.choice(["203.0.113.9", "198.51.100.20", "192.0.2.1"]),
            "aws:SecureTransport": rng.choice(["true", "false"]),
            "aws:PrincipalTag/team": rng.choice(["blue", "red"]),
        }
        requests.append((action, resource_for(service, rng), context))
    return requests


PRINCIPAL = f"arn:aws:iam::{ACCOUNT}:user/alice"


Requests = list[tuple[str, str, dict[str, Any]]]


def run_ours(policy: Any, requests: Requests) -> tuple[float, list[bool]]:
    """(seconds, decisions) for deciding ``requests`` with a parsed policy."""
    results = []
    start = time.perf_counter()
    for action, resource, context in requests:
        decision = evaluate(
            Request(PRINCIPAL, action, resource, context), identity=[policy]
        )
        results.append(decision.allowed)
    return time.perf_counter() - start, results


def parse_time(policy_doc: dict[str, Any], text: str) -> tuple[float, float]:
    """Median seconds to parse and compile from text and from a dict."""
    timings_text, timings_dict = [], []
    for _ in range(50):
        start = time.perf_counter()
        parse_policy(text)
        timings_text.append(time.perf_counter() - start)
        start = time.perf_counter()
        parse_policy(policy_doc)
        timings_dict.append(time.perf_counter() - start)
    return statistics.median(timings_text), statistics.median(timings_dict)


def managed_policy_time(repeat: int) -> tuple[int, float, float] | str:
    """(characters, first, median) seconds to parse and lint the largest AWS
    managed policy, or why it was skipped."""
    path = MANAGED_POLICIES / LARGEST_MANAGED_POLICY
    if not path.is_file():
        return f"{path} not found"
    text = path.read_text(encoding="utf-8")
    catalog.data  # noqa: B018 - loaded once per process, not part of the figure
    timings = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        lint(parse_policy(text, kind="identity"))
        timings.append(time.perf_counter() - start)
    return len(text), timings[0], statistics.median(timings[1:])


def load_principalmapper() -> tuple[Any, Any] | str:
    # principalmapper still imports these from `collections`, removed in Python 3.10.
    for name in ("Mapping", "MutableMapping"):
        if not hasattr(collections, name):
            setattr(collections, name, getattr(collections.abc, name))
    try:
        from principalmapper.querying.local_policy_simulation import (
            policy_has_matching_statement,
        )
        from principalmapper.util.case_insensitive_dict import CaseInsensitiveDict
    except Exception as error:  # noqa: BLE001 - report why, whatever it is
        return (
            f"principalmapper could not be imported ({type(error).__name__}: "
            f"{error}); install it with pip install -r requirements-dev.txt"
        )
    return policy_has_matching_statement, CaseInsensitiveDict


def run_principalmapper(
    tools: tuple[Any, Any], policy_doc: dict[str, Any], requests: Requests
) -> tuple[float, list[bool]]:
    """(seconds, decisions) for principalmapper: Deny first, then Allow."""
    matching, case_insensitive = tools
    results = []
    start = time.perf_counter()
    for action, resource, context in requests:
        keys = case_insensitive(context)
        keys["aws:username"] = "alice"
        keys["aws:PrincipalArn"] = PRINCIPAL
        if matching(policy_doc, "Deny", action, resource, keys):
            results.append(False)
        else:
            results.append(matching(policy_doc, "Allow", action, resource, keys))
    return time.perf_counter() - start, results


def repetition(
    tools: tuple[Any, Any] | str, policy_doc: dict[str, Any], requests: Requests
) -> tuple[float, float | None, list[bool], list[bool]]:
    """One pass of both engines over every request, interleaved chunk by chunk.

    Returns (our seconds, their seconds or None, our decisions, theirs). Both
    engines take turns on each chunk of ``CHUNK`` requests, the first turn
    alternating, so that a change in the machine's load hits both alike.
    """
    policy = parse_policy(policy_doc)
    ours = theirs = 0.0
    our_results: list[bool] = []
    their_results: list[bool] = []
    for number, first in enumerate(range(0, len(requests), CHUNK)):
        chunk = requests[first : first + CHUNK]
        turns = ["ours", "theirs"] if number % 2 == 0 else ["theirs", "ours"]
        for turn in turns:
            if turn == "ours":
                seconds, results = run_ours(policy, chunk)
                ours += seconds
                our_results.extend(results)
            elif not isinstance(tools, str):
                seconds, results = run_principalmapper(tools, policy_doc, chunk)
                theirs += seconds
                their_results.extend(results)
    return (
        ours,
        (None if isinstance(tools, str) else theirs),
        our_results,
        their_results,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=7, help="repetitions per engine (median)"
    )
    args = parser.parse_args()
    repeat = max(1, args.repeat)

    rng = random.Random(SEED)
    requests = make_requests(rng)
    tools = load_principalmapper()
    version = sys.version.split()[0]
    print(
        f"IAM engine benchmark: {REQUESTS:,} varied requests, Python {version}, "
        f"median of {repeat} repetitions"
    )
    if isinstance(tools, str):
        print(f"  principalmapper: skipped: {tools}")
    for size in (5, 30):
        policy_doc = make_policy(size, random.Random(SEED + size))
        text = json.dumps(policy_doc, indent=2)
        from_text, from_dict = parse_time(policy_doc, text)
        ours_runs: list[float] = []
        theirs_runs: list[float] = []
        for _ in range(repeat):
            ours_seconds, theirs_seconds, our_results, their_results = repetition(
                tools, policy_doc, requests
            )
            ours_runs.append(len(requests) / ours_seconds)
            if theirs_seconds is not None:
                theirs_runs.append(len(requests) / theirs_seconds)
        ours = statistics.median(ours_runs)
        allowed = sum(our_results)
        print(f"\n{size}-statement policy ({len(text):,} characters):")
        print(
            f"  parse + compile: {from_text * 1000:.3f} ms from text, "
            f"{from_dict * 1000:.3f} ms from a dict"
        )
        print(
            f"  iam:     {ours:>10,.0f} evaluations/s "
            f"(full decision and trace; {allowed:,} allowed; "
            f"range {min(ours_runs):,.0f}-{max(ours_runs):,.0f})"
        )
        if isinstance(tools, str):
            continue
        theirs = statistics.median(theirs_runs)
        agree = sum(a == b for a, b in zip(our_results, their_results, strict=True))
        ratios = [a / b for a, b in zip(ours_runs, theirs_runs, strict=True)]
        print(
            f"  principalmapper: {theirs:>10,.0f} evaluations/s "
            f"(first match, no trace; "
            f"range {min(theirs_runs):,.0f}-{max(theirs_runs):,.0f})"
        )
        print(
            f"  ratio:           {statistics.median(ratios):>10.2f}x  "
            f"(median of the repetitions, {min(ratios):.2f}x-{max(ratios):.2f}x; "
            f"decisions agree on {agree:,} of {REQUESTS:,})"
        )
    managed = managed_policy_time(repeat)
    if isinstance(managed, str):
        print(f"\nlargest AWS managed policy: skipped: {managed}")
    else:
        size, first, median = managed
        print(f"\nlargest AWS managed policy ({size:,} characters):")
        print(
            f"  parse + lint: {first * 1000:.1f} ms the first time, "
            f"{median * 1000:.1f} ms median after"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
