"""The practice account console's forms: one form per IAM call.

Each ``AccountForm`` validates what a person typed, then ``apply`` makes its
call on the engine's account (``iam.account.Account``) and returns what the
history records (``"iam:CreateUser bob"``). The engine alone judges IAM's rules:
its ``AccountError`` becomes a form error in the view, with IAM's code.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from curriculum.forms import parse_context
from iam.account import Account
from iam.account.effective import SESSION_POLICY_CHARS
from iam.account.managed import aws_managed_arn
from iam.grammar import parse_policy
from iam.problems import PolicyError, Problem

MAX_DOCUMENT_CHARS = 20_000  # IAM's largest policy is 10,240 characters
RESOURCE_KINDS = [
    ("s3-bucket", "S3 bucket"),
    ("kms-key", "KMS key"),
    ("sqs-queue", "SQS queue"),
]
ON_OFF = [("on", "on"), ("off", "off")]


def policy_field(label: str = "Policy document", **extra: Any) -> forms.CharField:
    """A policy document, edited with the exercises' policy editor (a plain
    textarea without JavaScript)."""
    return forms.CharField(
        label=label,
        strip=False,
        max_length=MAX_DOCUMENT_CHARS,
        widget=forms.Textarea(
            attrs={
                "rows": 16,
                "spellcheck": "false",
                "autocapitalize": "off",
                "autocomplete": "off",
                "class": "form-control policy-editor",
                "data-editor": "policy",
            }
        ),
        **extra,
    )


class AccountForm(forms.Form):
    """A form that makes one call on the account. ``target`` is the name of the
    entity whose page the form is on (a user, a group, a role...), if any."""

    op: ClassVar[str]
    shown_field: ClassVar[str] = "document"  # a policy, shown read-only to viewers
    policy_kind: ClassVar[str] = "identity"  # how the engine reads that policy

    def editor_id(self) -> str:
        """The id of the policy's textarea (the editor's fallback)."""
        return self[self.shown_field].id_for_label

    def policy_problems(self) -> list[Problem]:
        """Every problem of the policy typed in this form, with its line and
        column, for the editor to mark; none when it parses (or is absent)."""
        text = self.data.get(self.shown_field) if self.is_bound else None
        if not text or self.shown_field not in self.fields:
            return []
        try:
            parse_policy(text, kind=self.policy_kind)
        except PolicyError as error:
            return error.problems
        return []

    def __init__(
        self, *args, account: Account, target: str = "", kind: str = "", **kwargs
    ):
        self.account = account
        self.target = target
        self.kind = kind  # user, group or role, on an identity's page
        # Several forms share a page: their fields' ids must differ.
        kwargs.setdefault("auto_id", f"id_{self.op}_%s")
        super().__init__(*args, **kwargs)

    def apply(self, account: Account) -> str:
        """Make the call on ``account`` (a fresh copy, locked); return the
        history line. May raise ``AccountError``."""
        raise NotImplementedError


def _name_field(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, max_length=128, help_text=help_text)


def _path_field() -> forms.CharField:
    return forms.CharField(
        label="Path",
        max_length=512,
        initial="/",
        required=False,
        help_text="Optional, for organising: begins and ends with /, such as "
        "/engineering/.",
    )


# --- the account page ---------------------------------------------------------


class CreateUserForm(AccountForm):
    op = "create_user"
    name = _name_field(
        "User name", "Letters, digits and + = , . @ _ - (up to 64 characters)."
    )
    path = _path_field()

    def apply(self, account: Account) -> str:
        data = self.cleaned_data
        account.create_user(data["name"], data["path"] or "/")
        return f"iam:CreateUser {data['name']}"


class CreateGroupForm(AccountForm):
    op = "create_group"
    name = _name_field(
        "Group name", "Letters, digits and + = , . @ _ - (up to 128 characters)."
    )
    path = _path_field()

    def apply(self, account: Account) -> str:
        data = self.cleaned_data
        account.create_group(data["name"], data["path"] or "/")
        return f"iam:CreateGroup {data['name']}"


class CreateResourceForm(AccountForm):
    op = "create_resource"
    kind = forms.ChoiceField(label="Kind", choices=RESOURCE_KINDS)
    name = forms.CharField(
        label="Name",
        max_length=80,
        help_text="A bucket name is 3 to 63 lowercase letters, digits, dots and "
        "hyphens.",
    )

    def apply(self, account: Account) -> str:
        data = self.cleaned_data
        account.create_resource(data["kind"], data["name"])
        return f"Create {dict(RESOURCE_KINDS)[data['kind']]} {data['name']}"


class RootMfaForm(AccountForm):
    op = "root_mfa"
    enabled = forms.ChoiceField(choices=ON_OFF, widget=forms.HiddenInput)

    def apply(self, account: Account) -> str:
        on = self.cleaned_data["enabled"] == "on"
        account.set_root_mfa(on)
        return f"Root user: MFA {'on' if on else 'off'}"


class RootKeyCreateForm(AccountForm):
    op = "root_key_create"
    secret: tuple[str, str] | None = None

    def apply(self, account: Account) -> str:
        key, secret = account.create_root_access_key()
        self.secret = (key.id, secret)
        return f"iam:CreateAccessKey (root user) {key.id}"


class RootKeyDeleteForm(AccountForm):
    op = "root_key_delete"
    key_id = forms.CharField(max_length=128, widget=forms.HiddenInput)

    def apply(self, account: Account) -> str:
        account.delete_root_access_key(self.cleaned_data["key_id"])
        return f"iam:DeleteAccessKey (root user) {self.cleaned_data['key_id']}"


# --- users --------------------------------------------------------------------


class _ChoiceOfNames(AccountForm):
    """A form whose ``name`` field is one of the account's entities, listed."""

    def names(self) -> list[str]:
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A stale choice (deleted in another tab) reaches the engine, which
        # answers NoSuchEntity: a clearer message than "not a valid choice".
        self.fields["name"].widget.choices = [(n, n) for n in self.names()]


