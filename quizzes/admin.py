"""The quizzes' ModelAdmins. Their extra pages live in admin_views.py."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Avg, Case, Count, FloatField, Q, When
from django.db.models.functions import Length
from django.forms.models import BaseInlineFormSet
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from responsibility.admin import TopicStudyInline

from . import admin_views
from .exports import attempts_csv
from .forms import StrictJSONField
from .models import (
    Answer,
    Attempt,
    AttemptStatus,
    Choice,
    Question,
    QuestionImage,
    QuestionType,
    Quiz,
    QuizDraw,
    QuizQuestion,
    Topic,
    number_text,
)
from .selectors import question_statistics
from .services import questions_export
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
        numerical_answer=question.numerical_answer,
        numerical_tolerance=question.numerical_tolerance,
    )


class QuestionForm(forms.ModelForm):
    """Checks the fields of the question's own type; choices are checked inline."""

    class Meta:
        model = Question
        fields = [
            "slug", "type", "difficulty", "mark", "topics", "prompt", "explanation",
            "true_false_answer", "sort_category", "sort_service", "sort_areas",
            "policy_document", "policy_kind", "request_principal", "request_action",
            "request_resource", "request_context", "accepted_answers",
            "numerical_answer", "numerical_tolerance", "source",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, the mark is the default; shown as "2.5", not "2.5000000".
        self.fields["mark"].required = False
        self.fields["numerical_tolerance"].required = False
        if self.instance.pk:
            self.initial["mark"] = number_text(self.instance.mark)
            if self.instance.numerical_answer is not None:
                self.initial["numerical_answer"] = number_text(
                    self.instance.numerical_answer
                )
            self.initial["numerical_tolerance"] = number_text(
                self.instance.numerical_tolerance
            )

    def clean_mark(self):
        mark = self.cleaned_data.get("mark")
        return Question._meta.get_field("mark").default if mark is None else mark

    def clean_numerical_tolerance(self):
        tolerance = self.cleaned_data.get("numerical_tolerance")
        return 0 if tolerance is None else tolerance

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("type") != QuestionType.NUMERICAL:
            # The numerical section is hidden for other types: what it holds
            # does not apply, so it is not kept.
            cleaned["numerical_answer"] = None
            cleaned["numerical_tolerance"] = 0
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


def _for_types(*types: str) -> list[str]:
    """Classes that mark a section as used by question types `types`; the admin's
    question script (static/js/admin_question.js) shows only the chosen type's."""
    return ["question-type", *(f"question-type-{t}" for t in types)]


class ChoiceForm(forms.ModelForm):
    class Meta:
        model = Choice
        fields = ["order", "text", "is_correct", "feedback"]
        # Two short rows each, so the table fits a 1280-pixel screen.
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2, "cols": 34}),
            "feedback": forms.Textarea(attrs={"rows": 2, "cols": 34}),
        }


class ChoiceInline(admin.TabularInline):
    model = Choice
    form = ChoiceForm
    formset = ChoiceFormSet
    extra = 2
    fields = ["order", "text", "is_correct", "feedback"]
    classes = _for_types(QuestionType.SINGLE, QuestionType.MULTIPLE)


