"""
Platform registrations, with validation that says what is wrong, the outbox of
scores with "retry now", and a roster sync for LTI contexts.
"""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from lti_tool.admin import LtiRegistrationAdmin as BaseRegistrationAdmin
from lti_tool.models import LtiContext, LtiDeployment, LtiRegistration

from .launch import LaunchRefused
from .models import ORIGIN, RegistrationOptions, ScoreSend
from .services import roster_sync, scores_retry, scores_send

_LOCAL = {"localhost", "127.0.0.1", "::1"}


def _https_or_local(value: str, label: str) -> None:
    parts = urlsplit(value)
    if parts.scheme == "https" or (parts.scheme == "http" and not _needs_https(parts)):
        return
    raise forms.ValidationError(
        f"The {label} must start with https:// (plain http is accepted only for "
        "localhost while DEBUG is on)."
    )


def _needs_https(parts) -> bool:
    return not (settings.DEBUG and parts.hostname in _LOCAL)


class RegistrationForm(forms.ModelForm):
    class Meta:
        model = LtiRegistration
        fields = [
            "name",
            "issuer",
            "client_id",
            "audience",
            "auth_url",
            "token_url",
            "keyset_url",
            "is_active",
            "public_key",
            "private_key",
        ]
        help_texts = {
            "issuer": "The platform's issuer exactly as it shows it, such as "
            "https://moodle.example.org (Moodle: “Platform ID”) or "
            "https://canvas.instructure.com.",
            "client_id": "The client ID the platform gave the tool.",
            "auth_url": "Moodle: “Authentication request URL”; Canvas: "
            "https://sso.canvaslms.com/api/lti/authorize_redirect.",
            "token_url": "Moodle: “Access token URL”; Canvas: "
            "https://sso.canvaslms.com/login/oauth2/token.",
            "keyset_url": "Moodle: “Public keyset URL”; Canvas: "
            "https://sso.canvaslms.com/api/lti/security/jwks.",
            "audience": "Leave empty unless the platform asks for a token "
            "audience other than its token URL.",
        }

    def clean_issuer(self):
        issuer = self.cleaned_data["issuer"].strip()
        if issuer != issuer.rstrip("/") and issuer.count("/") <= 3:
            raise forms.ValidationError(
                "Remove the trailing slash: the issuer must match the platform's "
                "exactly, and platforms send it without one."
            )
        if not issuer.startswith(("https://", "http://")):
            raise forms.ValidationError(
                "The issuer is the platform's URL, such as https://moodle.example.org."
            )
        _https_or_local(issuer, "issuer")
        return issuer

    def clean_client_id(self):
        client_id = self.cleaned_data["client_id"].strip()
        if not client_id:
            raise forms.ValidationError("Enter the client ID the platform shows.")
        return client_id

    def clean(self):
        cleaned = super().clean()
        for field, label in (
            ("auth_url", "authentication request URL"),
            ("token_url", "access token URL"),
            ("keyset_url", "public keyset URL"),
        ):
            if cleaned.get(field):
                try:
                    _https_or_local(cleaned[field], label)
                except forms.ValidationError as error:
                    self.add_error(field, error)
        issuer, client_id = cleaned.get("issuer"), cleaned.get("client_id")
        if issuer and client_id:
            taken = LtiRegistration.objects.filter(issuer=issuer, client_id=client_id)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                raise forms.ValidationError(
                    "This platform already has a registration with this client ID; "
                    "edit that one instead."
                )
        return cleaned


class DeploymentForm(forms.ModelForm):
    class Meta:
        model = LtiDeployment
        fields = ["deployment_id", "is_active"]
        help_texts = {
            "deployment_id": "Moodle shows it in the tool's details; Canvas "
            "in the tool's settings of the account or course where it is "
            "installed. Launches of other deployments are refused.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["is_active"].initial = True

    def clean_deployment_id(self):
        value = self.cleaned_data["deployment_id"].strip()
        if not value:
            raise forms.ValidationError("Enter the deployment ID the platform shows.")
        return value


class DeploymentInline(admin.TabularInline):
    model = LtiDeployment
    form = DeploymentForm
    fields = ["deployment_id", "is_active"]
    # Launches of unregistered deployments are refused, so one is needed.
    min_num = 1
    validate_min = True
    extra = 0


class OptionsForm(forms.ModelForm):
    class Meta:
        model = RegistrationOptions
        fields = ["instructors_join_group", "frame_origins"]

    def clean_frame_origins(self):
        origins = []
        for number, line in enumerate(
            self.cleaned_data["frame_origins"].splitlines(), 1
        ):
            origin = line.strip().lower().removesuffix("/")
            if not origin:
                continue
            if not ORIGIN.fullmatch(origin):
                raise forms.ValidationError(
                    f"Line {number} ({line.strip()[:80]}) is not an origin: write "
                    "a scheme and a host only, such as https://school.instructure.com "
                    "(no path, no spaces)."
                )
            try:
                _https_or_local(origin.replace("*.", "", 1), f"origin on line {number}")
            except forms.ValidationError as error:
                raise forms.ValidationError(error.messages) from None
            origins.append(origin)
        return "\n".join(origins)


class OptionsInline(admin.StackedInline):
    model = RegistrationOptions
    form = OptionsForm
    can_delete = False


admin.site.unregister(LtiRegistration)


@admin.register(LtiRegistration)
class RegistrationAdmin(BaseRegistrationAdmin):
    form = RegistrationForm
    inlines = [DeploymentInline, OptionsInline]
    readonly_fields = ["uuid"]


@admin.register(ScoreSend)
class ScoreSendAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "user",
        "score_given",
        "score_maximum",
        "status",
        "tries",
        "next_try_at",
        "last_error",
    ]
    list_filter = ["status"]
    search_fields = ["user__username", "lms_user_id", "line_item_url"]
    readonly_fields = [field.name for field in ScoreSend._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Retry now")
    def retry_now(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        made_due = scores_retry(queryset=queryset)
        result = scores_send(ids=ids)
        self.message_user(
            request,
            f"{made_due} retried: {result.sent} sent, {result.failed} failed "
            "(see Last error; lti_send_scores tries again later).",
            messages.SUCCESS if not result.failed else messages.WARNING,
        )


@admin.register(LtiContext)
class ContextAdmin(admin.ModelAdmin):
    list_display = ["title", "label", "deployment", "memberships_url"]
    search_fields = ["title", "label", "id_on_platform"]
    actions = ["sync_roster"]

    @admin.action(description="Sync roster from the LMS")
    def sync_roster(self, request, queryset):
        for context in queryset.select_related("deployment__registration"):
            try:
                result = roster_sync(context=context)
            except LaunchRefused as error:
                self.message_user(
                    request, f"{context}: {error.what} {error.check}", messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    f"{context}: {result.members} members, "
                    f"{result.accounts_created} new accounts.",
                )
