import csv
from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Avg, Case, Count, FloatField, Q, When
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from responsibility.admin import TopicStudyInline

from . import views
from .forms import StrictJSONField
from .interchange import (
    ImportFileError,
    check_document,
    dump_document,
    guess_format,
    read_document,
)
from .models import (
    Answer,
    Attempt,
    AttemptStatus,
    Choice,
    Question,
    QuestionType,
    Quiz,
    QuizDraw,
    QuizQuestion,
    Topic,
)
from .services import questions_export, questions_import
from .validation import ChoiceSpec, question_problems

SUBMITTED = Q(answers__attempt__status=AttemptStatus.SUBMITTED)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "study__guide",
        "study__category",
        "study__area",
        "question_count",
    ]
    list_filter = ["study__category", "study__area"]
    list_select_related = ["study__guide", "study__category", "study__area"]
    inlines = [TopicStudyInline]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_questions=Count("questions"))

    @admin.display(description="questions", ordering="_questions")
    def question_count(self, obj) -> int:
        return obj._questions


def _problems_for(question: Question, choices: list[ChoiceSpec]) -> dict:
    return question_problems(
        type=question.type,
        choices=choices,
        true_false_answer=question.true_false_answer,
        has_sort_subject=bool(question.sort_category_id or question.sort_service_id),
        policy_document=question.policy_document,
        policy_kind=question.policy_kind,
        request_principal=question.request_principal,
        request_action=question.request_action,
        request_resource=question.request_resource,
        request_context=question.request_context,
        accepted_answers=question.accepted_answer_list,
    )


