"""Regenerates iam/data/aws-managed-policies.json.gz, the AWS managed policies a
practice account can attach.

Two sources, both AWS's own documents as the IAM API returns them:

- ``../shared/data/aws-managed-policies/`` (150 policies the project tests
  against), which win where both have a policy;
- a copy of z0ph/MAMIP (github.com/z0ph/MAMIP, which mirrors every AWS managed
  policy through GetPolicyVersion): its ``policies-list.json`` gives each
  policy's ARN and path, ``policies/<name>`` its default version. Get one with
  ``git clone --depth 1 https://github.com/z0ph/MAMIP /tmp/mamip``.

    python scripts/build_managed_policies.py --mamip /tmp/mamip

A policy the engine cannot parse is left out and named. Documents are stored
minified and the file gzipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from iam import PolicyError, parse_policy  # noqa: E402

OUTPUT = ROOT / "iam" / "data" / "aws-managed-policies.json.gz"
SHARED = ROOT.parent / "shared" / "data" / "aws-managed-policies"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mamip", type=Path, required=True, metavar="DIR")
    parser.add_argument("--shared", type=Path, default=SHARED, metavar="DIR")
    args = parser.parse_args()
    listing = json.loads((args.mamip / "policies-list.json").read_text())
    policies: dict[str, dict] = {}
    skipped = []
    for entry in listing["Policies"]:
        name = entry["PolicyName"]
        shared = args.shared / f"{name}.json"
        mirrored = args.mamip / "policies" / name
        if shared.is_file():
            document = json.loads(shared.read_text())
            source = "shared"
        elif mirrored.is_file():
            version = json.loads(mirrored.read_text())["PolicyVersion"]
            document = version["Document"]
            source = "mamip"
        else:
            continue
        try:
            parse_policy(document)
        except PolicyError as error:
            skipped.append(f"{name}: {error}")
            continue
        policies[name] = {
            "arn": entry["Arn"],
            "path": entry["Path"],
            "version": entry["DefaultVersionId"] if source == "mamip" else "v1",
            "document": document,
        }
    missing = sorted(
        p.stem for p in args.shared.glob("*.json") if p.stem not in policies
    )
    for name in missing:  # in the shared set but no longer listed by AWS
        policies[name] = {
            "arn": f"arn:aws:iam::aws:policy/{name}",
            "path": "/",
            "version": "v1",
            "document": json.loads((args.shared / f"{name}.json").read_text()),
        }
    data = {
        "source": "AWS managed policies: ../shared/data/aws-managed-policies and "
        "z0ph/MAMIP's mirror of the IAM API",
        "policies": dict(sorted(policies.items())),
    }
    raw = json.dumps(data, separators=(",", ":"), sort_keys=False).encode()
    OUTPUT.write_bytes(gzip.compress(raw, mtime=0))
    print(f"{len(policies)} policies, {OUTPUT.stat().st_size:,} bytes: {OUTPUT}")
    for line in skipped:
        print(f"left out: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
