"""The console's pages. Each page lists its forms; a POST names one (``op``),
which ``base.run_form`` validates and applies, then redirects (or, refused,
shows the page again with IAM's code and message and the input kept)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from iam.account import AccountError, simulate, who_can
from iam.account.details import DetailsError, account_from_details, account_to_details
from iam.account.managed import aws_managed_arn, aws_managed_names
from iam.account.permissions import permission_table

from .. import forms as f
from ..services import sandbox_for, sandbox_replace, sandbox_reset
from .base import (
    SIMULATIONS_PER_MINUTE,
    Console,
    console_for,
    find_or_gone,
    findings_of,
    handles_gone,
    missing,
    page_forms,
    policy_arn,
    policy_ref,
    policy_url,
    render_page,
    run_form,
    throttled,
    too_many,
)

GET_POST = require_http_methods(["GET", "POST"])
SEARCH_RESULTS = 40
FINDING_TITLES = {
    "root-access-keys": "The root user has access keys",
    "root-without-mfa": "The root user has no MFA",
    "root-used-recently": "The root user was used recently",
    "console-without-mfa": "Console password without MFA",
    "password-unused": "Console password not used for 45 days",
    "access-key-not-rotated": "Access key not rotated in 90 days",
    "access-key-unused": "Access key not used for 45 days",
    "policy-on-user": "Policies attached to a user directly",
    "policy-grants-everything": 'A policy allows everything ("*:*")',
    "no-support-role": "No role for AWS Support",
}
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@login_required
@require_GET
def sandbox(request):
    """My practice account: opened empty on first visit."""
    return redirect("labs:account", sandbox_for(request.user).pk)


# --- the account --------------------------------------------------------------

ACCOUNT_FORMS = [
    f.CreateUserForm,
    f.CreateGroupForm,
    f.CreateResourceForm,
    f.RootMfaForm,
    f.RootKeyCreateForm,
    f.RootKeyDeleteForm,
]


def _created_url(console: Console, form) -> str | None:
    name = form.cleaned_data.get("name")
    if form.op == "create_user":
        return console.url("user", name)
    if form.op == "create_group":
        return console.url("group", name)
    if form.op == "create_resource":
        return console.url("resource", form.cleaned_data["kind"], name)
    return None


@login_required
@GET_POST
@handles_gone
def account(request, pk: int):
    console = console_for(request, pk)
    outcome = None
    if request.method == "POST":
        outcome = run_form(
            request,
            console,
            ACCOUNT_FORMS,
            next_url=lambda form: _created_url(console, form),
        )
        if outcome.response:
            return outcome.response
    forms = outcome.forms if outcome else page_forms(console, ACCOUNT_FORMS)
    who, wait = _who_can(request, console)
    found = findings_of(request, console)
    summary = None
    if not isinstance(found, int):
        summary = Counter(finding.severity for finding in found)
    account_ = console.account
    response = render_page(
        request,
        "labs/console/account.html",
        console,
        outcome,
        {
            "forms": forms,
            "summary": summary,
            "findings_count": None if isinstance(found, int) else len(found),
            "users": sorted(account_.users.values(), key=lambda u: u.name.lower()),
            "groups": sorted(account_.groups.values(), key=lambda g: g.name.lower()),
            "roles": sorted(account_.roles.values(), key=lambda r: r.name.lower()),
            "policies": [
                (policy, policy_url(pk, policy.arn))
                for policy in sorted(
                    account_.policies.values(), key=lambda p: p.name.lower()
                )
                if not policy.aws_managed
            ],
            "resources": sorted(
                account_.resources.values(), key=lambda r: (r.kind, r.name)
            ),
            "history": _history(console.practice.history),
            "lab": console.practice.lab,
            "who": who,
        },
    )
    if wait:
        response.status_code = 429
        response["Retry-After"] = str(wait)
    return response


def _who_can(request, console: Console) -> tuple[dict, int]:
    """The "Who can ...?" form and, when asked, every principal allowed."""
    if "who-action" not in request.GET:
        return {"form": f.WhoCanForm()}, 0
    form = f.WhoCanForm(request.GET)
    if not form.is_valid():
        return {"form": form}, 0
    wait = throttled(request, "simulate", SIMULATIONS_PER_MINUTE)
    if wait:
        return {"form": form, "error": too_many(wait, "simulations")}, wait
    data = form.cleaned_data
    allowed = who_can(
        console.account, data["action"], data["resource"], data["context"]
    )
    return {
        "form": form,
        "asked": True,
        "allowed": [
            {
                "who": decision.principal.rsplit(":", 1)[-1].replace("/", " ", 1),
                "url": _principal_url(console, decision.principal),
                "explanation": decision.explain(),
            }
            for decision in allowed
        ],
    }, 0


def _owner_only(console: Console) -> None:
    """Pages that only create or reset: a viewer has nothing to see there."""
    if not console.can_change:
        raise PermissionDenied("Only the account's owner can do this.")


def _history(entries: list[dict]) -> list[dict]:
    """Newest first, each with its time as a datetime (None if unreadable)."""
    shown = []
    for entry in reversed(entries):
        try:
            at = datetime.fromisoformat(entry.get("at", ""))
        except (TypeError, ValueError):
            at = None
        shown.append({"at": at, "call": entry.get("call", "")})
    return shown


@login_required
@GET_POST
@handles_gone
def reset(request, pk: int):
    """The sandbox's reset, after a confirmation. A lab's account is reset
    from the lab's page."""
    console = console_for(request, pk)
    _owner_only(console)
    if console.practice.lab_id is not None:
        raise Http404("A lab's account is reset from the lab's page.")
    if request.method == "POST":
        sandbox_reset(console.practice)
        messages.success(request, "Your practice account is empty again.")
        return redirect(console.url("account"))
    return render_page(request, "labs/console/reset.html", console, None, {})


