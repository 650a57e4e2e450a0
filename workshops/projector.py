"""
What the projector shows a room besides the dashboard's numbers: the current
agenda item and, for a quiz, how the room answered each question, drawn on the
server as an SVG bar chart (no chart library, nothing for the CSP to allow).

The distribution runs a fixed number of queries: the answers grouped by
response, the quiz's listed questions, and the questions with their choices.
"""

import html
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.safestring import SafeString

from quizzes.grading import response_labels
from quizzes.models import Answer, Question, QuestionType, QuizQuestion
from responsibility.markdown import render_markdown_inline

from .models import AgendaItem, Workshop

# Wrong answers of free-form questions beyond this many are not drawn.
OTHER_BARS_SHOWN = 6


def current_item(items: list[AgendaItem]) -> AgendaItem | None:
    """The item the room is on: the one unlocked last (the first in the agenda
    among several unlocked at once, as "Unlock all" does); None before any."""
    unlocked = [item for item in items if item.unlocked]
    if not unlocked:
        return None
    latest = max(item.unlocked_at for item in unlocked)
    return next(item for item in unlocked if item.unlocked_at == latest)


@dataclass(frozen=True)
class Bar:
    """One answer and how many gave it."""

    label: str
    count: int
    correct: bool


@dataclass(frozen=True)
class QuestionDistribution:
    """How the room answered one question."""

    number: int
    prompt: str
    answers: int
    bars: list[Bar]

    def svg(self) -> SafeString:
        return bar_chart(self)


def plain(text: str, limit: int = 48) -> str:
    """Markdown as the plain words a chart label can hold."""
    words = " ".join(html.unescape(strip_tags(render_markdown_inline(text))).split())
    return words if len(words) <= limit else words[: limit - 1] + "…"


def _bars(question: Question, counts: Counter, right: set[str]) -> list[Bar]:
    if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return [
            Bar(plain(c.text), counts.pop(plain(c.text), 0), c.is_correct)
            for c in question.choices.all()
        ] + [Bar(text, n, False) for text, n in counts.items()]
    if question.type == QuestionType.TRUE_FALSE:
        answer = question.true_false_answer
        return [
            Bar(str(value), counts.get(str(value), 0), value == answer)
            for value in (True, False)
        ]
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Bar(t, n, t in right) for t, n in ranked[:OTHER_BARS_SHOWN]]


def answer_distribution(
    workshop: Workshop, item: AgendaItem | None
) -> list[QuestionDistribution]:
    """For the current item when it is a quiz: each of its questions that was
    listed or answered in the workshop, with a bar per answer given."""
    if item is None or not item.quiz_id:
        return []
    rows = list(
        Answer.objects.filter(
            attempt__workshop_link__workshop=workshop, attempt__quiz_id=item.quiz_id
        )
        .exclude(response={})
        .values("question_id", "response")
        .annotate(times=Count("id"))
        .order_by()
        .values_list("question_id", "response", "times")
    )
    listed = list(
        QuizQuestion.objects.filter(quiz_id=item.quiz_id).values_list(
            "question_id", flat=True
        )
    )
    ids = listed + [qid for qid, *_ in rows if qid not in listed]
    questions = Question.objects.filter(pk__in=ids).prefetch_related("choices")
    by_id = {question.pk: question for question in questions}
    counts: dict[int, Counter] = {qid: Counter() for qid in ids}
    answers: Counter = Counter()
    right: dict[int, set[str]] = {}
    for question_id, response, times in rows:
        question = by_id.get(question_id)
        if question is None:
            continue
        answers[question_id] += times
        for label in response_labels(question, response):
            text = plain(label.text)
            counts[question_id][text] += times
            if label.right:
                right.setdefault(question_id, set()).add(text)
    found = []
    for qid in dict.fromkeys(ids):
        if qid not in by_id:
            continue
        question = by_id[qid]
        found.append(
            QuestionDistribution(
                number=len(found) + 1,
                prompt=plain(question.prompt, 140),
                answers=answers[qid],
                bars=_bars(question, counts[qid], right.get(qid, set())),
            )
        )
    return found


# The chart's geometry, in SVG user units; the SVG scales to its container.
_WIDTH = 1000
_LABEL_SIZE = 34
_ROW = 96
_BAR_TOP = 46
_BAR_HEIGHT = 36
_BAR_MAX = 740


def bar_chart(distribution: QuestionDistribution) -> SafeString:
    """
    A horizontal bar chart of one question's answers: per answer, its words on
    one line and a bar with the count and share after it. The right answer says
    "(right answer)" and has a tick, so colour carries no meaning on its own.
    """
    bars = distribution.bars
    total = distribution.answers
    biggest = max((bar.count for bar in bars), default=0) or 1
    height = _ROW * max(len(bars), 1)
    rows = []
    for index, bar in enumerate(bars):
        top = index * _ROW
        width = round(_BAR_MAX * bar.count / biggest) if bar.count else 2
        share = round(100 * bar.count / total) if total else 0
        label = f"✔ {bar.label} (right answer)" if bar.correct else bar.label
        rows.append(
            (
                top + _LABEL_SIZE,
                label,
                "bar bar-right" if bar.correct else "bar",
                top + _BAR_TOP,
                width,
                width + 12,
                top + _BAR_TOP + _BAR_HEIGHT - 8,
                f"{bar.count} ({share}%)",
            )
        )
    summary = "; ".join(f"{bar.label}: {bar.count}" for bar in bars)
    return format_html(
        '<svg class="answer-chart" viewBox="0 0 {} {}" role="img" '
        'aria-label="Question {}, {} answer{}: {}">{}</svg>',
        _WIDTH,
        height,
        distribution.number,
        total,
        "" if total == 1 else "s",
        summary or "none yet",
        format_html_join(
            "",
            '<text x="0" y="{}" class="bar-label">{}</text>'
            '<rect class="{}" x="0" y="{}" width="{}" height="'
            + str(_BAR_HEIGHT)
            + '"></rect><text x="{}" y="{}" class="bar-count">{}</text>',
            rows,
        ),
    )
