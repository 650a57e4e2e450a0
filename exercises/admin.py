from collections import Counter

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from curriculum.forms import StrictJSONField

from .grading import grade_from_json
from .models import Exercise, ExerciseProgress, Hint, Submission, TestRequest
from .validation import exercise_problems


class ExerciseForm(forms.ModelForm):
    class Meta:
        model = Exercise
        fields = [
            "slug", "title", "kind", "policy_kind", "difficulty", "topics",
            "scenario", "source", "starter", "reference", "order", "is_published",
        ]  # fmt: skip


class TestRequestFormSet(BaseInlineFormSet):
    """Refuses to save when the reference does not parse or fails its own tests."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        exercise = self.instance
        tests = [
            {**form.cleaned_data, "context": form.cleaned_data.get("context") or {}}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = exercise_problems(
            kind=exercise.kind,
            policy_kind=exercise.policy_kind,
            starter=exercise.starter,
            reference=exercise.reference,
            tests=tests,
        )
        messages = [
            m
            for field in ("reference", "starter", "tests")
            for m in problems.get(field, [])
        ]
        if messages:
            raise forms.ValidationError(messages)


class TestRequestInline(admin.TabularInline):
    model = TestRequest
    formfield_overrides = {models.JSONField: {"form_class": StrictJSONField}}
    formset = TestRequestFormSet
    extra = 1
    fields = [
        "order", "label", "principal", "action", "resource", "context",
        "resource_account", "expected", "visible",
    ]  # fmt: skip


class HintInline(admin.TabularInline):
    model = Hint
    extra = 1
    fields = ["order", "text"]


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    form = ExerciseForm
    inlines = [TestRequestInline, HintInline]
    list_display = [
        "title", "slug", "kind", "policy_kind", "difficulty", "is_published",
        "submission_count", "solved_count",
    ]  # fmt: skip
    list_filter = ["kind", "policy_kind", "difficulty", "is_published", "topics"]
    search_fields = ["title", "slug", "scenario"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics"]
    readonly_fields = ["try_link", "statistics"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _submissions=Count("submissions", distinct=True),
                _solved=Count(
                    "progress",
                    filter=Q(progress__solved_at__isnull=False),
                    distinct=True,
                ),
            )
        )

    @admin.display(description="submissions", ordering="_submissions")
    def submission_count(self, obj) -> int:
        return obj._submissions

    @admin.display(description="solved by", ordering="_solved")
    def solved_count(self, obj) -> int:
        return obj._solved

    @admin.display(description="try it")
    def try_link(self, obj) -> str:
        if not obj.pk:
            return "Save the exercise to try it."
        return format_html(
            '<a href="{}">Try as a trainee</a> (your attempts are kept like anyone\'s)',
            reverse("exercises:exercise", args=[obj.slug]),
        )

    @admin.display(description="statistics")
    def statistics(self, obj) -> str:
        if not obj.pk:
            return "–"
        return format_html_join(
            "", "<p>{}</p>", ((line,) for line in exercise_statistics(obj))
        )

    def get_fieldsets(self, request, obj=None):
        return [
            (
                None,
                {
                    "fields": [
                        "title",
                        "slug",
                        "kind",
                        "policy_kind",
                        "difficulty",
                        "topics",
                        "order",
                        "is_published",
                        "try_link",
                    ]
                },
            ),
            ("Task", {"fields": ["scenario", "source", "starter", "reference"]}),
            ("Statistics", {"fields": ["statistics"]}),
        ]


def exercise_statistics(exercise: Exercise) -> list[str]:
    """Attempts before solving, and the findings and counterexamples seen most."""
    submissions = list(
        Submission.objects.filter(exercise=exercise)
        .order_by("user_id", "created_at")
        .values_list("user_id", "correct", "result")
    )
    if not submissions:
        return ["No submissions yet."]
    tries: dict[int, int] = {}
    solved_after: list[int] = []
    findings: Counter = Counter()
    counterexamples: Counter = Counter()
    for user_id, correct, result in submissions:
        if user_id in tries and tries[user_id] < 0:
            continue  # already solved: later submissions don't count
        tries[user_id] = tries.get(user_id, 0) + 1
        if correct:
            solved_after.append(tries[user_id])
            tries[user_id] = -1
        grade = grade_from_json(result)
        if grade is None:
            continue
        findings.update(f.code for f in (*grade.findings, *grade.problems))
        counterexamples.update(
            f"{found.direction}: {found.request['action']}"
            for found in grade.counterexamples
        )
    lines = [
        f"{len(submissions)} submissions by {len(tries)} trainees; "
        f"{len(solved_after)} solved it."
    ]
    if solved_after:
        average = sum(solved_after) / len(solved_after)
        lines.append(f"Attempts before solving: {average:.1f} on average.")
    if findings:
        lines.append(
            "Most common findings: "
            + ", ".join(f"{code} ({n})" for code, n in findings.most_common(3))
        )
    if counterexamples:
        lines.append(
            "Most common counterexamples: "
            + ", ".join(f"{what} ({n})" for what, n in counterexamples.most_common(3))
        )
    return lines


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["exercise", "user", "created_at", "score", "correct"]
    list_filter = ["correct", "exercise"]
    list_select_related = ["exercise", "user"]
    search_fields = ["user__username", "exercise__title"]
    readonly_fields = [
        "exercise",
        "user",
        "text",
        "result",
        "score",
        "correct",
        "created_at",
    ]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ExerciseProgress)
class ExerciseProgressAdmin(admin.ModelAdmin):
    list_display = ["exercise", "user", "hints_shown", "best_score", "solved_at"]
    list_filter = ["exercise"]
    list_select_related = ["exercise", "user"]
    search_fields = ["user__username", "exercise__title"]