# --- authorization details: export and import ----------------------------------


@login_required
@require_GET
def account_export(request, pk: int):
    """The account as ``aws iam get-account-authorization-details`` prints it,
    the JSON that PMapper and cloudsplaining read: users, groups, roles and
    policies. It has no passwords, MFA or access keys, as AWS's has none."""
    console = console_for(request, pk)
    details = account_to_details(console.account)
    response = HttpResponse(
        json.dumps(details, indent=2, default=str),
        content_type="application/json",
    )
    name = f"account-{console.account.id}-authorization-details.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@GET_POST
def account_import(request, pk: int):
    """Replace the sandbox with the shape of a real account, read from the JSON
    of ``aws iam get-account-authorization-details``. A file with an error is
    refused, naming where, and the account is left as it was."""
    console = console_for(request, pk)
    _owner_only(console)
    if console.practice.lab_id is not None:
        raise Http404("A lab's account starts from the lab's setup.")
    form = f.DetailsImportForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            imported = account_from_details(form.cleaned_data["details"])
            sandbox_replace(console.practice, imported, form.cleaned_data["name"])
        except (DetailsError, AccountError) as refused:
            error = str(refused)
        else:
            messages.success(
                request,
                f"Imported account {imported.id} from {form.cleaned_data['name']}. "
                "The file has no passwords, MFA or access keys, so checks on "
                "credentials are not made for it.",
            )
            return redirect(console.url("account"))
    response = render_page(
        request,
        "labs/console/import.html",
        console,
        None,
        {"form": form, "error": error},
    )
    if request.method == "POST":
        response.status_code = 422  # a success redirected above
    return response


# --- findings -----------------------------------------------------------------


def _principal_url(console: Console, arn: str) -> str | None:
    account_ = console.account
    for table, name in (
        (account_.users, "user"),
        (account_.groups, "group"),
        (account_.roles, "role"),
    ):
        for identity in table.values():
            if identity.arn == arn:
                return console.url(name, identity.name)
    if arn in account_.policies:
        return policy_url(console.practice.pk, arn)
    if arn == account_.root_arn:
        return console.url("account") + "#root-heading"
    return None


def _finding_title(code: str) -> str:
    if code.startswith("privilege-escalation-"):
        method = code.removeprefix("privilege-escalation-").replace("-", " ")
        return f"Privilege escalation: {method}"
    return FINDING_TITLES.get(code, code.replace("-", " ").capitalize())


@login_required
@require_GET
def findings(request, pk: int):
    console = console_for(request, pk)
    found = findings_of(request, console)
    if isinstance(found, int):
        messages.error(request, too_many(found, "findings"))
        response = render_page(
            request, "labs/console/findings.html", console, None, {"rows": None}
        )
        response.status_code = 429
        response["Retry-After"] = str(found)
        return response
    rows = [
        {
            "finding": finding,
            "title": _finding_title(finding.code),
            "who": finding.principal.rsplit(":", 1)[-1].replace("/", " ", 1),
            "url": _principal_url(console, finding.principal),
            "escalation": finding.code.startswith("privilege-escalation"),
        }
        for finding in sorted(found, key=lambda x: SEVERITY_ORDER.get(x.severity, 3))
    ]
    return render_page(
        request, "labs/console/findings.html", console, None, {"rows": rows}
    )


# --- identities ---------------------------------------------------------------

