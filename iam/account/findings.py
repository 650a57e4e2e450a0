"""Findings on a practice account: the CIS AWS Foundations Benchmark's IAM
checks, and privilege-escalation paths (the well-known methods catalogued by
Rhino Security Labs and checked by tools such as PMapper).

Every finding names the identity, says why it matters and how to fix it. An
escalation path is reported only when every step is really allowed: each step
is a ``simulate`` of the concrete request on the concrete target, so a Deny, a
resource constraint, a condition or a permissions boundary that blocks a step
leaves no finding.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ..catalog import expand_actions
from ..grammar import parse_policy
from .effective import Evaluator
from .model import Account, Group, Role, User

HIGH, MEDIUM, LOW = "high", "medium", "low"
ROTATE_AFTER = timedelta(days=90)
UNUSED_AFTER = timedelta(days=45)
ROOT_RECENT = timedelta(days=90)
SUPPORT_POLICY = "arn:aws:iam::aws:policy/AWSSupportAccess"

# Services that run code with a role passed to them, and the calls that make
# them do it (besides iam:PassRole on the role).
CODE_RUNNERS: dict[str, tuple[str, tuple[tuple[str, ...], ...]]] = {
    "lambda": (
        "lambda.amazonaws.com",
        (
            ("lambda:CreateFunction", "lambda:InvokeFunction"),
            # or let an event (a new DynamoDB stream, say) invoke it
            ("lambda:CreateFunction", "lambda:CreateEventSourceMapping"),
        ),
    ),
    "ec2": ("ec2.amazonaws.com", (("ec2:RunInstances",),)),
    "glue": ("glue.amazonaws.com", (("glue:CreateDevEndpoint",),)),
    "cloudformation": (
        "cloudformation.amazonaws.com",
        (("cloudformation:CreateStack",),),
    ),
    "datapipeline": (
        "datapipeline.amazonaws.com",
        (("datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"),),
    ),
    "sagemaker": (
        "sagemaker.amazonaws.com",
        (
            (
                "sagemaker:CreateNotebookInstance",
                "sagemaker:CreatePresignedNotebookInstanceUrl",
            ),
            ("sagemaker:CreateTrainingJob",),
            ("sagemaker:CreateProcessingJob",),
        ),
    ),
    "codebuild": (
        "codebuild.amazonaws.com",
        (("codebuild:CreateProject", "codebuild:StartBuild"),),
    ),
}

# Requests an administrator can make and others usually cannot: a principal
# allowed all of them has nothing left to escalate to.
_ADMIN_PROBES = (
    ("iam:AttachUserPolicy", "*"),
    ("iam:CreateUser", "*"),
    ("iam:PassRole", "*"),
    ("ec2:RunInstances", "*"),
    ("s3:DeleteBucket", "*"),
    ("kms:ScheduleKeyDeletion", "*"),
    ("organizations:LeaveOrganization", "*"),
)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    principal: str
    message: str
    steps: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "principal": self.principal,
            "message": self.message,
            "steps": list(self.steps),
        }


# --- the CIS checks -------------------------------------------------------------------


def _cis(account: Account, now: datetime) -> Iterator[Finding]:
    if account.credentials_known:  # an imported file says nothing of them
        yield from _credential_checks(account, now)
    for user in account.users.values():
        if user.managed or user.inline:
            yield Finding(
                "policy-on-user",
                LOW,
                user.arn,
                f"{user.name} has policies attached directly. Give permissions "
                "through groups (or roles), so they are managed in one place.",
            )
    yield from _admin_policies(account)
    if not any(SUPPORT_POLICY in role.managed for role in account.roles.values()):
        yield Finding(
            "no-support-role",
            LOW,
            account.root_arn,
            "No role has AWSSupportAccess. Create a role for managing incidents "
            "with AWS Support, and let the people who handle incidents assume it.",
        )


def _credential_checks(account: Account, now: datetime) -> Iterator[Finding]:
    root = account.root
    if root.access_keys:
        yield Finding(
            "root-access-keys",
            HIGH,
            account.root_arn,
            "The root user has access keys. Root keys can do anything in the "
            "account and no policy limits them: delete them and use IAM roles or "
            "users with only the permissions they need.",
        )
    if not root.mfa:
        yield Finding(
            "root-without-mfa",
            HIGH,
            account.root_arn,
            "The root user has no MFA. A stolen root password then gives the "
            "whole account away: turn MFA on for the root user.",
        )
    used = [root.password_last_used, *(k.last_used for k in root.access_keys)]
    recent = [when for when in used if when and now - when < ROOT_RECENT]
    if recent:
        yield Finding(
            "root-used-recently",
            MEDIUM,
            account.root_arn,
            f"The root user was used on {max(recent):%Y-%m-%d}. Keep it for the "
            "few tasks only root can do; use IAM identities for daily work.",
        )
    for user in account.users.values():
        yield from _user_checks(user, now)


def _user_checks(user: User, now: datetime) -> Iterator[Finding]:
    if user.password and not user.mfa:
        yield Finding(
            "console-without-mfa",
            MEDIUM,
            user.arn,
            f"{user.name} signs in to the console with a password and no MFA. "
            "Turn MFA on for every user with a console password.",
        )
    if user.password:
        last = user.password_last_used or user.created
        if now - last >= UNUSED_AFTER:
            yield Finding(
                "password-unused",
                MEDIUM,
                user.arn,
                f"{user.name}'s console password has not been used for 45 days or "
                "more. Remove credentials no one uses.",
            )
    for key in user.access_keys:
        if not key.active:
            continue
        if now - key.created >= ROTATE_AFTER:
            yield Finding(
                "access-key-not-rotated",
                MEDIUM,
                user.arn,
                f"{user.name}'s access key {key.id} is more than 90 days old. "
                "Rotate it: create a second key, move to it, deactivate the old "
                "one, then delete it.",
            )
        if now - (key.last_used or key.created) >= UNUSED_AFTER:
            yield Finding(
                "access-key-unused",
                MEDIUM,
                user.arn,
                f"{user.name}'s access key {key.id} has not been used for 45 days "
                "or more. Deactivate it, then delete it.",
            )


def _grants_everything(document: dict) -> bool:
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        actions = statement.get("Action", [])
        resources = statement.get("Resource", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = [resources] if isinstance(resources, str) else resources
        if (
            statement.get("Effect") == "Allow"
            and "*" in actions
            and "*" in resources
            and not statement.get("Condition")
        ):
            return True
    return False


def _admin_policies(account: Account) -> Iterator[Finding]:
    for policy in account.policies.values():
        if policy.aws_managed:
            continue
        attached = list(account.attachments(policy.arn))
        if attached and _grants_everything(json.loads(policy.document)):
            names = ", ".join(f"{kind} {name}" for kind, name in attached)
            yield Finding(
                "policy-grants-everything",
                HIGH,
                policy.arn,
                f'{policy.name} allows every action on every resource ("*:*") '
                f"and is attached to {names}. Grant only what each job needs; "
                "keep full administrator access to a few, through a role.",
            )
    tables = (
        ("user", account.users),
        ("group", account.groups),
        ("role", account.roles),
    )
    for kind, table in tables:
        for identity in table.values():
            for name, text in identity.inline.items():
                if _grants_everything(json.loads(text)):
                    yield Finding(
                        "policy-grants-everything",
                        HIGH,
                        identity.arn,
                        f"The inline policy {name} of {kind} {identity.name} "
                        'allows every action on every resource ("*:*"). Grant '
                        "only what each job needs.",
                    )


# --- privilege escalation -------------------------------------------------------------


def attacker_context(now: datetime) -> dict[str, Any]:
    """What a request made now, with fresh credentials, over TLS, carries: the
    keys a principal cannot help sending. A condition on them is met (or not)
    as it would be for a real attacker; a condition on anything else (an
    address, MFA, a tag) is taken as not met, so it blocks a step."""
    when = now.astimezone(UTC).replace(microsecond=0)
    return {
        "aws:CurrentTime": when.isoformat().replace("+00:00", "Z"),
        "aws:EpochTime": str(int(when.timestamp())),
        "aws:TokenIssueTime": (when - timedelta(minutes=5))
        .isoformat()
        .replace("+00:00", "Z"),
        "aws:SecureTransport": "true",
    }


class _Paths:
    """Escalation paths of one principal, each step checked by ``simulate``
    with the context of a request made now (``attacker_context``)."""

    def __init__(
        self, account: Account, principal: str, now: datetime | None = None
    ) -> None:
        self.account = account
        self.principal = principal
        self.now = now or account.clock()
        self._base = attacker_context(self.now)
        self._cache: dict[tuple, bool] = {}
        self._evaluators: dict[str, Evaluator] = {}
        self.assumable: list[Role] | None = None

    def can(self, action: str, resource: str, context=None, *, who=None) -> bool:
        who = who or self.principal
        key = (who, action, resource, tuple(sorted((context or {}).items())))
        if key not in self._cache:
            evaluator = self._evaluators.get(who)
            if evaluator is None:
                evaluator = self._evaluators[who] = Evaluator(self.account, who)
            self._cache[key] = evaluator.allowed(
                action, resource, {**self._base, **(context or {})}
            )
        return self._cache[key]

    def is_admin(self, who: str | None = None) -> bool:
        return all(self.can(action, res, who=who) for action, res in _ADMIN_PROBES)

    def gain(self, target: str) -> tuple[str, str] | None:
        """A request ``target`` may make that this principal may not, if any:
        taken from the target's own Allow statements."""
        for action, resource in _grants_of(self.account, target):
            if self.can(action, resource, who=target) and not self.can(
                action, resource
            ):
                return action, resource
        return None


