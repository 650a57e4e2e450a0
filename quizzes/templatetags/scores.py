"""{{ attempt.score|percent }}%: a score (a fraction) as the percentage pages show."""

from django import template

from quizzes.models import as_percent

register = template.Library()


@register.filter
def percent(score: float | None) -> float | None:
    """0.85 -> 85.0; None stays None, for `default_if_none`."""
    return as_percent(score)