SHARED_IDENTITY_FORMS = [
    f.DetachPolicyForm,
    f.InlineDeleteForm,
    f.DeleteIdentityForm,
]
IDENTITY_FORMS = {
    "user": [
        f.AddUserToGroupForm,
        f.RemoveUserFromGroupForm,
        f.AccessKeyCreateForm,
        f.AccessKeyStatusForm,
        f.AccessKeyDeleteForm,
        f.LoginProfileForm,
        f.UserMfaForm,
        f.BoundaryDeleteForm,
        *SHARED_IDENTITY_FORMS,
    ],
    "group": [f.AddMemberForm, f.RemoveMemberForm, *SHARED_IDENTITY_FORMS],
    "role": [
        f.MaxSessionForm,
        f.InstanceProfileAddForm,
        f.InstanceProfileRemoveForm,
        f.BoundaryDeleteForm,
        *SHARED_IDENTITY_FORMS,
    ],
}
TABLES = {"user": "users", "group": "groups", "role": "roles"}


def _find(console: Console, kind: str):
    return {
        "user": console.account.user,
        "group": console.account.group,
        "role": console.account.role,
    }[kind]


def _attached(console: Console, arns: list[str]) -> list[dict]:
    found = []
    for arn in arns:
        try:
            policy = console.account.managed_policy(arn)
        except AccountError:
            continue
        found.append(
            {
                "name": policy.name,
                "arn": arn,
                "aws_managed": policy.aws_managed,
                "url": policy_url(console.practice.pk, arn),
            }
        )
    return found


def _simulation(
    request, console: Console, principal: str, kind: str
) -> tuple[dict, int]:
    """The simulator's form and, when asked, its decision; and the seconds to
    wait when this user has simulated too much (0 otherwise). A role's form
    also takes the session policy its session was assumed with."""
    form_class = f.RoleSimulatorForm if kind == "role" else f.SimulatorForm
    if "action" not in request.GET:
        return {"form": form_class()}, 0
    form = form_class(request.GET)
    if not form.is_valid():
        return {"form": form}, 0
    wait = throttled(request, "simulate", SIMULATIONS_PER_MINUTE)
    if wait:
        return {"form": form, "error": too_many(wait, "simulations")}, wait
    data = form.cleaned_data
    try:
        decision = simulate(
            console.account,
            principal,
            data["action"],
            data["resource"],
            data["context"],
            session_policy=data.get("session_policy") or None,
        )
    except AccountError as error:
        return {"form": form, "error": f"{error.code}: {error.message}"}, 0
    return {"form": form, "decision": decision}, 0


def _identity_page(request, pk: int, name: str, kind: str) -> HttpResponse:
    console = console_for(request, pk)
    find_or_gone(request, _find(console, kind), name)
    outcome = None
    if request.method == "POST":
        outcome = run_form(
            request,
            console,
            IDENTITY_FORMS[kind],
            target=name,
            kind=kind,
            exists=lambda account: name in getattr(account, TABLES[kind]),
            next_url=lambda form: (
                console.url("account") if form.op == "delete" else None
            ),
        )
        if outcome.response:
            return outcome.response
    forms = (
        outcome.forms
        if outcome
        else page_forms(console, IDENTITY_FORMS[kind], target=name, kind=kind)
    )
    identity = _find(console, kind)(name)
    boundary = getattr(identity, "boundary", None)
    context: dict = {
        "forms": forms,
        "kind": kind,
        "identity": identity,
        "managed": _attached(console, identity.managed),
        "boundary": _attached(console, [boundary] if boundary else []),
    }
    wait = 0
    if kind == "group":
        context["members"] = console.account.members(name)
    else:
        context["permissions"] = permission_table(console.account, identity.arn)
        context["simulation"], wait = _simulation(request, console, identity.arn, kind)
    if kind == "user":
        context["memberships"] = identity.groups
        context["through_groups"] = [
            (group_name, _attached(console, console.account.group(group_name).managed))
            for group_name in identity.groups
        ]
    if kind == "role":
        context["trust"] = _pretty(identity.trust)
    response = render_page(
        request, f"labs/console/{kind}.html", console, outcome, context
    )
    if wait:
        response.status_code = 429
        response["Retry-After"] = str(wait)
    return response


def _pretty(document: str) -> str:
    try:
        return json.dumps(json.loads(document), indent=2)
    except ValueError:
        return document


@login_required
@GET_POST
@handles_gone
def user(request, pk: int, name: str):
    return _identity_page(request, pk, name, "user")


@login_required
@GET_POST
@handles_gone
def group(request, pk: int, name: str):
    return _identity_page(request, pk, name, "group")


