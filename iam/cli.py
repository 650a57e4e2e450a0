"""Command line: ``python -m iam validate|evaluate|simulate|compare|account``.

``account`` is documented in ``account/cli.py``.

``simulate`` reads JSON lines and answers each with one JSON line, flushed::

    in:  {"policies": {"identity": [doc, ...], "resource": doc|null,
          "boundary": doc|null, "scps": [level, ...], "session": doc|null},
          "request": {"principal": arn, "action": a, "resource": arn, "context": {...},
                      "resource_account": id}}
    out: {"decision": "Allow"|"ExplicitDeny"|"ImplicitDeny", "matched": [...]}
         or {"error": "..."} for a bad line, after which it goes on.

``matched`` lists every statement that applied, Allow and Deny alike, in evaluation
order: ``{"policy": "identity[0]", "statement": 0, "sid": "ReadOnly", "effect":
"Allow"}``. Policy labels are ``identity[i]``, ``resource``, ``boundary``,
``session`` and ``scp[level][i]``; ``statement`` is 0-based.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from .account import cli as account_cli
from .compare import compare
from .evaluation import evaluate
from .grammar import parse_policy
from .lint import lint
from .policy import KINDS, Policy
from .problems import PolicyError
from .request import Request

DEFAULT_PRINCIPAL = "arn:aws:iam::111122223333:user/learner"


def guess_kind(document: Any) -> str:
    """identity, or resource/trust when statements name a Principal."""
    if not isinstance(document, dict):
        return "identity"
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return "identity"
    items = [s for s in statements if isinstance(s, dict)]
    if not any("Principal" in s or "NotPrincipal" in s for s in items):
        return "identity"
    if not any("Resource" in s or "NotResource" in s for s in items):
        return "trust"
    return "resource"


def _guess_kind_from_text(text: str) -> str:
    try:
        return guess_kind(json.loads(text))
    except (ValueError, RecursionError):
        return "identity"


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    invalid = False
    for name in args.files:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            print(f"{name}:1:1: unreadable {error}", file=out)
            invalid = True
            continue
        kind = args.kind or _guess_kind_from_text(text)
        try:
            policy = parse_policy(text, kind=kind)
        except PolicyError as error:
            invalid = True
            for problem in error.problems:
                line, column = problem.line or 1, problem.column or 1
                print(
                    f"{name}:{line}:{column}: {problem.code} {problem.message}",
                    file=out,
                )
            continue
        for finding in lint(policy):
            line, column = finding.line or 1, finding.column or 1
            print(
                f"{name}:{line}:{column}: {finding.code} {finding.message} "
                f"({finding.severity})",
                file=out,
            )
    return 1 if invalid else 0


def _context_pairs(pairs: Sequence[str]) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"--context expects key=value, got {pair!r}")
        parsed: Any = value
        if value.startswith("["):
            try:
                parsed = json.loads(value)
            except ValueError:
                parsed = value
        if key in context:
            previous = context[key]
            previous = previous if isinstance(previous, list) else [previous]
            context[key] = previous + (parsed if isinstance(parsed, list) else [parsed])
        else:
            context[key] = parsed
    return context


def _load(path: str, kind: str | None) -> Policy:
    text = Path(path).read_text(encoding="utf-8")
    return parse_policy(text, kind=kind or _guess_kind_from_text(text))


def cmd_evaluate(args: argparse.Namespace, out: TextIO) -> int:
    try:
        identity = [_load(p, "identity") for p in args.policy]
        resource = _load(args.resource_policy, None) if args.resource_policy else None
        boundary = _load(args.boundary, "boundary") if args.boundary else None
        session = _load(args.session_policy, "session") if args.session_policy else None
        scps = [_load(p, "scp") for p in args.scp]
    except PolicyError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=out)
        return 2
    except OSError as error:
        print(f"error: {error}", file=out)
        return 2
    request = Request(
        args.principal,
        args.action,
        args.resource,
        _context_pairs(args.context),
        resource_account=args.resource_account,
    )
    decision = evaluate(
        request,
        identity=identity,
        resource_policy=resource,
        boundary=boundary,
        scps=scps,
        session=session,
    )
    print(decision.explain(), file=out)
    return 0


class _PolicyCache:
    """Parses each distinct document once per run."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.items: OrderedDict[tuple[str, str], Policy] = OrderedDict()

    def get(self, document: Any, kind: str) -> Policy:
        if isinstance(document, str):
            key = (kind, document)
        else:
            key = (kind, json.dumps(document, sort_keys=True))
        policy = self.items.get(key)
        if policy is None:
            policy = parse_policy(document, kind=kind)
            self.items[key] = policy
            if len(self.items) > self.size:
                self.items.popitem(last=False)
        else:
            self.items.move_to_end(key)
        return policy


