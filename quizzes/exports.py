"""Attempts as CSV, for a spreadsheet."""

import csv

from django.http import HttpResponse

from curriculum.csv import csv_safe

ATTEMPT_COLUMNS = [
    "attempt", "user", "quiz", "number", "status", "started", "submitted", "score",
    "passed",
]  # fmt: skip


def attempts_csv(queryset) -> HttpResponse:
    """Attempts as CSV, one row each; the score in percent, as pages show it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="attempts.csv"'
    writer = csv.writer(response)
    writer.writerow(ATTEMPT_COLUMNS)
    for attempt in queryset.select_related("user", "quiz").order_by("pk"):
        writer.writerow(
            [
                attempt.pk,
                csv_safe(attempt.user.get_username()),
                csv_safe(attempt.quiz.title),
                attempt.number,
                attempt.status,
                attempt.started_at.isoformat(),
                attempt.submitted_at.isoformat() if attempt.submitted_at else "",
                "" if attempt.score is None else attempt.percent,
                "" if attempt.passed is None else ("yes" if attempt.passed else "no"),
            ]
        )
    return response
