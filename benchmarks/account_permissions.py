"""Benchmark of the practice account: effective permissions and findings.

Run: ``.venv/bin/python benchmarks/account_permissions.py [--repeat 5]`` (``make
bench`` runs it). Builds, with a fixed seed, an account of 100 users, 30 groups
and 50 roles: each group has two or three real AWS managed policies (from
``../shared/data/aws-managed-policies``) and an inline policy, users are in one
to three groups and some have policies of their own or a permissions boundary,
roles trust a service or a user and have one to three managed policies. Then
times the permission table (``iam.account.permissions``) of every identity, and
the findings (CIS checks and privilege-escalation paths) of the account, and
prints the median of the repeats (targets: each under 1 s).
"""

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from iam.account import Account  # noqa: E402
from iam.account.findings import findings  # noqa: E402
from iam.account.model import aws_managed_from_documents  # noqa: E402
from iam.account.permissions import permission_table  # noqa: E402

MANAGED = ROOT.parent / "shared" / "data" / "aws-managed-policies"
ID = "123456789012"


def _policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def build(seed: int = 7) -> Account:
    rng = random.Random(seed)
    names = sorted(path.stem for path in MANAGED.glob("*.json"))
    documents = {name: (MANAGED / f"{name}.json").read_text() for name in names}
    # Only policies small enough to attach, as IAM would allow.
    account = Account(ID, managed_catalog=aws_managed_from_documents(documents.get))
    arns = [f"arn:aws:iam::aws:policy/{name}" for name in names]
    services = ["s3", "ec2", "dynamodb", "sqs", "logs", "kms", "lambda", "rds"]
    for number in range(30):
        group = f"team-{number:02}"
        account.create_group(group)
        for arn in rng.sample(arns, rng.randint(2, 3)):
            account.attach_policy("group", group, arn)
        service = rng.choice(services)
        account.put_inline_policy(
            "group",
            group,
            "TeamData",
            _policy(
                {"Effect": "Allow", "Action": f"{service}:Get*",
                 "Resource": f"arn:aws:{service}:::team-{number:02}/*"},
                {"Effect": "Deny", "Action": f"{service}:Delete*", "Resource": "*"},
            ),
        )  # fmt: skip
    boundary = account.create_policy(
        "DeveloperBoundary",
        _policy({"Effect": "Allow", "Action": ["s3:*", "logs:*"], "Resource": "*"}),
    )
    for number in range(100):
        user = f"user-{number:03}"
        account.create_user(user)
        for group in rng.sample(sorted(account.groups), rng.randint(1, 3)):
            account.add_user_to_group(group, user)
        if number % 7 == 0:
            account.put_inline_policy(
                "user",
                user,
                "Own",
                _policy(
                    {"Effect": "Allow", "Action": "iam:CreateAccessKey",
                     "Resource": f"arn:aws:iam::{ID}:user/{user}"}
                ),
            )  # fmt: skip
        if number % 11 == 0:
            account.put_permissions_boundary("user", user, boundary.arn)
    trusted = ["ec2.amazonaws.com", "lambda.amazonaws.com", "glue.amazonaws.com"]
    for number in range(50):
        role = f"role-{number:02}"
        if number % 3:
            principal = {"Service": rng.choice(trusted)}
        else:
            principal = {"AWS": f"arn:aws:iam::{ID}:user/user-{number:03}"}
        account.create_role(
            role,
            _policy(
                {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
            ),
        )
        for arn in rng.sample(arns, rng.randint(1, 3)):
            account.attach_policy("role", role, arn)
    return account


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tables, found_times, rows, found = [], [], 0, []
    for _ in range(args.repeat):
        account = build()  # fresh: no compiled policy or cache carried over
        start = time.perf_counter()
        rows = sum(len(permission_table(account, p)) for p in account.principals())
        tables.append(time.perf_counter() - start)
        account = build()
        start = time.perf_counter()
        found = findings(account)
        found_times.append(time.perf_counter() - start)
    escalations = sum(f.code.startswith("privilege-escalation") for f in found)
    print(
        f"account: {len(account.users)} users, {len(account.groups)} groups, "
        f"{len(account.roles)} roles"
    )
    print(
        f"  permission tables of all {len(account.principals())} identities: "
        f"{statistics.median(tables) * 1000:.0f} ms median ({rows} rows; target "
        "1,000 ms)"
    )
    print(
        f"  findings: {statistics.median(found_times) * 1000:.0f} ms median "
        f"({len(found)} findings, {escalations} escalation paths; target 1,000 ms)"
    )


if __name__ == "__main__":
    main()