def _strict_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(
                f'duplicate key "{key}" (a later value would replace the first)'
            )
        result[key] = value
    return result


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def simulate_line(line: str, cache: _PolicyCache) -> dict[str, Any]:
    """Answers one ``simulate`` input line."""
    try:
        data = json.loads(
            line, object_pairs_hook=_strict_object, parse_constant=_refuse_constant
        )
    except (ValueError, RecursionError) as error:
        return {"error": f"invalid JSON input: {error}"}
    if not isinstance(data, dict):
        return {"error": "each line must be a JSON object with policies and request"}
    policies = data.get("policies") or {}
    raw_request = data.get("request")
    if not isinstance(policies, dict) or not isinstance(raw_request, dict):
        return {"error": 'expected {"policies": {...}, "request": {...}}'}
    try:
        identity_docs = policies.get("identity") or []
        if isinstance(identity_docs, (dict, str)):
            identity_docs = [identity_docs]
        identity = [cache.get(doc, "identity") for doc in identity_docs]
        resource_doc = policies.get("resource")
        trust_doc = policies.get("trust")
        resource = None
        if trust_doc is not None:
            resource = cache.get(trust_doc, "trust")
        elif resource_doc is not None:
            document = (
                json.loads(resource_doc)
                if isinstance(resource_doc, str)
                else resource_doc
            )
            kind = "trust" if guess_kind(document) == "trust" else "resource"
            resource = cache.get(resource_doc, kind)
        boundary_doc = policies.get("boundary")
        boundary = (
            cache.get(boundary_doc, "boundary") if boundary_doc is not None else None
        )
        session_doc = policies.get("session")
        session = cache.get(session_doc, "session") if session_doc is not None else None
        scps = []
        for level in policies.get("scps") or []:
            if isinstance(level, list):
                scps.append([cache.get(doc, "scp") for doc in level])
            else:
                scps.append(cache.get(level, "scp"))
        request = Request(
            raw_request.get("principal") or DEFAULT_PRINCIPAL,
            raw_request["action"],
            raw_request["resource"],
            raw_request.get("context") or None,
            resource_account=raw_request.get("resource_account"),
        )
        decision = evaluate(
            request,
            identity=identity,
            resource_policy=resource,
            boundary=boundary,
            scps=scps,
            session=session,
        )
    except PolicyError as error:
        return {"error": "invalid policy: " + "; ".join(str(p) for p in error.problems)}
    except KeyError as error:
        return {"error": f"the request needs {error.args[0]!r}"}
    except (TypeError, ValueError, AttributeError) as error:
        return {"error": str(error)}
    return {
        "decision": decision.effect,
        "matched": [s.as_dict() for s in decision.matched],
    }


def cmd_simulate(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    cache = _PolicyCache()
    for line in stdin:
        if not line.strip():
            continue
        try:
            answer = simulate_line(line, cache)
        except Exception as error:  # noqa: BLE001 - one bad line must not stop the run
            answer = {"error": f"internal error: {type(error).__name__}: {error}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()
    return 0


def cmd_compare(args: argparse.Namespace, out: TextIO) -> int:
    """Prints where a candidate and a reference differ, as one JSON object."""
    try:
        texts = [
            Path(name).read_text(encoding="utf-8")
            for name in (args.candidate, args.reference)
        ]
        kind = args.kind or _guess_kind_from_text(texts[1])
        candidate, reference = (parse_policy(text, kind=kind) for text in texts)
    except PolicyError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    result = compare(candidate, reference, kind=kind)
    print(json.dumps(result.details_json()), file=out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m iam",
        description="Validate, evaluate and explain IAM policies.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="report problems and lint findings")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.add_argument(
        "--kind", choices=KINDS, help="policy kind (default: guessed)"
    )
    evaluate_cmd = commands.add_parser(
        "evaluate", help="decide one request and explain it"
    )
    evaluate_cmd.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="FILE",
        help="an identity-based policy (repeatable)",
    )
    evaluate_cmd.add_argument(
        "--resource-policy",
        metavar="FILE",
        help="a resource-based or role trust policy",
    )
    evaluate_cmd.add_argument(
        "--boundary", metavar="FILE", help="a permissions boundary"
    )
    evaluate_cmd.add_argument(
        "--scp",
        action="append",
        default=[],
        metavar="FILE",
        help="an SCP, one organization level each (repeatable)",
    )
    evaluate_cmd.add_argument(
        "--session-policy", metavar="FILE", help="a session policy"
    )
    evaluate_cmd.add_argument("--action", required=True)
    evaluate_cmd.add_argument("--resource", required=True)
    evaluate_cmd.add_argument("--principal", default=DEFAULT_PRINCIPAL)
    evaluate_cmd.add_argument("--resource-account", metavar="ID")
    evaluate_cmd.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a context key (repeat a key for a multivalued key)",
    )
    commands.add_parser(
        "simulate", help="answer JSON lines on stdin, one JSON line each"
    )
    compare_cmd = commands.add_parser(
        "compare", help="requests where a candidate policy and a reference differ"
    )
    # Two positionals rather than nargs=2 with a tuple metavar, which argparse
    # cannot format in --help or in its "required" error.
    compare_cmd.add_argument(
        "candidate", metavar="CANDIDATE", help="the policy to check"
    )
    compare_cmd.add_argument(
        "reference", metavar="REFERENCE", help="the policy it should mean"
    )
    compare_cmd.add_argument(
        "--kind", choices=KINDS, help="policy kind (default: guessed)"
    )
    account_cli.add_parser(commands)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    out: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    args = build_parser().parse_args(argv)
    out = out or sys.stdout
    if args.command == "validate":
        return cmd_validate(args, out)
    if args.command == "evaluate":
        return cmd_evaluate(args, out)
    if args.command == "compare":
        return cmd_compare(args, out)
    if args.command == "account":
        return account_cli.cmd_account(args, out, stdin or sys.stdin)
    return cmd_simulate(args, out, stdin or sys.stdin)
