"""Labs in the admin: edited with their goals, checked on save as loading checks
them; practice accounts read-only; "Try as a trainee" from a lab's page."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html

from curriculum.forms import StrictJSONField

from .lab_services import LabError, lab_account_open, lab_account_reset
from .models import Lab, PracticeAccount
from .operations import lab_problems


class LabForm(forms.ModelForm):
    """A lab whose setup fails, whose goals are written wrongly, whose start
    already meets the goals or whose solution does not is a form error."""

    class Meta:
        model = Lab
        fields = [
            "slug", "title", "summary", "difficulty", "topics", "brief", "setup",
            "goals", "solution", "hints", "source", "order", "is_published",
        ]  # fmt: skip

    def clean_hints(self):
        hints = self.cleaned_data.get("hints") or []
        if not isinstance(hints, list) or not all(
            isinstance(hint, str) and hint.strip() for hint in hints
        ):
            raise forms.ValidationError('Hints are a list of texts: ["...", "..."].')
        return hints

    def clean(self):
        cleaned = super().clean()
        fields = ("setup", "goals", "solution")
        if any(name in self.errors for name in fields):
            return cleaned
        problems = lab_problems(
            setup=cleaned.get("setup") or [],
            goals=cleaned.get("goals") or [],
            solution=cleaned.get("solution") or [],
        )
        for problem in problems:
            field = next(
                (name for name in fields if problem.place.startswith(name[:-1])),
                "goals",
            )
            self.add_error(field, str(problem))
        return cleaned


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    form = LabForm
    change_form_template = "admin/labs/lab/change_form.html"
    formfield_overrides = {models.JSONField: {"form_class": StrictJSONField}}
    list_display = ["title", "slug", "difficulty", "order", "is_published", "solved"]
    list_filter = ["is_published", "difficulty", "topics"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics"]

    @admin.display(description="Solved by")
    def solved(self, lab: Lab) -> int:
        return lab.accounts.filter(solved_at__isnull=False).count()

    def get_urls(self):
        return [
            path(
                "<int:pk>/try/",
                self.admin_site.admin_view(self.try_as_trainee),
                name="labs_lab_try",
            ),
            *super().get_urls(),
        ]

    def try_as_trainee(self, request, pk: int):
        """Open the lab as a trainee would: the administrator's own account
        for it, freshly started, then the lab's page."""
        lab = get_object_or_404(Lab, pk=pk)
        if request.method != "POST" or not self.has_view_permission(request, lab):
            return redirect(reverse("admin:labs_lab_change", args=[pk]))
        try:
            practice = lab_account_open(user=request.user, lab=lab)
            lab_account_reset(practice=practice)
        except LabError as error:
            messages.error(request, str(error))
            return redirect(reverse("admin:labs_lab_change", args=[pk]))
        return redirect(lab)


@admin.register(PracticeAccount)
class PracticeAccountAdmin(admin.ModelAdmin):
    """Trainees' accounts, to look at: they change only through the pages."""

    list_display = ["user", "lab_or_sandbox", "checks", "solved_at", "updated_at"]
    list_filter = ["lab"]
    search_fields = ["user__username", "lab__title"]
    list_select_related = ["user", "lab"]
    fields = [
        "user", "lab", "checks", "solved_at", "created_at", "updated_at",
        "last_check", "history", "state",
    ]  # fmt: skip
    readonly_fields = fields

    @admin.display(description="Lab")
    def lab_or_sandbox(self, practice: PracticeAccount) -> str:
        return practice.lab.title if practice.lab else format_html("<i>sandbox</i>")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