def _concrete(pattern: str, limit: int = 3) -> list[str]:
    if pattern == "*":
        return [action for action, _ in _ADMIN_PROBES]
    if "*" not in pattern and "?" not in pattern:
        return [pattern]
    return expand_actions(pattern)[:limit]


def _allow_requests(policies) -> Iterator[tuple[str, str]]:
    """Concrete (action, resource) requests that the Allow statements of
    ``policies`` are about; a Resource with a wildcard other than "*" is
    skipped, so each request is one a policy really names."""
    for policy in policies:
        for statement in policy.statements:
            if statement.effect != "Allow" or statement.action is None:
                continue
            for resource in statement.resource or ("*",):
                if resource != "*" and ("*" in resource or "?" in resource):
                    continue
                for pattern in statement.action:
                    for action in _concrete(pattern):
                        yield action, resource


def _grants_of(account: Account, principal: str) -> Iterator[tuple[str, str]]:
    return _allow_requests(Evaluator(account, principal).identity)


def _roles_assumable(paths: _Paths) -> list[Role]:
    """The roles the principal may assume (its policies and the trust policy
    both allowing), worked out once per principal."""
    if paths.assumable is None:
        paths.assumable = [
            role
            for role in paths.account.roles.values()
            if role.arn != paths.principal and paths.can("sts:AssumeRole", role.arn)
        ]
    return paths.assumable


