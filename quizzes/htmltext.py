"""
HTML from Moodle question files as our Markdown, and back.

Moodle stores question text and feedback as HTML; ours is Markdown rendered by
the guides' renderer (responsibility.markdown), which never passes raw HTML
through. Imported HTML is first cleaned by the guides' sanitiser, then what
survives (paragraphs, emphasis, code, links, lists, headings, quotes, tables)
is written as the Markdown that renders it again. Other tags leave only their
text. Exported Markdown is rendered by the same renderer the pages use.
"""

import re
from html.parser import HTMLParser

from responsibility.markdown import (
    render_markdown,
    render_markdown_inline,
    sanitize_html,
)

__all__ = ["html_to_markdown", "markdown_to_html", "plain_to_markdown"]

# Characters that Markdown would read as syntax in running text.
_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})
_MARKER_ONLY = re.compile(r"\s*(?:-|\d+\.)\s")
_BLOCKS = {"p", "h2", "h3", "h4", "blockquote", "pre", "ul", "ol", "table", "hr"}


def plain_to_markdown(text: str) -> str:
    """Plain text (Moodle's plain_text format) kept as written, syntax escaped."""
    return "\n".join(line.translate(_SPECIAL) for line in text.strip().splitlines())


def markdown_to_html(text: str, *, inline: bool = False) -> str:
    """Our Markdown as the sanitised HTML pages show (a choice is one line)."""
    return str(render_markdown_inline(text) if inline else render_markdown(text))


def html_to_markdown(html: str, *, inline: bool = False) -> str:
    """
    Moodle HTML as Markdown: sanitised by the guides' rules, then converted.
    ``inline`` (choices, their feedback) joins everything into one line.
    """
    writer = _MarkdownWriter()
    writer.feed(str(sanitize_html(html)))
    writer.close()
    text = writer.text()
    if inline:
        return " ".join(text.split())
    return text


class _MarkdownWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.items: list[bool] = []  # whether each block is a list item
        self.line: list[str] = []
        self.prefix: list[str] = []  # "> " for quotes
        self.lists: list[list] = []  # [kind, counter]
        self.links: list[tuple[str, int]] = []  # href, where its "[" is
        self.pre = False
        self.code = False

    # --- output

    def flush(self, *, end_of_item: bool = False) -> None:
        text = "".join(self.line)
        if _MARKER_ONLY.fullmatch(text) and not end_of_item:
            return  # <li><p>...: the paragraph goes on the item's line
        self.line = []
        if self.pre or _MARKER_ONLY.fullmatch(text):
            return
        text = " ".join(text.split()) if "\n" not in text else text.strip()
        if text:
            self.blocks.append("".join(self.prefix) + text)
            self.items.append(bool(self.lists))

    def text(self) -> str:
        self.flush()
        parts: list[str] = []
        for index, block in enumerate(self.blocks):
            if index:
                # List items stay on consecutive lines: a tight list.
                tight = self.items[index] and self.items[index - 1]
                parts.append("\n" if tight else "\n\n")
            parts.append(block)
        return "".join(parts).strip()

    # --- parsing

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in _BLOCKS or tag == "li":
            self.flush()
        match tag:
            case "h2" | "h3" | "h4":
                self.line.append("#" * int(tag[1]) + " ")
            case "blockquote":
                self.prefix.append("> ")
            case "pre":
                self.pre = True
                self.line = []
            case "ul" | "ol":
                self.lists.append([tag, 0])
            case "li":
                indent = "   " * max(len(self.lists) - 1, 0)
                if self.lists and self.lists[-1][0] == "ol":
                    self.lists[-1][1] += 1
                    self.line.append(f"{indent}{self.lists[-1][1]}. ")
                else:
                    self.line.append(f"{indent}- ")
            case "strong":
                self.line.append("**")
            case "em":
                self.line.append("*")
            case "code" if not self.pre:
                self.code = True
                self.line.append("`")
            case "br":
                self.line.append("\\\n" if not self.pre else "\n")
            case "hr":
                self.blocks.append("---")
                self.items.append(False)
            case "a":
                self.links.append((attributes.get("href") or "", len(self.line)))
                self.line.append("[")
            case "td" | "th":
                self.line.append(" | " if self.line else "")

    def handle_endtag(self, tag):
        match tag:
            case "strong":
                self.line.append("**")
            case "em":
                self.line.append("*")
            case "code" if not self.pre:
                self.code = False
                self.line.append("`")
            case "a" if self.links:
                href, opening = self.links.pop()
                if href:
                    self.line.append(f"]({href})")
                elif opening < len(self.line):
                    self.line[opening] = ""  # no address left: just the text
            case "pre":
                code = "".join(self.line).strip("\n")
                self.line = []
                self.pre = False
                self.blocks.append(f"```\n{code}\n```")
                self.items.append(False)
            case "blockquote":
                self.flush()
                if self.prefix:
                    self.prefix.pop()
            case "ul" | "ol":
                self.flush()
                if self.lists:
                    self.lists.pop()
            case "tr":
                self.flush()
        if tag in _BLOCKS - {"pre", "blockquote", "ul", "ol"}:
            self.flush()
        elif tag == "li":
            self.flush(end_of_item=True)

    def handle_data(self, data):
        if self.pre or self.code:
            self.line.append(data)
        else:
            self.line.append(data.translate(_SPECIAL))