class AddUserToGroupForm(_ChoiceOfNames):
    op = "add_to_group"
    name = forms.CharField(label="Group to join", max_length=128, widget=forms.Select)

    def names(self) -> list[str]:
        user = self.account.users.get(self.target)
        joined = set(user.groups) if user else set()
        return sorted(name for name in self.account.groups if name not in joined)

    def apply(self, account: Account) -> str:
        account.add_user_to_group(self.cleaned_data["name"], self.target)
        return f"iam:AddUserToGroup {self.target} to {self.cleaned_data['name']}"


class RemoveUserFromGroupForm(AccountForm):
    op = "remove_from_group"
    name = forms.CharField(max_length=128, widget=forms.HiddenInput)

    def apply(self, account: Account) -> str:
        account.remove_user_from_group(self.cleaned_data["name"], self.target)
        return f"iam:RemoveUserFromGroup {self.target} from {self.cleaned_data['name']}"


class AccessKeyCreateForm(AccountForm):
    op = "key_create"
    secret: tuple[str, str] | None = None

    def apply(self, account: Account) -> str:
        key, secret = account.create_access_key(self.target)
        self.secret = (key.id, secret)
        return f"iam:CreateAccessKey {self.target} {key.id}"


class AccessKeyStatusForm(AccountForm):
    op = "key_status"
    key_id = forms.CharField(max_length=128, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        choices=[("Active", "Active"), ("Inactive", "Inactive")],
        widget=forms.HiddenInput,
    )

    def apply(self, account: Account) -> str:
        data = self.cleaned_data
        account.update_access_key(self.target, data["key_id"], data["status"])
        return f"iam:UpdateAccessKey {self.target} {data['key_id']} {data['status']}"


class AccessKeyDeleteForm(AccountForm):
    op = "key_delete"
    key_id = forms.CharField(max_length=128, widget=forms.HiddenInput)

    def apply(self, account: Account) -> str:
        account.delete_access_key(self.target, self.cleaned_data["key_id"])
        return f"iam:DeleteAccessKey {self.target} {self.cleaned_data['key_id']}"


class LoginProfileForm(AccountForm):
    op = "login_profile"
    enabled = forms.ChoiceField(choices=ON_OFF, widget=forms.HiddenInput)

    def apply(self, account: Account) -> str:
        if self.cleaned_data["enabled"] == "on":
            account.create_login_profile(self.target)
            return f"iam:CreateLoginProfile {self.target}"
        account.delete_login_profile(self.target)
        return f"iam:DeleteLoginProfile {self.target}"


