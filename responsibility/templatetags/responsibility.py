from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from responsibility.markdown import render_markdown, render_markdown_inline
from responsibility.models import Owner

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render admin-written Markdown, sanitized."""
    return render_markdown(text or "")


@register.filter
def markdown_inline(text: str) -> SafeString:
    """Render admin-written Markdown inline (no wrapping <p>), sanitized."""
    return render_markdown_inline(text or "")


_ICONS = {
    Owner.AWS: '<path fill="currentColor" '
    'd="M4.5 13A3.5 3.5 0 0 1 4 6.03 4.5 4.5 0 0 1 '
    '12.72 6.5 3.25 3.25 0 0 1 12.25 13z"/>',
    Owner.CUSTOMER: '<circle fill="currentColor" cx="8" cy="4.5" r="3"/><path '
    'fill="currentColor" d="M2 15c0-3.3 2.7-5.5 6-5.5s6 2.2 6 5.5z"/>',
    Owner.SHARED: '<path fill="currentColor" d="M1 5h10.2L9 2.8 10.4 1.4 15 6l-4.6 '
    '4.6L9 9.2 11.2 7H1zm14 6H4.8L7 13.2l-1.4 1.4L1 10l4.6-4.6L7 6.8 4.8 9H15z"/>',
}


@register.simple_tag
def owner_badge(owner: str) -> SafeString:
    """
    An owner shown with an icon and its name, so colour never carries meaning.
    Built in Python rather than from a template: the matrix shows it 40 times.
    """
    owner = Owner(owner)
    return format_html(
        '<span class="owner owner-{}"><svg class="owner-icon" aria-hidden="true" '
        'focusable="false" viewBox="0 0 16 16" width="16" height="16">{}</svg> '
        "{}</span>",
        owner.value,
        mark_safe(_ICONS[owner]),  # noqa: S308 - constant markup above
        owner.label,
    )