def _escalations(paths: _Paths, user: User | None, role: Role | None):
    account, principal = paths.account, paths.principal
    name = (user or role).name
    if paths.is_admin():
        return
    found: list[Finding] = []

    def report(code: str, message: str, steps: list[str]) -> None:
        found.append(
            Finding(
                f"privilege-escalation-{code}", HIGH, principal, message, tuple(steps)
            )
        )

    admin_gain = "attach or write a policy that allows everything"
    own = [("user", user)] if user else [("role", role)]
    groups = [account.group(g) for g in user.groups] if user else []

    # 1-2. Rewrite a customer managed policy that is attached to the principal.
    for policy in account.policies.values():
        if policy.aws_managed:
            continue
        reaches = [
            where
            for where in [*own, *(("group", g) for g in groups)]
            if policy.arn in where[1].managed
        ]
        if not reaches:
            continue
        kind, holder = reaches[0]
        via = f"{kind} {holder.name}"
        if paths.can("iam:CreatePolicyVersion", policy.arn):
            report(
                "create-policy-version",
                f"{name} can write a new default version of {policy.name}, which "
                f"is attached to {via}, and so give itself any permission.",
                [
                    f"{name} calls iam:CreatePolicyVersion on {policy.arn} with "
                    "--set-as-default",
                    f"the new version allows everything, and it reaches {name} "
                    f"through {via}",
                ],
            )
        if len(policy.versions) > 1 and paths.can(
            "iam:SetDefaultPolicyVersion", policy.arn
        ):
            found_gain = _version_gain(paths, policy)
            if found_gain:
                version, (action, resource) = found_gain
                report(
                    "set-default-policy-version",
                    f"{name} can make version {version} of {policy.name} the "
                    f"default, and that version allows more.",
                    [
                        f"{name} calls iam:SetDefaultPolicyVersion on {policy.arn} "
                        f"with {version}",
                        f"{version} reaches {name} through {via} and allows "
                        f"{action} on {resource}, which {name} cannot do now",
                    ],
                )

    # 3-5. Credentials of another user.
    for other in account.users.values():
        if user is not None and other.name == user.name:
            continue
        # The cheap questions first: can the principal touch this user's
        # credentials at all? Only then, what would it gain?
        keys_ok = len(other.access_keys) < 2 or paths.can(
            "iam:DeleteAccessKey", other.arn
        )
        can_key = keys_ok and paths.can("iam:CreateAccessKey", other.arn)
        # A user without a console password gets one with CreateLoginProfile,
        # a user with one a new one with UpdateLoginProfile; where the account
        # does not say (an imported file has no credentials), both may work.
        profiles = []
        if other.password or not account.credentials_known:
            profiles.append(("iam:UpdateLoginProfile", "update-login-profile"))
        if not other.password or not account.credentials_known:
            profiles.append(("iam:CreateLoginProfile", "create-login-profile"))
        profiles = [(p, code) for p, code in profiles if paths.can(p, other.arn)]
        if not can_key and not profiles:
            continue
        gain = paths.gain(other.arn)
        if gain is None:
            continue
        what = f"{other.name} can {gain[0]} on {gain[1]}, which {name} cannot"
        if can_key:
            steps = [f"{name} calls iam:CreateAccessKey for user {other.name}"]
            if len(other.access_keys) >= 2:
                full = f"{name} deletes one of {other.name}'s two keys"
                steps.insert(0, f"{full} (iam:DeleteAccessKey)")
            report(
                "create-access-key",
                f"{name} can create an access key for {other.name} and act as them.",
                [*steps, f"with that key {name} acts as {other.name}", what],
            )
        for profile, code in profiles:
            report(
                code,
                f"{name} can set {other.name}'s console password and sign in as them.",
                [
                    f"{name} calls {profile} for user {other.name}",
                    f"{name} signs in to the console as {other.name}",
                    what,
                ],
            )

    # 6-11. Attach or write a policy where it reaches the principal: on itself,
    # on one of its groups, or on a role it can assume.
    assumable = _roles_assumable(paths)
    holders = [(kind, holder, "", []) for kind, holder in own]
    holders += [("group", g, f", of which {name} is a member", []) for g in groups]
    holders += [
        ("role", r, f", which {name} can assume", [f"{name} assumes role {r.name}"])
        for r in assumable
    ]
    for kind, holder, through, then in holders:
        for verb, call in (("attach", "Attach"), ("put", "Put")):
            action = f"iam:{call}{kind.capitalize()}Policy"
            if not paths.can(action, holder.arn):
                continue
            written = "attach" if verb == "attach" else "write"
            report(
                f"{verb}-{kind}-policy",
                f"{name} can {written} a policy on {kind} {holder.name}{through}, "
                "and so give itself any permission.",
                [
                    f"{name} calls {action} on {kind} {holder.name}",
                    f"{name} uses it to {admin_gain}",
                    *then,
                ],
            )

    # 12. Join a group with more permissions.
    if user is not None:
        for group in account.groups.values():
            if group.name in user.groups:
                continue
            if not paths.can("iam:AddUserToGroup", group.arn):
                continue
            gain = _group_gain(paths, user, group)
            if gain:
                report(
                    "add-user-to-group",
                    f"{name} can add itself to group {group.name} and get its "
                    "permissions.",
                    [
                        f"{name} calls iam:AddUserToGroup on {group.name}",
                        f"{group.name}'s policies allow {gain[0]} on {gain[1]}, "
                        f"which {name} cannot do now",
                    ],
                )

    # 13. Rewrite a role's trust policy, then assume it.
    for target in account.roles.values():
        if target is role or target in assumable:
            continue
        if not paths.can("iam:UpdateAssumeRolePolicy", target.arn):
            continue
        identity_allows = _identity_allows_assume(paths, target)
        gain = paths.gain(target.arn)
        if identity_allows and gain:
            report(
                "update-assume-role-policy",
                f"{name} can rewrite the trust policy of role {target.name} to "
                "trust itself, then assume it.",
                [
                    f"{name} calls iam:UpdateAssumeRolePolicy on {target.name}",
                    f"{name} calls sts:AssumeRole on {target.name}",
                    f"{target.name} can {gain[0]} on {gain[1]}, which {name} cannot",
                ],
            )

    # 14. Pass a role to a service that runs code.
    for target in account.roles.values():
        if target is role:
            continue
        trusted = _trusted_services(target)
        for service, (principal_name, call_sets) in CODE_RUNNERS.items():
            if principal_name not in trusted:
                continue
            context = {"iam:PassedToService": principal_name}
            if not paths.can("iam:PassRole", target.arn, context):
                continue
            if service == "ec2" and not target.instance_profiles:
                continue  # EC2 takes a role only through an instance profile
            calls = next(
                (c for c in call_sets if all(paths.can(call, "*") for call in c)),
                None,
            )
            if calls is None:
                continue
            gain = paths.gain(target.arn)
            if gain is None:
                continue
            report(
                f"pass-role-{service}",
                f"{name} can pass role {target.name} to {service} and run code "
                "with its permissions.",
                [
                    f"{name} calls iam:PassRole on {target.name} for {principal_name}",
                    *(f"{name} calls {call}" for call in calls),
                    f"the code runs as {target.name}, which can {gain[0]} on "
                    f"{gain[1]}; {name} cannot",
                ],
            )
    yield from found


