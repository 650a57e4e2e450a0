"""Moodle's HTML becomes Markdown that renders the same, cleaned like the guides."""

import pytest

from quizzes.htmltext import html_to_markdown, markdown_to_html, plain_to_markdown


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("<p>Line<br>break</p>", "Line\\\nbreak"),
        ("<p><strong>bold</strong> and <em>it</em></p>", "**bold** and *it*"),
        ("<p>Use <code>s3:Get*</code> here</p>", "Use `s3:Get*` here"),
        ("<p>2 * 3 = 6_</p>", "2 \\* 3 = 6\\_"),
        ("<ul><li>a</li><li>b</li></ul>", "- a\n- b"),
        ("<ol><li><p>first</p></li><li><p>second</p></li></ol>", "1. first\n2. second"),
        (
            '<p>See <a href="https://docs.aws.amazon.com/">the docs</a>.</p>',
            "See [the docs](https://docs.aws.amazon.com/).",
        ),
        ('<pre>{\n  "a": 1\n}</pre>', '```\n{\n  "a": 1\n}\n```'),
        ("<p>x</p><script>alert(1)</script>", "x"),
        ('<p onclick="evil()">&lt;b&gt; &amp; co</p>', "\\<b\\> & co"),
        ('<p><span style="color:red">plain</span></p>', "plain"),
        ("<h1>Title</h1>", "Title"),
        ("<h3>Part</h3><p>text</p>", "### Part\n\ntext"),
        ('<p><a href="javascript:alert(1)">x</a></p>', "x"),
    ],
)
def test_html_becomes_markdown(html, markdown):
    assert html_to_markdown(html) == markdown


def test_the_markdown_renders_back_to_the_same_html():
    html = (
        "<p>Which is <strong>true</strong>?</p>\n<ul>\n<li>one</li>\n<li>two</li>\n"
        "</ul>\n"
    )
    assert markdown_to_html(html_to_markdown(html)) == html


def test_inline_text_is_one_line():
    assert html_to_markdown("<p>A</p><p>B</p>", inline=True) == "A B"


def test_plain_text_keeps_its_lines_and_escapes_syntax():
    assert plain_to_markdown(" a*b\n# c ") == "a\\*b\n\\# c"
