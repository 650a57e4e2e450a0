"""The inline Markdown filter: phrasing only, no paragraph, sanitized."""

from django.template import Context, Template

from responsibility.markdown import render_markdown_inline


def _render(text: str) -> str:
    template = Template("{% load responsibility %}{{ text|markdown_inline }}")
    return template.render(Context({"text": text}))


def test_emphasis_code_and_strong_render_without_a_paragraph():
    assert _render("*in* `s3:*` **Amazon EC2**") == (
        "<em>in</em> <code>s3:*</code> <strong>Amazon EC2</strong>"
    )


def test_block_syntax_stays_text():
    assert _render("# Not a heading") == "# Not a heading"
    assert "<ul>" not in _render("- not a list")


def test_html_and_script_links_are_never_passed_through():
    html = _render("<script>alert(1)</script> [x](javascript:alert(2)) <img src=x>")
    assert "<script" not in html
    assert "<img" not in html
    assert "javascript:" not in html.split("[x]")[0]
    assert 'href="javascript' not in html


def test_safe_links_keep_a_rel():
    assert _render("[AWS](https://aws.amazon.com)") == (
        '<a href="https://aws.amazon.com" rel="noopener noreferrer">AWS</a>'
    )


def test_empty_and_none_render_nothing():
    assert _render("") == ""
    assert render_markdown_inline("") == ""
    assert (
        Template("{% load responsibility %}{{ x|markdown_inline }}").render(
            Context({"x": None})
        )
        == ""
    )
