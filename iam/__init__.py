"""An IAM policy engine for teaching: parse, validate, evaluate and explain policies.

Standard library only, and no Django: the quizzes app uses it, not the other way
round. The public API::

    policy = parse_policy(text, kind="identity")
    request = Request(principal, action, resource, context)
    decision = evaluate(request, identity=[policy])
    decision = evaluate_policy(policy, request)   # the policy on its own
    decision.effect, decision.allowed, decision.explain()
    lint(policy)
    expand_actions("s3:Get*")
    compare(candidate, reference, kind="identity").too_permissive
"""

from .catalog import Catalog, catalog, expand_actions
from .compare import Budget, Cause, Comparison, Counterexample, compare
from .evaluation import (
    ALLOW,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    Decision,
    PolicyTrace,
    StatementTrace,
    evaluate,
    evaluate_policy,
)
from .grammar import parse_policy
from .lint import lint
from .policy import KIND_LABELS, KINDS, Policy, Statement
from .problems import Finding, PolicyError, Problem
from .request import Request

__all__ = [
    "ALLOW",
    "EXPLICIT_DENY",
    "IMPLICIT_DENY",
    "KIND_LABELS",
    "KINDS",
    "Budget",
    "Catalog",
    "Cause",
    "Comparison",
    "Counterexample",
    "Decision",
    "Finding",
    "Policy",
    "PolicyError",
    "PolicyTrace",
    "Problem",
    "Request",
    "Statement",
    "StatementTrace",
    "catalog",
    "compare",
    "evaluate",
    "evaluate_policy",
    "expand_actions",
    "lint",
    "parse_policy",
]
