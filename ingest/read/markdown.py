"""read.markdown: a Markdown file (legal-text collections, notes) → the text it renders to.

markdown-it-py (MIT, pure Python, CommonMark) parses the file; the text is what a reader sees:
markup gone (#, **, links, tables' pipes), a line per heading, paragraph, list item and table
cell, line breaks inside a paragraph kept (collections put one article per line), the numbers
of ordered lists printed (1. 2. …), HTML comments dropped, a YAML front matter kept as lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ingest.read.normalise import normalise
from ingest.read.source import SourceText
from ingest.read.text import decode

__all__ = ["read"]

_PARSER = MarkdownIt("commonmark").enable("table")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_TAG = re.compile(r"<!--.*?-->|<[^>]+>", re.S)
_NEW_LINE = ("softbreak", "hardbreak")
_BREAK = re.compile(r"<br\b", re.I)


def read(data: bytes, name: str) -> SourceText:
    """The normalised text a Markdown file renders to."""
    source, encoding = decode(data, name)
    front = _FRONT_MATTER.match(source)
    lines = [front[1]] if front else []
    lines += _rendered(_PARSER.parse(source[front.end():] if front else source))
    return normalise("\n".join(lines) + "\n", name, f"{encoding} (markdown)", "markdown")


def _rendered(tokens: list[Token]) -> Iterator[str]:
    label = ""
    for token in tokens:
        if token.type == "list_item_open" and token.info:
            label = f"{token.info}{token.markup}"
        elif token.type == "inline":
            yield label + _inline(token.children or [])
            label = ""
        elif token.type in ("fence", "code_block"):
            yield token.content.rstrip("\n")
        elif token.type == "html_block":
            text = _TAG.sub("", token.content).strip()
            if text:
                yield text


def _inline(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in _NEW_LINE or (child.type == "html_inline" and _BREAK.match(child.content)):
            parts.append("\n")
    return "".join(parts)