class UserMfaForm(AccountForm):
    op = "mfa"
    enabled = forms.ChoiceField(choices=ON_OFF, widget=forms.HiddenInput)

    def apply(self, account: Account) -> str:
        if self.cleaned_data["enabled"] == "on":
            account.enable_mfa(self.target)
            return f"iam:EnableMFADevice {self.target}"
        account.deactivate_mfa(self.target)
        return f"iam:DeactivateMFADevice {self.target}"


# --- what every identity page shares ------------------------------------------


_CALL = {"user": "User", "group": "Group", "role": "Role"}


class DetachPolicyForm(AccountForm):
    op = "detach"
    arn = forms.CharField(max_length=2048, widget=forms.HiddenInput)

    def apply(self, account: Account) -> str:
        arn = self.cleaned_data["arn"]
        account.detach_policy(self.kind, self.target, arn)
        name = arn.rsplit("/", 1)[-1]
        return f"iam:Detach{_CALL[self.kind]}Policy {self.target} {name}"


class InlineDeleteForm(AccountForm):
    op = "inline_delete"
    policy_name = forms.CharField(max_length=128, widget=forms.HiddenInput)

    def apply(self, account: Account) -> str:
        name = self.cleaned_data["policy_name"]
        account.delete_inline_policy(self.kind, self.target, name)
        return f"iam:Delete{_CALL[self.kind]}Policy {self.target} {name}"


class BoundaryDeleteForm(AccountForm):
    op = "boundary_delete"

    def apply(self, account: Account) -> str:
        account.delete_permissions_boundary(self.kind, self.target)
        return f"iam:Delete{_CALL[self.kind]}PermissionsBoundary {self.target}"


class DeleteIdentityForm(AccountForm):
    op = "delete"

    def apply(self, account: Account) -> str:
        delete = {
            "user": account.delete_user,
            "group": account.delete_group,
            "role": account.delete_role,
        }[self.kind]
        delete(self.target)
        return f"iam:Delete{_CALL[self.kind]} {self.target}"


def _policy_arn(account: Account, typed: str) -> str:
    """An ARN typed in full, or a policy's name: this account's customer
    managed policy first, then an AWS managed one."""
    typed = typed.strip()
    if typed.startswith("arn:"):
        return typed
    for policy in account.policies.values():
        if policy.name == typed and not policy.aws_managed:
            return policy.arn
    return aws_managed_arn(typed) or typed


class AttachPolicyForm(AccountForm):
    op = "attach"
    arn = forms.CharField(
        label="Policy name or ARN",
        max_length=2048,
        help_text="For example AmazonS3ReadOnlyAccess, or one of your own.",
    )

    def apply(self, account: Account) -> str:
        arn = _policy_arn(account, self.cleaned_data["arn"])
        account.attach_policy(self.kind, self.target, arn)
        name = arn.rsplit("/", 1)[-1]
        return f"iam:Attach{_CALL[self.kind]}Policy {self.target} {name}"


class BoundaryPutForm(AttachPolicyForm):
    op = "boundary"

    def apply(self, account: Account) -> str:
        arn = _policy_arn(account, self.cleaned_data["arn"])
        account.put_permissions_boundary(self.kind, self.target, arn)
        name = arn.rsplit("/", 1)[-1]
        return f"iam:Put{_CALL[self.kind]}PermissionsBoundary {self.target} {name}"


class InlinePolicyForm(AccountForm):
    op = "inline_put"
    policy_name = forms.CharField(
        label="Policy name",
        max_length=128,
        help_text="Printable ASCII without spaces or \\ / * ?",
    )
    document = policy_field()

    def apply(self, account: Account) -> str:
        data = self.cleaned_data
        account.put_inline_policy(
            self.kind, self.target, data["policy_name"], data["document"]
        )
        return f"iam:Put{_CALL[self.kind]}Policy {self.target} {data['policy_name']}"


# --- groups -------------------------------------------------------------------


class AddMemberForm(_ChoiceOfNames):
    op = "add_member"
    name = forms.CharField(label="User to add", max_length=128, widget=forms.Select)

    def names(self) -> list[str]:
        return sorted(
            name
            for name, user in self.account.users.items()
            if self.target not in user.groups
        )

    def apply(self, account: Account) -> str:
        account.add_user_to_group(self.target, self.cleaned_data["name"])
        return f"iam:AddUserToGroup {self.cleaned_data['name']} to {self.target}"