def _identity_allows_assume(paths: _Paths, role: Role) -> bool:
    """Whether the principal's own policies allow sts:AssumeRole on the role
    (after rewriting the trust policy, the trust side is the caller's)."""
    evaluator = Evaluator(paths.account, paths.principal)
    return evaluator.allowed("sts:AssumeRole", role.arn, resource_policy=False)


def _version_gain(paths: _Paths, policy) -> tuple[str, tuple[str, str]] | None:
    """A version of the policy, and a request it would allow the principal
    that the default version does not, if any."""
    current = policy.default_version
    for version in policy.versions:
        if version == current:
            continue
        document = parse_policy(policy.versions[version])
        # What the principal cannot do now is decided before the trial.
        wanted = [r for r in _allow_requests([document]) if not paths.can(*r)]
        if not wanted:
            continue
        policy.default_version = version  # try it, then put the default back
        try:
            trial = _Paths(paths.account, paths.principal, paths.now)
            gain = next((r for r in wanted if trial.can(*r)), None)
        finally:
            policy.default_version = current
        if gain:
            return version, gain
    return None


def _group_gain(paths: _Paths, user: User, group: Group) -> tuple[str, str] | None:
    """A request the group's policies would allow the user that it cannot make
    now (its boundary and every Deny still applying), if any."""
    account = paths.account
    policies = [group.inline_policy(name) for name in group.inline]
    policies += [account.managed_policy(arn).policy() for arn in group.managed]
    wanted = [r for r in _allow_requests(policies) if not paths.can(*r)]
    if not wanted:
        return None
    user.groups.append(group.name)  # try the membership, then take it back
    try:
        joined = _Paths(account, paths.principal, paths.now)
        return next((r for r in wanted if joined.can(*r)), None)
    finally:
        user.groups.remove(group.name)


