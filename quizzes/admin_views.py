"""
The pages the quizzes admin adds to Django's: a question previewed as a trainee
sees it, importing and exporting the question bank, and the attempts as CSV.
Each takes the ModelAdmin that routes to it (see admin.py's get_urls).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from . import views
from .exports import attempts_csv
from .interchange import (
    ImportFileError,
    check_document,
    dump_document,
    guess_format,
    questions_moodle_xml,
    read_questions,
)
from .models import Attempt, Question
from .services import questions_export, questions_import


class QuestionImportForm(forms.Form):
    file = forms.FileField(
        help_text="YAML or JSON, at most 5 MB; Moodle GIFT, at most 2 MB; Moodle "
        "XML, at most 10 MB."
    )
    format = forms.ChoiceField(
        choices=[
            ("", "From the file name"),
            ("yaml", "YAML"),
            ("json", "JSON"),
            ("gift", "GIFT"),
            ("moodle-xml", "Moodle XML"),
        ],
        required=False,
    )
    skip_unsupported = forms.BooleanField(
        label="Skip unsupported questions",
        required=False,
        help_text="GIFT and Moodle XML: import what this trainer can represent "
        "and list the questions left out, instead of importing nothing.",
    )


def question_preview(model_admin, request, pk: int):
    question = get_object_or_404(Question, pk=pk)
    return views.question_preview(request, question)


def question_preview_edits(model_admin, request, pk: int | None):
    """
    The question as the change form holds it, saved or not: validated like a
    save, written in a transaction that is rolled back once the page is drawn,
    so the preview is the trainee's page itself and nothing is stored. A form
    with errors gets the errors instead.
    """
    question = get_object_or_404(Question, pk=pk) if pk is not None else None
    allowed = (
        model_admin.has_change_permission(request, question)
        if question is not None
        else model_admin.has_add_permission(request)
    )
    if not allowed:
        raise PermissionDenied
    if request.method != "POST":
        if question is None:
            return redirect("admin:quizzes_question_add")
        return redirect("admin:quizzes_question_preview", pk=question.pk)
    form = model_admin.get_form(request, question, change=question is not None)(
        request.POST, request.FILES, instance=question
    )
    valid = form.is_valid()
    formsets = [
        formset_class(
            request.POST,
            request.FILES,
            instance=form.instance,
            prefix=formset_class.get_default_prefix(),
            queryset=inline.get_queryset(request),
        )
        for formset_class, inline in model_admin.get_formsets_with_inlines(
            request, question
        )
    ]
    valid = all(formset.is_valid() for formset in formsets) and valid
    if not valid:
        errors = [
            f"{form.fields[name].label if name in form.fields else 'Question'}: "
            f"{message}"
            for name, messages_ in form.errors.items()
            for message in messages_
        ] + [
            f"Choices: {message}"
            for formset in formsets
            for message in [
                *formset.non_form_errors(),
                *(m for errors in formset.errors for ms in errors.values() for m in ms),
            ]
        ]
        context = {
            **model_admin.admin_site.each_context(request),
            "title": "Preview: fix these first",
            "errors": errors,
            "opts": model_admin.model._meta,
        }
        return render(
            request, "admin/quizzes/question/preview_errors.html", context, status=400
        )
    with transaction.atomic():
        saved = form.save()
        for formset in formsets:
            formset.instance = saved
            formset.save()
        response = views.question_preview(request, saved, unsaved=True)
        transaction.set_rollback(True)
    return response


def question_import(model_admin, request):
    if not model_admin.has_add_permission(request):
        return redirect("admin:index")
    form = QuestionImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            file = read_questions(
                data,
                format=form.cleaned_data["format"] or guess_format(upload.name, data),
                skip_unsupported=form.cleaned_data["skip_unsupported"],
            )
            document = check_document(file.document)
        except ImportFileError as error:
            problems = error.problems
        else:
            counts = questions_import(document=document, images=file.images)
            summary = ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))
            model_admin.message_user(request, f"Imported: {summary or 'nothing new'}.")
            for skipped in file.skipped:
                model_admin.message_user(
                    request, f"Skipped: {skipped}", level=messages.WARNING
                )
            return redirect("admin:quizzes_question_changelist")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import questions",
        "form": form,
        "problems": problems,
        "opts": model_admin.model._meta,
    }
    return render(request, "admin/quizzes/question/import.html", context)


def question_export(model_admin, request):
    if request.GET.get("format") == "moodle-xml":
        return _download(questions_moodle_xml(), "application/xml", "xml")
    format = "json" if request.GET.get("format") == "json" else "yaml"
    return questions_download(questions_export(), format)


def questions_download(document: dict, format: str) -> HttpResponse:
    """An exported question bank as a file to save, stamped with the time."""
    content_type = "application/json" if format == "json" else "application/yaml"
    return _download(dump_document(document, format=format), content_type, format)


def _download(text: str, content_type: str, extension: str) -> HttpResponse:
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="questions-{stamp}.{extension}"'
    )
    return response


def attempts_export(model_admin, request):
    if not model_admin.has_view_permission(request):
        messages.error(request, "You may not export attempts.")
        return redirect("admin:index")
    return attempts_csv(Attempt.objects.all())