@login_required
@GET_POST
@handles_gone
def role(request, pk: int, name: str):
    return _identity_page(request, pk, name, "role")


@login_required
@GET_POST
@handles_gone
def attach(request, pk: int, kind: str, name: str):
    """Find a managed policy (this account's, or AWS managed by part of its
    name) and attach it, or set it as the permissions boundary."""
    console = console_for(request, pk)
    find_or_gone(request, _find(console, kind), name)
    classes = [f.AttachPolicyForm]
    if kind != "group":
        classes.append(f.BoundaryPutForm)
    outcome = None
    if request.method == "POST":
        outcome = run_form(
            request,
            console,
            classes,
            target=name,
            kind=kind,
            exists=lambda account: name in getattr(account, TABLES[kind]),
            next_url=lambda form: console.url(kind, name),
        )
        if outcome.response:
            return outcome.response
    search = f.PolicySearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    results: list[tuple[str, str | None]] = []
    total = 0
    if query:
        folded = query.casefold()
        matches = [n for n in aws_managed_names() if folded in n.casefold()]
        total = len(matches)
        results = [(n, aws_managed_arn(n)) for n in matches[:SEARCH_RESULTS]]
    identity = _find(console, kind)(name)
    own = [
        policy for policy in console.account.policies.values() if not policy.aws_managed
    ]
    return render_page(
        request,
        "labs/console/attach.html",
        console,
        outcome,
        {
            "forms": outcome.forms
            if outcome
            else page_forms(console, classes, target=name, kind=kind),
            "kind": kind,
            "identity": identity,
            "search": search,
            "query": query,
            "results": results,
            "total": total,
            "own": own,
        },
    )


def _editor_page(
    request,
    console: Console,
    form_class,
    *,
    target: str = "",
    kind: str = "",
    exists=lambda account: True,
    next_url,
    initial: dict | None = None,
    context: dict,
) -> HttpResponse:
    outcome = None
    if request.method == "POST":
        outcome = run_form(
            request,
            console,
            [form_class],
            target=target,
            kind=kind,
            exists=exists,
            next_url=next_url,
        )
        if outcome.response:
            return outcome.response
        form = outcome.forms[form_class.op]
    else:
        form = form_class(
            account=console.account, target=target, kind=kind, initial=initial
        )
    return render_page(
        request,
        "labs/console/editor.html",
        console,
        outcome,
        {"form": form, "shown": (initial or {}).get(form_class.shown_field), **context},
    )


STARTER_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject"],
                "Resource": ["arn:aws:s3:::example-bucket/*"],
            }
        ],
    },
    indent=2,
)


STARTER_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    },
    indent=2,
)


@login_required
@GET_POST
@handles_gone
def inline(request, pk: int, kind: str, name: str, policy_name: str = ""):
    """Write an inline policy of a user, group or role (a new one, or
    ``policy_name`` replaced)."""
    console = console_for(request, pk)
    identity = find_or_gone(request, _find(console, kind), name)
    if policy_name and policy_name not in identity.inline:
        raise missing(request)
    if not policy_name:
        _owner_only(console)
    document = identity.inline.get(policy_name) if policy_name else STARTER_POLICY
    return _editor_page(
        request,
        console,
        f.InlinePolicyForm,
        target=name,
        kind=kind,
        exists=lambda account: name in getattr(account, TABLES[kind]),
        next_url=lambda form: console.url(kind, name),
        initial={"policy_name": policy_name, "document": _pretty(document)},
        context={
            "heading": (
                f"Inline policy {policy_name} of {kind} {name}"
                if policy_name
                else f"A new inline policy for {kind} {name}"
            ),
            "back": (console.url(kind, name), f"{kind} {name}"),
            "button": "Save the inline policy",
            "kind": kind,
        },
    )


@login_required
@GET_POST
@handles_gone
def role_new(request, pk: int):
    console = console_for(request, pk)
    _owner_only(console)
    return _editor_page(
        request,
        console,
        f.CreateRoleForm,
        next_url=lambda form: console.url("role", form.cleaned_data["name"]),
        initial={
            "trust": STARTER_TRUST,
            "path": "/",
            "max_session_duration": 3600,
        },
        context={
            "heading": "Create a role",
            "back": (console.url("account"), "the account"),
            "button": "Create the role",
            "intro": "labs/console/includes/role_intro.html",
        },
    )