def _trusted_services(role: Role) -> set[str]:
    services: set[str] = set()
    for statement in role.trust_policy().statements:
        if statement.effect != "Allow":
            continue
        for kind, value in statement.principal or ():
            if kind == "Service":
                services.add(value)
    return services


# How many roles a chain of sts:AssumeRole may go through (AWS has no limit on
# chaining, only on a chained session's length: one hour).
CHAIN_HOPS = 4


def findings(account: Account, *, now: datetime | None = None) -> list[Finding]:
    """Every finding on the account: CIS checks first, then escalation paths,
    each principal's own and those it reaches by assuming roles."""
    now = now or account.clock()
    found = list(_cis(account, now))
    principals = {
        user.arn: _Paths(account, user.arn, now) for user in account.users.values()
    }
    principals |= {
        role.arn: _Paths(account, role.arn, now) for role in account.roles.values()
    }
    direct: dict[str, list[Finding]] = {}
    for user in account.users.values():
        direct[user.arn] = list(_escalations(principals[user.arn], user, None))
    for role in account.roles.values():
        direct[role.arn] = list(_escalations(principals[role.arn], None, role))
    paths: list[Finding] = []
    for arn, principal in principals.items():
        paths.extend(direct[arn])
        paths.extend(_through_roles(principal, principals, direct))
    return found + _one_per_method(paths)