class RemoveMemberForm(AccountForm):
    op = "remove_member"
    name = forms.CharField(max_length=128, widget=forms.HiddenInput)

    def apply(self, account: Account) -> str:
        account.remove_user_from_group(self.target, self.cleaned_data["name"])
        return f"iam:RemoveUserFromGroup {self.cleaned_data['name']} from {self.target}"


# --- roles --------------------------------------------------------------------


def _duration_field() -> forms.IntegerField:
    return forms.IntegerField(
        label="Maximum session duration (seconds)",
        initial=3_600,
        help_text="3600 (one hour) to 43200 (twelve hours).",
    )


class CreateRoleForm(AccountForm):
    op = "create_role"
    shown_field = "trust"
    policy_kind = "trust"
    name = _name_field(
        "Role name", "Letters, digits and + = , . @ _ - (up to 64 characters)."
    )
    path = _path_field()
    description = forms.CharField(label="Description", max_length=1000, required=False)
    max_session_duration = _duration_field()
    trust = policy_field("Trust policy: who may assume the role")

    def apply(self, account: Account) -> str:
        data = self.cleaned_data
        account.create_role(
            data["name"],
            data["trust"],
            data["path"] or "/",
            max_session_duration=data["max_session_duration"],
            description=data["description"],
        )
        return f"iam:CreateRole {data['name']}"


class TrustPolicyForm(AccountForm):
    op = "trust"
    shown_field = "trust"
    policy_kind = "trust"
    trust = policy_field("Trust policy: who may assume the role")

    def apply(self, account: Account) -> str:
        account.update_assume_role_policy(self.target, self.cleaned_data["trust"])
        return f"iam:UpdateAssumeRolePolicy {self.target}"


class MaxSessionForm(AccountForm):
    op = "update_role"
    max_session_duration = _duration_field()

    def apply(self, account: Account) -> str:
        seconds = self.cleaned_data["max_session_duration"]
        account.update_role(self.target, max_session_duration=seconds)
        return f"iam:UpdateRole {self.target} MaxSessionDuration={seconds}"


class InstanceProfileAddForm(AccountForm):
    op = "profile_add"
    profile = forms.CharField(
        label="Instance profile name",
        max_length=128,
        help_text="An EC2 instance launched with this profile gets the role's "
        "temporary credentials: no access keys on the instance.",
    )

    def apply(self, account: Account) -> str:
        profile = self.cleaned_data["profile"]
        account.add_role_to_instance_profile(profile, self.target)
        return f"iam:AddRoleToInstanceProfile {self.target} to {profile}"


class InstanceProfileRemoveForm(AccountForm):
    op = "profile_remove"
    profile = forms.CharField(max_length=128, widget=forms.HiddenInput)

    def apply(self, account: Account) -> str:
        profile = self.cleaned_data["profile"]
        account.remove_role_from_instance_profile(profile, self.target)
        return f"iam:RemoveRoleFromInstanceProfile {self.target} from {profile}"


# --- customer managed policies ------------------------------------------------


class CreatePolicyForm(AccountForm):
    op = "create_policy"
    name = _name_field(
        "Policy name", "Letters, digits and + = , . @ _ - (up to 128 characters)."
    )
    path = _path_field()
    document = policy_field()

    def apply(self, account: Account) -> str:
        data = self.cleaned_data
        path = data["path"] or "/"
        policy = account.create_policy(data["name"], data["document"], path)
        self.arn = policy.arn
        return f"iam:CreatePolicy {data['name']}"


class PolicyVersionForm(AccountForm):
    """``target`` is the policy's ARN."""

    op = "version_create"
    document = policy_field()
    set_as_default = forms.BooleanField(
        label="Make it the default version (the one that applies)",
        required=False,
        initial=True,
    )

    def apply(self, account: Account) -> str:
        data = self.cleaned_data
        version = account.create_policy_version(
            self.target, data["document"], set_as_default=data["set_as_default"]
        )
        return f"iam:CreatePolicyVersion {self.target.rsplit('/', 1)[-1]} {version}"