class QuestionForm(forms.ModelForm):
    """Checks the fields of the question's own type; choices are checked inline."""

    class Meta:
        model = Question
        fields = [
            "slug", "type", "difficulty", "topics", "prompt", "explanation",
            "true_false_answer", "sort_category", "sort_service", "sort_areas",
            "policy_document", "policy_kind", "request_principal", "request_action",
            "request_resource", "request_context", "accepted_answers",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        question = Question(
            **{k: v for k, v in cleaned.items() if k not in {"topics", "sort_areas"}}
        )
        for field, messages_ in _problems_for(question, choices=[]).items():
            if field == "choices":
                continue
            for message in messages_:
                self.add_error(field if field in self.fields else None, message)
        return cleaned


class ChoiceFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        choices = [
            ChoiceSpec(
                form.cleaned_data["text"], form.cleaned_data.get("is_correct", False)
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = _problems_for(self.instance, choices).get("choices", [])
        if problems:
            raise forms.ValidationError(problems)


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 2
    fields = ["order", "text", "is_correct", "feedback"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionForm
    formfield_overrides = {models.JSONField: {"form_class": StrictJSONField}}
    inlines = [ChoiceInline]
    list_display = [
        "slug", "type", "difficulty", "topic_list", "answer_count", "share_correct",
    ]  # fmt: skip
    list_filter = ["type", "difficulty", "topics"]
    search_fields = ["slug", "prompt", "explanation"]
    filter_horizontal = ["topics", "sort_areas"]
    readonly_fields = ["preview_link", "statistics"]
    change_list_template = "admin/quizzes/question/change_list.html"
    actions = ["export_yaml", "export_json"]
    fieldsets = [
        (None, {"fields": ["slug", "type", "difficulty", "topics", "preview_link"]}),
        ("Question", {"fields": ["prompt", "explanation"]}),
        ("True or false", {"fields": ["true_false_answer"], "classes": ["collapse"]}),
        (
            "Responsibility sort",
            {
                "fields": ["sort_category", "sort_service", "sort_areas"],
                "classes": ["collapse"],
            },
        ),
        (
            "Policy reading",
            {
                "fields": [
                    "policy_document",
                    "policy_kind",
                    "request_principal",
                    "request_action",
                    "request_resource",
                    "request_context",
                ],
                "classes": ["collapse"],
            },
        ),  # fmt: skip
        ("Short answer", {"fields": ["accepted_answers"], "classes": ["collapse"]}),
        ("Statistics", {"fields": ["statistics"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("topics")
            .annotate(
                _answers=Count("answers", filter=SUBMITTED),
                _correct=Avg(
                    Case(
                        When(answers__is_correct=True, then=1.0),
                        default=0.0,
                        output_field=FloatField(),
                    ),
                    filter=SUBMITTED,
                ),
            )
        )

    @admin.display(description="topics")
    def topic_list(self, obj) -> str:
        return ", ".join(t.name for t in obj.topics.all())

    @admin.display(description="answers", ordering="_answers")
    def answer_count(self, obj) -> int:
        return obj._answers

    @admin.display(description="correct", ordering="_correct")
    def share_correct(self, obj) -> str:
        return "–" if obj._correct is None else f"{round(100 * obj._correct)}%"

    @admin.display(description="preview")
    def preview_link(self, obj) -> str:
        if not obj.pk:
            return "Save the question to preview it."
        url = reverse("admin:quizzes_question_preview", args=[obj.pk])
        return format_html('<a href="{}">Preview as a trainee sees it</a>', url)

    @admin.display(description="statistics")
    def statistics(self, obj) -> str:
        if not obj.pk:
            return "–"
        answers = list(
            Answer.objects.filter(
                question=obj, attempt__status=AttemptStatus.SUBMITTED
            ).values_list("response", "is_correct")
        )
        if not answers:
            return "No answers yet."
        correct = sum(1 for _, ok in answers if ok)
        lines = [
            f"{len(answers)} answers in submitted attempts, "
            f"{round(100 * correct / len(answers))}% correct."
        ]
        wrong = _most_chosen_wrong(obj, [r for r, ok in answers if not ok])
        if wrong:
            lines.append(f"Most chosen wrong answer: {wrong[0]} ({wrong[1]} times).")
        return format_html_join("", "<p>{}</p>", ((line,) for line in lines))

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="quizzes_question_preview",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="quizzes_question_import",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="quizzes_question_export",
            ),
        ]
        return extra + super().get_urls()

    def preview_view(self, request, pk: int):
        question = get_object_or_404(Question, pk=pk)
        return views.question_preview(request, question)

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = QuestionImportForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                document = check_document(
                    read_document(
                        upload.read(),
                        format=form.cleaned_data["format"] or guess_format(upload.name),
                    )
                )
            except ImportFileError as error:
                problems = error.problems
            else:
                counts = questions_import(document=document)
                summary = ", ".join(
                    f"{n} {label}" for label, n in sorted(counts.items())
                )
                self.message_user(request, f"Imported: {summary or 'nothing new'}.")
                return redirect("admin:quizzes_question_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Import questions",
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
        }
        return render(request, "admin/quizzes/question/import.html", context)

    def export_view(self, request):
        format = "json" if request.GET.get("format") == "json" else "yaml"
        return _download(questions_export(), format)

    @admin.action(description="Export selected questions as YAML")
    def export_yaml(self, request, queryset):
        return _download(
            questions_export(questions=queryset, with_quizzes=False), "yaml"
        )

    @admin.action(description="Export selected questions as JSON")
    def export_json(self, request, queryset):
        return _download(
            questions_export(questions=queryset, with_quizzes=False), "json"
        )


def _most_chosen_wrong(question: Question, responses: list[dict]):
    """The wrong option trainees chose most often, with its count."""
    counts: Counter = Counter()
    if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        labels = {c.pk: c.text for c in question.choices.filter(is_correct=False)}
        for response in responses:
            picked = response.get("choices") or [response.get("choice")]
            counts.update(labels[pk] for pk in picked if pk in labels)
    elif question.type == QuestionType.TRUE_FALSE:
        counts.update(str(r["value"]) for r in responses if "value" in r)
    elif question.type == QuestionType.POLICY:
        counts.update(r["effect"] for r in responses if "effect" in r)
    elif question.type == QuestionType.SHORT:
        counts.update(r["text"].strip() for r in responses if r.get("text"))
    return counts.most_common(1)[0] if counts else None


def _download(document: dict, format: str) -> HttpResponse:
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    content_type = "application/json" if format == "json" else "application/yaml"
    response = HttpResponse(
        dump_document(document, format=format), content_type=content_type
    )
    response["Content-Disposition"] = (
        f'attachment; filename="questions-{stamp}.{format}"'
    )
    return response


class QuestionImportForm(forms.Form):
    file = forms.FileField(help_text="YAML, JSON or Moodle GIFT; at most 5 MB.")
    format = forms.ChoiceField(
        choices=[
            ("", "From the file name"),
            ("yaml", "YAML"),
            ("json", "JSON"),
            ("gift", "GIFT"),
        ],
        required=False,
    )


class QuizQuestionInline(admin.TabularInline):
    model = QuizQuestion
    extra = 1
    autocomplete_fields = ["question"]


class QuizDrawInline(admin.TabularInline):
    model = QuizDraw
    extra = 0
    autocomplete_fields = ["topic"]
    verbose_name = "random draw"
    verbose_name_plural = "random draws (N questions at random from a topic)"


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = [
        "title", "slug", "is_published", "pass_mark", "attempt_limit",
        "time_limit_minutes", "feedback_mode", "attempt_count",
    ]  # fmt: skip
    list_filter = ["is_published", "feedback_mode"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuizQuestionInline, QuizDrawInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_attempts=Count("attempts"))

    @admin.display(description="attempts", ordering="_attempts")
    def attempt_count(self, obj) -> int:
        return obj._attempts


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    can_delete = False
    fields = ["question", "response", "score", "is_correct", "locked", "saved_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["user", "quiz", "number", "status", "score", "passed", "started_at"]
    list_filter = ["status", "passed", "quiz"]
    list_select_related = ["user", "quiz"]
    search_fields = ["user__username", "quiz__title"]
    date_hierarchy = "started_at"
    inlines = [AnswerInline]
    actions = ["export_csv"]
    change_list_template = "admin/quizzes/attempt/change_list.html"
    readonly_fields = [
        "quiz", "user", "number", "status", "question_ids", "choice_order",
        "started_at", "deadline", "submitted_at", "score", "passed",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def get_urls(self):
        extra = [
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_all_view),
                name="quizzes_attempt_export",
            )
        ]
        return extra + super().get_urls()

    def export_all_view(self, request):
        if not self.has_view_permission(request):
            messages.error(request, "You may not export attempts.")
            return redirect("admin:index")
        return attempts_csv(Attempt.objects.all())

    @admin.action(description="Export selected attempts as CSV")
    def export_csv(self, request, queryset):
        return attempts_csv(queryset)


def attempts_csv(queryset) -> HttpResponse:
    """Attempts as CSV, one row each, for a spreadsheet."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="attempts.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "attempt",
            "user",
            "quiz",
            "number",
            "status",
            "started",
            "submitted",
            "score",
            "passed",
        ]
    )
    for attempt in queryset.select_related("user", "quiz").order_by("pk"):
        writer.writerow(
            [
                attempt.pk,
                _csv_safe(attempt.user.get_username()),
                _csv_safe(attempt.quiz.title),
                attempt.number,
                attempt.status,
                attempt.started_at.isoformat(),
                attempt.submitted_at.isoformat() if attempt.submitted_at else "",
                "" if attempt.score is None else attempt.score,
                "" if attempt.passed is None else ("yes" if attempt.passed else "no"),
            ]
        )
    return response


def _csv_safe(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
