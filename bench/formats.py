"""formats: a plain-text policy document written out as the files users hold instead.

The tests and the benchmark make their own inputs of each format from a text (the corpus, the
generated corpus), so that what the readers give can be checked against what the text gives:

- `gov_page`: a government site's page, with its menus, breadcrumb, the 政府信息公开 metadata
  table, an info bar (发布时间, 来源, 浏览次数, 字号), share buttons, related links and a footer;
- `repost_page`: a policy-summary site's repost, with its 【发布单位】【发布文号】… header;
- `docx`: a Word file (python-docx), a paragraph per line, the 责任单位 lines in a table;
- `pdf`: a PDF with a text layer (reportlab, the Adobe-GB1 CID font STSong-Light), lines
  wrapped at the margin, paragraphs indented, a running header and page numbers (- 2 -), in
  one or two columns;
- `markdown`: a Markdown file in the manner of legal-text collections.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

__all__ = ["Fields", "docx", "gov_page", "markdown", "pdf", "repost_page"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
_HEADING = re.compile(r"[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章条]")
_CLAUSE = re.compile(r"[，。；：]")


@dataclass(frozen=True)
class Fields:
    """What a site prints about a document beside its text."""

    title: str = ""
    doc_number: str = ""
    issuer: str = ""
    date_written: str = ""
    date_published: str = ""


def _lines(text: str) -> list[str]:
    """The non-blank lines, indentation (full-width spaces) kept as printed."""
    return [line.rstrip().lstrip(" \t") for line in text.splitlines() if line.strip()]


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)


def gov_page(text: str, fields: Fields) -> str:
    """The text as a government site's page, with its metadata table (templates/gov_page.html)."""
    lines = _lines(text)
    return _templates().get_template("gov_page.html").render(fields=fields, heading=lines[0], lines=lines[1:])


def repost_page(text: str, fields: Fields, encoding: str = "utf-8") -> bytes:
    """The text as a policy-summary site reposts it, with its 【…】 header, in a given charset
    (templates/repost_page.html)."""
    lines = _lines(text)
    page = _templates().get_template("repost_page.html").render(
        fields=fields, heading=lines[0], lines=lines[1:], encoding=encoding)
    return page.encode(encoding)


def docx(text: str) -> bytes:
    """The text as a Word file: a paragraph per line, 责任单位 lines as a two-cell table row."""
    import docx as python_docx

    document = python_docx.Document()
    for line in _lines(text):
        label, colon, rest = line.partition("：")
        if label == "责任单位" and colon:
            row = document.add_table(rows=1, cols=2).rows[0]
            row.cells[0].text, row.cells[1].text = "责任单位：", rest
        else:
            document.add_paragraph(line.replace(" ", "\u00a0"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def markdown(text: str) -> str:
    """The text as a legal-text collection writes it: the title as # heading, top-level
    sections as ## headings, each other line a paragraph."""
    lines = _lines(text)
    body = [f"## {line}" if _HEADING.match(line) and not _CLAUSE.search(line) else line for line in lines[1:]]
    return f"# {lines[0]}\n\n" + "\n\n".join(body) + "\n"


def pdf(text: str, columns: int = 1) -> bytes:
    """The text as a typeset PDF: A4, 12 pt STSong-Light, lines wrapped at the margin, body
    paragraphs indented by two characters, a running header, page numbers (- n -) below."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font, size, leading = "STSong-Light", 12.0, 20.0
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    margin, gutter = 72.0, 24.0
    column_width = (width - 2 * margin - gutter * (columns - 1)) / columns
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    state = {"page": 1, "column": 0, "y": height - 100}

    def next_column() -> None:
        state["column"] += 1
        state["y"] = height - 100
        if state["column"] == columns:
            footer()
            page.showPage()
            state["page"] += 1
            state["column"] = 0

    def footer() -> None:
        page.setFont(font, 9)
        page.drawCentredString(width / 2, height - 50, "市人民政府行政规范性文件")
        page.drawCentredString(width / 2, 40, f"- {state['page']} -")

    for line in (line.strip() for line in _lines(text)):
        indent = 2 * size if _CLAUSE.search(line) else 0.0
        while line:
            room = column_width - indent
            cut = len(line)
            while pdfmetrics.stringWidth(line[:cut], font, size) > room:
                cut -= 1
            if state["y"] < 80:
                next_column()
            page.setFont(font, size)
            x = margin + state["column"] * (column_width + gutter) + indent
            page.drawString(x, state["y"], line[:cut])
            state["y"] -= leading
            line, indent = line[cut:], 0.0
    footer()
    page.showPage()
    page.save()
    return out.getvalue()