class SetDefaultVersionForm(AccountForm):
    op = "version_default"
    version = forms.CharField(max_length=10, widget=forms.HiddenInput)

    def apply(self, account: Account) -> str:
        version = self.cleaned_data["version"]
        account.set_default_policy_version(self.target, version)
        name = self.target.rsplit("/", 1)[-1]
        return f"iam:SetDefaultPolicyVersion {name} {version}"


class DeleteVersionForm(AccountForm):
    op = "version_delete"
    version = forms.CharField(max_length=10, widget=forms.HiddenInput)

    def apply(self, account: Account) -> str:
        version = self.cleaned_data["version"]
        account.delete_policy_version(self.target, version)
        return f"iam:DeletePolicyVersion {self.target.rsplit('/', 1)[-1]} {version}"


class DeletePolicyForm(AccountForm):
    op = "policy_delete"

    def apply(self, account: Account) -> str:
        account.delete_policy(self.target)
        return f"iam:DeletePolicy {self.target.rsplit('/', 1)[-1]}"


# --- resources ----------------------------------------------------------------


class ResourcePolicyForm(AccountForm):
    """``target`` is the resource's ARN."""

    op = "resource_policy"
    policy_kind = "resource"
    document = policy_field("Resource policy")

    def apply(self, account: Account) -> str:
        account.put_resource_policy(self.target, self.cleaned_data["document"])
        return f"Put the resource policy of {self.target}"


class ResourcePolicyDeleteForm(AccountForm):
    op = "resource_policy_delete"

    def apply(self, account: Account) -> str:
        account.put_resource_policy(self.target, None)
        return f"Delete the resource policy of {self.target}"


# --- the simulator ------------------------------------------------------------


class SimulatorForm(forms.Form):
    """One request made by the identity whose page this is. Sent by GET: it
    changes nothing."""

    action = forms.CharField(
        label="Action", max_length=200, help_text="For example s3:GetObject."
    )
    resource = forms.CharField(
        label="Resource ARN",
        max_length=1000,
        help_text="For example arn:aws:s3:::reports/q1.csv, or * for any.",
    )
    context = forms.CharField(
        label="Context keys (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text='JSON, for example {"aws:MultiFactorAuthPresent": "true"}.',
    )

    def clean_action(self) -> str:
        action = self.cleaned_data["action"].strip()
        service, colon, name = action.partition(":")
        if not colon or not service or not name or " " in action:
            raise forms.ValidationError(
                "An action is service:Name, such as s3:GetObject."
            )
        return action

    def clean_resource(self) -> str:
        resource = self.cleaned_data["resource"].strip()
        if resource != "*" and not resource.startswith("arn:"):
            raise forms.ValidationError(
                "A resource is an ARN (arn:aws:s3:::reports/q1.csv) or *."
            )
        return resource

    def clean_context(self) -> dict:
        try:
            context = parse_context(self.cleaned_data["context"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        for key, value in context.items():
            values = value if isinstance(value, list) else [value]
            if not all(isinstance(v, str | int | float | bool) for v in values):
                raise forms.ValidationError(
                    f"The value of {key} must be a string, a number, true or "
                    "false, or a list of them."
                )
        return context


class RoleSimulatorForm(SimulatorForm):
    """A request made in a session of the role, which may have been assumed
    with a session policy."""

    session_policy = forms.CharField(
        label="Session policy (optional)",
        required=False,
        max_length=SESSION_POLICY_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="The policy passed to AssumeRole, if any: the session can do "
        "only what both it and the role's policies allow.",
    )


class WhoCanForm(SimulatorForm):
    """Every principal allowed one request: the same fields, asked of all."""

    prefix = "who"


class PolicySearchForm(forms.Form):
    q = forms.CharField(
        label="Search AWS managed policies",
        max_length=128,
        required=False,
        help_text="Part of a name, such as S3ReadOnly or ViewOnly.",
    )


class DetailsImportForm(forms.Form):
    """A file of ``aws iam get-account-authorization-details``, read whole."""

    file = forms.FileField(
        label="Authorization details (JSON)",
        help_text="The output of aws iam get-account-authorization-details, at "
        "most 2 MB.",
    )

    MAX_BYTES = 2_000_000

    def clean(self) -> dict:
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size:,} bytes; at most {self.MAX_BYTES:,}."
            )
        data = upload.read()
        try:
            cleaned["details"] = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None
        cleaned["name"] = upload.name
        return cleaned