@login_required
@GET_POST
@handles_gone
def role_trust(request, pk: int, name: str):
    console = console_for(request, pk)
    role_ = find_or_gone(request, console.account.role, name)
    return _editor_page(
        request,
        console,
        f.TrustPolicyForm,
        target=name,
        exists=lambda account: name in account.roles,
        next_url=lambda form: console.url("role", name),
        initial={"trust": _pretty(role_.trust)},
        context={
            "heading": f"Trust policy of role {name}",
            "back": (console.url("role", name), f"role {name}"),
            "button": "Save the trust policy",
            "intro": "labs/console/includes/role_intro.html",
        },
    )


@login_required
@GET_POST
@handles_gone
def policy_new(request, pk: int):
    console = console_for(request, pk)
    _owner_only(console)
    return _editor_page(
        request,
        console,
        f.CreatePolicyForm,
        next_url=lambda form: policy_url(pk, form.arn),
        initial={"document": STARTER_POLICY, "path": "/"},
        context={
            "heading": "Create a customer managed policy",
            "back": (console.url("account"), "the account"),
            "button": "Create the policy",
        },
    )


POLICY_FORMS = [f.SetDefaultVersionForm, f.DeleteVersionForm, f.DeletePolicyForm]


@login_required
@GET_POST
@handles_gone
def policy(request, pk: int, ref: str):
    console = console_for(request, pk)
    arn = policy_arn(console.account, ref)
    found = find_or_gone(request, console.account.managed_policy, arn)
    outcome = None
    if request.method == "POST":
        outcome = run_form(
            request,
            console,
            POLICY_FORMS,
            target=arn,
            exists=lambda account: arn in account.policies,
            next_url=lambda form: (
                console.url("account") if form.op == "policy_delete" else None
            ),
        )
        if outcome.response:
            return outcome.response
    return render_page(
        request,
        "labs/console/policy.html",
        console,
        outcome,
        {
            "forms": outcome.forms
            if outcome
            else page_forms(console, POLICY_FORMS, target=arn),
            "policy": found,
            "versions": [
                (version, _pretty(text))
                for version, text in sorted(
                    found.versions.items(), key=lambda item: int(item[0][1:])
                )
            ],
            "attached_to": [
                (kind, name, console.url(kind, name))
                for kind, name in console.account.attachments(arn)
            ],
            "new_version_url": console.url("policy_version_new", policy_ref(arn)),
        },
    )


@login_required
@GET_POST
@handles_gone
def policy_version_new(request, pk: int, ref: str):
    console = console_for(request, pk)
    arn = policy_arn(console.account, ref)
    found = find_or_gone(request, console.account.managed_policy, arn)
    if found.aws_managed:
        raise Http404("Only AWS changes an AWS managed policy.")
    _owner_only(console)
    return _editor_page(
        request,
        console,
        f.PolicyVersionForm,
        target=arn,
        exists=lambda account: arn in account.policies,
        next_url=lambda form: policy_url(pk, arn),
        initial={"document": _pretty(found.document), "set_as_default": True},
        context={
            "heading": f"A new version of {found.name}",
            "back": (policy_url(pk, arn), f"policy {found.name}"),
            "button": "Create the version",
        },
    )


# --- resources ----------------------------------------------------------------

RESOURCE_FORMS = [f.ResourcePolicyForm, f.ResourcePolicyDeleteForm]


@login_required
@GET_POST
@handles_gone
def resource(request, pk: int, kind: str, name: str):
    console = console_for(request, pk)
    found = next(
        (
            r
            for r in console.account.resources.values()
            if r.kind == kind and r.name == name
        ),
        None,
    )
    if found is None:
        raise missing(request)
    arn = found.arn
    outcome = None
    if request.method == "POST":
        outcome = run_form(
            request,
            console,
            RESOURCE_FORMS,
            target=arn,
            exists=lambda account: arn in account.resources,
        )
        if outcome.response:
            return outcome.response
    forms = (
        outcome.forms
        if outcome
        else page_forms(
            console,
            RESOURCE_FORMS,
            target=arn,
            initial={
                "resource_policy": {
                    "document": _pretty(found.policy_text)
                    if found.policy_text
                    else _starter_resource_policy(console, found)
                }
            },
        )
    )
    return render_page(
        request,
        "labs/console/resource.html",
        console,
        outcome,
        {
            "forms": forms,
            "resource": console.account.resources[arn],
            "kind_label": dict(f.RESOURCE_KINDS)[kind],
        },
    )


def _starter_resource_policy(console: Console, found) -> str:
    actions = {
        "s3-bucket": ("s3:GetObject", f"{found.arn}/*"),
        "kms-key": ("kms:Decrypt", "*"),
        "sqs-queue": ("sqs:SendMessage", found.arn),
    }[found.kind]
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{console.account.id}:root"},
                    "Action": actions[0],
                    "Resource": actions[1],
                }
            ],
        },
        indent=2,
    )
