"""An IAM policy engine for teaching: parse, validate, evaluate and explain policies.

Standard library only, and no Django: the quizzes app uses it, not the other way
round. The public API::

    policy = parse_policy(text, kind="identity")
    request = Request(principal, action, resource, context)
    decision = evaluate(request, identity=[policy])
    decision.effect, decision.allowed, decision.explain()
    lint(policy)
    expand_actions("s3:Get*")
    compare(candidate, reference, kind="identity").too_permissive
"""

from .catalog import Catalog, catalog, expand_actions
from .compare import Budget, Comparison, Counterexample, compare
from .evaluation import (
    ALLOW,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    Decision,
    PolicyTrace,
    StatementTrace,
    evaluate,
)
from .lint import lint
from .policy import KINDS, Policy, Statement, parse_policy
from .problems import Finding, PolicyError, Problem
from .request import Request

__all__ = [
    "ALLOW",
    "EXPLICIT_DENY",
    "IMPLICIT_DENY",
    "KINDS",
    "Budget",
    "Catalog",
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
    "expand_actions",
    "lint",
    "parse_policy",
]