@admin.register(QuestionImage)
class QuestionImageAdmin(admin.ModelAdmin):
    """Images imported with Moodle XML questions: seen here, never edited."""

    list_display = ["name", "content_type", "size", "created_at", "link"]
    search_fields = ["name", "sha256"]
    fields = ["name", "content_type", "sha256", "created_at", "link"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # images arrive with the questions that show them

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # The size without loading the bytes of every image on the page.
        return (
            super().get_queryset(request).defer("data").annotate(_size=Length("data"))
        )

    @admin.display(description="size", ordering="_size")
    def size(self, obj) -> str:
        return f"{obj._size:,} bytes"

    @admin.display(description="image")
    def link(self, obj) -> str:
        url = reverse("quizzes:question_image", args=[obj.sha256])
        return format_html('<a href="{}">{}</a>', url, url)


class ExplanationFilter(admin.SimpleListFilter):
    """Imported questions may lack an explanation; this finds them."""

    title = "explanation"
    parameter_name = "explanation"

    def lookups(self, request, model_admin):
        return [("missing", "Needs an explanation"), ("present", "Has one")]

    def queryset(self, request, queryset):
        missing = Q(explanation__regex=r"^\s*$")
        if self.value() == "missing":
            return queryset.filter(missing)
        if self.value() == "present":
            return queryset.exclude(missing)
        return queryset


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionForm
    formfield_overrides = {models.JSONField: {"form_class": StrictJSONField}}
    inlines = [ChoiceInline]
    list_display = [
        "slug", "type", "difficulty", "marks", "topic_list", "explained",
        "answer_count", "share_correct",
    ]  # fmt: skip
    list_filter = ["type", "difficulty", ExplanationFilter, "topics"]
    search_fields = ["slug", "prompt", "explanation"]
    filter_horizontal = ["topics", "sort_areas"]
    readonly_fields = ["preview_link", "statistics"]
    change_list_template = "admin/quizzes/question/change_list.html"
    change_form_template = "admin/quizzes/question/change_form.html"
    actions = ["export_yaml", "export_json"]

    class Media:
        js = ["js/admin_question.js"]

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "slug",
                    "type",
                    "difficulty",
                    "mark",
                    "topics",
                    "preview_link",
                ]
            },
        ),
        ("Question", {"fields": ["prompt", "explanation", "source"]}),
        (
            "True or false",
            {
                "fields": ["true_false_answer"],
                "classes": ["collapse", *_for_types(QuestionType.TRUE_FALSE)],
            },
        ),
        (
            "Responsibility sort",
            {
                "fields": ["sort_category", "sort_service", "sort_areas"],
                "classes": ["collapse", *_for_types(QuestionType.SORT)],
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
                "classes": ["collapse", *_for_types(QuestionType.POLICY)],
            },
        ),
        (
            "Short answer",
            {
                "fields": ["accepted_answers"],
                "classes": ["collapse", *_for_types(QuestionType.SHORT)],
            },
        ),
        (
            "Numerical answer",
            {
                "fields": ["numerical_answer", "numerical_tolerance"],
                "classes": ["collapse", *_for_types(QuestionType.NUMERICAL)],
            },
        ),
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

    @admin.display(description="mark", ordering="mark")
    def marks(self, obj) -> str:
        return number_text(obj.mark)

    @admin.display(description="topics")
    def topic_list(self, obj) -> str:
        return ", ".join(t.name for t in obj.topics.all())

    @admin.display(description="explanation")
    def explained(self, obj) -> str:
        # Words, not an icon: the meaning is not carried by a symbol alone.
        return "Needs an explanation" if obj.needs_explanation else "Yes"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        question = self.get_object(request, object_id)
        if (
            request.method == "GET"
            and question is not None
            and question.needs_explanation
        ):
            self.message_user(
                request,
                "This question needs an explanation: trainees see none after "
                "answering it.",
                level=messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="answers", ordering="_answers")
    def answer_count(self, obj) -> int:
        return obj._answers

    @admin.display(description="correct", ordering="_correct")
    def share_correct(self, obj) -> str:
        return "–" if obj._correct is None else f"{round(100 * obj._correct)}%"

    @admin.display(description="preview")
    def preview_link(self, obj) -> str:
        if not obj.pk:
            return "“Preview unsaved changes” below shows the question as you fill it."
        url = reverse("admin:quizzes_question_preview", args=[obj.pk])
        return format_html(
            '<a href="{}">Preview the saved version as a trainee sees it</a>; '
            "“Preview unsaved changes” below shows your edits before saving.",
            url,
        )

    @admin.display(description="statistics")
    def statistics(self, obj) -> str:
        if not obj.pk:
            return "–"
        stats = question_statistics(obj)
        if not stats.answers:
            return "No answers yet."
        lines = [
            f"{stats.answers} answers in submitted attempts, "
            f"{stats.percent_correct}% correct."
        ]
        wrong = stats.most_chosen_wrong
        if wrong:
            lines.append(
                f"Most chosen wrong answer: {wrong.text} ({wrong.answers} times)."
            )
        return format_html_join("", "<p>{}</p>", ((line,) for line in lines))

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="quizzes_question_preview",
            ),
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_edits_view),
                name="quizzes_question_preview_new",
            ),
            path(
                "<int:pk>/preview/edits/",
                self.admin_site.admin_view(self.preview_edits_view),
                name="quizzes_question_preview_edits",
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
        return admin_views.question_preview(self, request, pk)

    def preview_edits_view(self, request, pk: int | None = None):
        return admin_views.question_preview_edits(self, request, pk)

    def import_view(self, request):
        return admin_views.question_import(self, request)

    def export_view(self, request):
        return admin_views.question_export(self, request)

    @admin.action(description="Export selected questions as YAML")
    def export_yaml(self, request, queryset):
        return admin_views.questions_download(
            questions_export(questions=queryset, with_quizzes=False), "yaml"
        )

    @admin.action(description="Export selected questions as JSON")
    def export_json(self, request, queryset):
        return admin_views.questions_download(
            questions_export(questions=queryset, with_quizzes=False), "json"
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
    list_display = [
        "user", "quiz", "number", "status", "percent", "passed", "started_at",
    ]  # fmt: skip
    list_filter = ["status", "passed", "quiz"]
    list_select_related = ["user", "quiz"]
    search_fields = ["user__username", "quiz__title"]
    date_hierarchy = "started_at"
    inlines = [AnswerInline]
    actions = ["export_csv"]
    change_list_template = "admin/quizzes/attempt/change_list.html"
    readonly_fields = [
        "quiz", "user", "number", "status", "question_ids", "choice_order",
        "started_at", "deadline", "submitted_at", "percent", "passed",
    ]  # fmt: skip
    exclude = ["score"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="score", ordering="score")
    def percent(self, obj) -> float | None:
        """The score as a percentage, as the admin has always shown it."""
        return obj.percent

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
        return admin_views.attempts_export(self, request)

    @admin.action(description="Export selected attempts as CSV")
    def export_csv(self, request, queryset):
        return attempts_csv(queryset)
