"""``python -m iam account simulate|findings|who-can --details FILE``.

FILE is the JSON of ``aws iam get-account-authorization-details``.

- ``simulate`` reads JSON lines on stdin, each ``{"principal": ARN, "action":
  ..., "resource": ..., "context": {...}}`` (and for a role, optionally
  ``"session_policy"``: the policy its session was assumed with), and answers
  each with one JSON line:
  the decision, the statements that applied and which attachment allowed or
  denied (``allowed_by``/``denied_by``: policy, its ARN, where it is attached),
  or ``{"error": ...}`` for a bad line, after which it goes on.
- ``findings`` prints a JSON list of ``{"code", "severity", "principal",
  "message", "steps"}``; every privilege-escalation finding has a code starting
  with ``privilege-escalation`` and lists its chain in ``steps``.
- ``who-can --action A --resource R`` prints the principals allowed, each with
  what allowed it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from .details import DetailsError, account_from_details
from .effective import simulate, who_can
from .errors import AccountError
from .findings import findings


def add_parser(commands) -> None:
    account = commands.add_parser(
        "account", help="effective permissions and findings of a whole account"
    )
    actions = account.add_subparsers(dest="account_command", required=True)
    for name, text in (
        ("simulate", "answer JSON lines of requests on stdin"),
        ("findings", "CIS checks and privilege-escalation paths, as JSON"),
        ("who-can", "every principal allowed a request"),
    ):
        sub = actions.add_parser(name, help=text)
        sub.add_argument(
            "--details",
            required=True,
            metavar="FILE",
            help="the JSON of aws iam get-account-authorization-details",
        )
        if name == "who-can":
            sub.add_argument("--action", required=True)
            sub.add_argument("--resource", required=True)


def _line(account, line: str) -> dict:
    try:
        data = json.loads(line)
    except ValueError as error:
        return {"error": f"not JSON: {error}"}
    if not isinstance(data, dict):
        return {"error": "each line must be a JSON object"}
    missing = [k for k in ("principal", "action", "resource") if k not in data]
    if missing:
        return {"error": f"the request needs {', '.join(missing)}"}
    context = data.get("context") or None
    try:
        decision = simulate(
            account,
            data["principal"],
            data["action"],
            data["resource"],
            context,
            session_policy=data.get("session_policy"),
        )
    except AccountError as error:
        return {"error": error.message, "code": error.code}
    except (TypeError, ValueError) as error:
        return {"error": str(error)}
    return decision.as_dict()


def cmd_account(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    try:
        account = account_from_details(Path(args.details).read_bytes())
    except (OSError, DetailsError) as error:
        print(f"error: {args.details}: {error}", file=sys.stderr)
        return 2
    if args.account_command == "findings":
        print(json.dumps([f.as_dict() for f in findings(account)], indent=2), file=out)
        return 0
    if args.account_command == "who-can":
        allowed = who_can(account, args.action, args.resource)
        answer = [
            {
                "principal": d.principal,
                "allowed_by": [a.as_dict() for a in d.allowed_by],
            }
            for d in allowed
        ]
        print(json.dumps(answer, indent=2), file=out)
        return 0
    for line in stdin:
        if line.strip():
            out.write(json.dumps(_line(account, line)) + "\n")
            out.flush()
    return 0
