from django import template
from django.utils.safestring import SafeString

from responsibility.markdown import render_markdown
from responsibility.models import Owner

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render admin-written Markdown, sanitized."""
    return render_markdown(text or "")


@register.inclusion_tag("includes/owner_badge.html")
def owner_badge(owner: str) -> dict:
    """An owner shown with an icon and its name, so colour never carries meaning."""
    return {"owner": owner, "label": Owner(owner).label}
