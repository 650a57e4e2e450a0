"""The AWS managed policies a practice account can attach: real documents,
shipped in ``iam/data/aws-managed-policies.json.gz`` (rebuilt by
``scripts/build_managed_policies.py``), read on first use."""

from __future__ import annotations

import gzip
import json
from functools import cache
from importlib import resources

from .model import AWS_MANAGED_PREFIX, ManagedPolicy


@cache
def _shipped() -> dict[str, dict]:
    raw = resources.files("iam").joinpath("data/aws-managed-policies.json.gz")
    return json.loads(gzip.decompress(raw.read_bytes()))["policies"]


def aws_managed_names() -> list[str]:
    """Every shipped AWS managed policy's name, sorted."""
    return list(_shipped())


def aws_managed_arn(name: str) -> str | None:
    entry = _shipped().get(name)
    return entry["arn"] if entry else None


def aws_managed_policy(arn: str) -> ManagedPolicy | None:
    """A fresh ManagedPolicy for an AWS managed policy's ARN (its path
    included, as AWS gives it), or None when there is no such policy."""
    if not arn.startswith(AWS_MANAGED_PREFIX):
        return None
    entry = _shipped().get(arn.rsplit("/", 1)[-1])
    if entry is None or entry["arn"] != arn:
        return None
    return ManagedPolicy(
        arn.rsplit("/", 1)[-1],
        arn,
        entry["path"],
        {entry["version"]: json.dumps(entry["document"], indent=2)},
        entry["version"],
        aws_managed=True,
    )
