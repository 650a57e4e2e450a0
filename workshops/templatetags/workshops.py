from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.names import clean_name

register = template.Library()


@register.filter
def plain_name(name: str) -> str:
    """A name without bidirectional controls, for where <bdi> cannot go (an
    <option>): names stored before those were refused cannot turn the text."""
    return clean_name(name)


@register.filter
def table_cells(cells) -> SafeString:
    """
    Cells as `<td>` elements, escaped. The dashboard grid has thousands of cells
    and is re-rendered every few seconds: one filter call per row instead of a
    template loop per cell keeps it within its time budget.
    """
    return mark_safe("".join(f"<td>{escape(cell)}</td>" for cell in cells))  # noqa: S308