def _through_roles(
    paths: _Paths, principals: dict[str, _Paths], direct: dict[str, list[Finding]]
) -> Iterator[Finding]:
    """Paths that start by assuming roles, one after another (as PMapper follows
    its graph's edges): to a role with full administrative access, or to a role
    that has an escalation path of its own. A principal with full access has
    nothing to escalate to, and a role already reached is not visited again."""
    if paths.is_admin():
        return
    name = paths.principal.rsplit("/", 1)[-1]
    own = {finding.code for finding in direct[paths.principal]}
    seen = {paths.principal}
    frontier: list[tuple[Role, list[str]]] = [
        (role, [f"{name} assumes role {role.name}"]) for role in _roles_assumable(paths)
    ]
    for _hop in range(CHAIN_HOPS):
        following: list[tuple[Role, list[str]]] = []
        for role, steps in frontier:
            if role.arn in seen:
                continue
            seen.add(role.arn)
            reached = principals[role.arn]
            chain = " then ".join(step.split(" assumes ", 1)[1] for step in steps)
            if reached.is_admin():
                yield Finding(
                    "privilege-escalation-assume-role",
                    HIGH,
                    paths.principal,
                    f"{name} can assume {chain}, which has full administrative access.",
                    (*steps, f"as {role.name}, {name} can do anything"),
                )
                continue
            for finding in direct[role.arn]:
                if finding.code in own:
                    continue  # the principal has the same method itself
                yield Finding(
                    finding.code,
                    HIGH,
                    paths.principal,
                    f"{name} can assume {chain}, and then: {finding.message}",
                    (*steps, *finding.steps),
                )
            following += [
                (next_role, [*steps, f"{role.name} assumes role {next_role.name}"])
                for next_role in _roles_assumable(reached)
            ]
        frontier = following


def _one_per_method(paths: list[Finding]) -> list[Finding]:
    """One finding per principal and method: the first path's steps, and how
    many other targets the same method reaches."""
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for finding in paths:
        grouped.setdefault((finding.principal, finding.code), []).append(finding)
    merged = []
    for same in grouped.values():
        first = same[0]
        others = len(same) - 1
        if others:
            more = f" The same method reaches {others} other target"
            first = Finding(
                first.code,
                first.severity,
                first.principal,
                f"{first.message}{more}{'s' if others > 1 else ''}.",
                first.steps,
            )
        merged.append(first)
    return merged
