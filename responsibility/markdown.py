"""Markdown rendering for text written in the admin: CommonMark, then sanitized."""

from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# Raw HTML is off in the parser, and nh3 cleans the output as a second line of
# defence, so text from the admin can never carry script into a trainee's page.
_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

_ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "img", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "code": {"class"},
    "img": {"src", "alt"},
}
# Inside a sentence, a label or a button only phrasing may appear.
_INLINE_TAGS = {"a", "br", "code", "em", "img", "strong"}


def _same_site_images(element: str, attribute: str, value: str) -> str | None:
    """Images only from this site (question images): no tracking pixels."""
    if element == "img" and attribute == "src":
        # Browsers read a backslash in a web address as "/": "/\host" is "//host".
        same_site = value.startswith("/") and not value.startswith("//")
        return value if same_site and "\\" not in value else None
    return value


@lru_cache(maxsize=1024)
def render_markdown(text: str) -> SafeString:
    """
    Render Markdown to HTML that is safe to place in a page. Cached by text: the
    same prompts and scenarios are shown to a whole room at once.
    """
    tokens = _parser.parse(text)
    for token in tokens:
        # The page owns the only h1; a guide's own top-level headings become h2.
        if token.tag == "h1":
            token.tag = "h2"
    html = _parser.renderer.render(tokens, _parser.options, {})
    return _clean(html, _ALLOWED_TAGS)


@lru_cache(maxsize=4096)
def render_markdown_inline(text: str) -> SafeString:
    """
    Render one line of Markdown (emphasis, code, links) without a wrapping
    paragraph, for text that sits inside a label, a list item or a sentence:
    a choice, its feedback, a hint. Block syntax stays as text; sanitized.
    """
    return _clean(_parser.renderInline(text), _INLINE_TAGS)


def sanitize_html(html: str) -> SafeString:
    """HTML from elsewhere (a Moodle question file) cleaned by the guides' rules."""
    return _clean(html, _ALLOWED_TAGS)


def _clean(html: str, tags: set[str]) -> SafeString:
    cleaned = nh3.clean(
        html,
        tags=tags,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        attribute_filter=_same_site_images,
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has sanitized it
