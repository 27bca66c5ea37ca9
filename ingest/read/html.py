"""read.html: a saved web page (a government site's page, a repost) → the text a reader sees.

lxml parses the page (libxml2's HTML parser: fast, forgiving of the broken markup of old
sites). Site furniture is dropped before the text is taken: elements that are never text
(scripts, forms' controls, nav, footer: `ingest/data/html_chrome.tsv`), elements named as
furniture by their class or id (menus, breadcrumbs, share buttons, counters), and blocks that
are mostly links (menus, lists of related articles). What is left (the heading, the
政府信息公开 metadata table, the body, the signature) is laid out as a browser shows it: a
line per block and per table cell, runs of white space as one space. The metadata table is
read as labelled fields by extract.metadata, which lets them win over guesses from the text.
"""

from __future__ import annotations

import codecs
import re
from functools import cache

import lxml.html
from lxml import etree

from ingest import lexicon
from ingest.errors import IngestError
from ingest.read.normalise import normalise
from ingest.read.source import SourceText
from ingest.read.tables import label_pairs
from ingest.read.text import decode

__all__ = ["page_text", "read"]

_BLOCKS = frozenset((
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "title",
    "tr", "ul"))
_LINK_BLOCKS = ("ul", "ol", "dl", "div", "table", "tr", "td", "p", "section", "span", "li")
_LINK_SHARE = 0.5
"""A block whose text is more than half link text is navigation or a list of other pages."""
_MOST_TEXT = 0.5
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)"""
                      rb"""|<\?xml[^>]+encoding\s*=\s*["']([\w-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_WHITE = re.compile(r"[ \t\n\r\f\v]+")
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|——|--| - )\s*")


@cache
def _chrome() -> tuple[frozenset[str], tuple[str, ...]]:
    """(tags never read, words of furniture class and id names) from ingest/data/html_chrome.tsv."""
    rows = lexicon.records("html_chrome.tsv")
    return (frozenset(r["value"] for r in rows if r["kind"] == "tag"),
            tuple(r["value"] for r in rows if r["kind"] == "name"))


def read(data: bytes, name: str) -> SourceText:
    """The normalised text of a web page, or IngestError when it is not one or holds no text."""
    markup, encoding = _decode(data, name)
    original = page_text(markup, name)
    return normalise(original, name, f"{encoding} (html)", "html")


def page_text(markup: str, name: str) -> str:
    """The page's text as printed, without site furniture; when the body lacks the page's title
    (the ArticleTitle that government sites declare, else <title> without the site's name), it
    goes first."""
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", markup))
    except (etree.ParserError, ValueError) as error:
        raise IngestError(name, "read", f"not a web page: {error}") from error
    article_title = root.xpath("//meta[@name='ArticleTitle']/@content")
    title = article_title[0] if article_title else root.findtext(".//title") or ""
    body = root.find("body")
    if body is None:
        body = root
    _drop_furniture(body)
    text = _laid_out(body)
    if not text.strip():
        raise IngestError(name, "read", "the page holds no text besides site furniture (menus, links)")
    heading = _TITLE_SPLIT.split(_WHITE.sub(" ", title).strip())[0]
    if heading and _compact(heading) not in _compact(text):
        text = f"{heading}\n{text}"
    return text


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """The page decoded as UTF-8 when it is (a browser saves pages in UTF-8 and may keep the
    original's charset=gb2312), else by its declared charset (GB2312 and GBK as GB18030), else as
    text is decoded."""
    if not data.startswith(codecs.BOM_UTF16_LE) and not data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            pass
    declared = _CHARSET.search(data[:4096])
    if declared:
        charset = (declared[1] or declared[2]).decode("ascii").lower()
        charset = "gb18030" if charset in ("gb2312", "gbk", "x-gbk") else charset
        try:
            return data.decode(charset), charset
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data, name)


def _drop_furniture(body: lxml.html.HtmlElement) -> None:
    """Drop comments, elements never read, and furniture by name or by links (not the bulk of the text)."""
    tags, names = _chrome()
    total = len(_compact(body.text_content()))
    doomed = []
    for element in body.iter():
        if not isinstance(element.tag, str) or element.tag in tags:
            doomed.append(element)
            continue
        label = f"{element.get('class', '')} {element.get('id', '')}".lower()
        furniture = (any(word in label for word in names)
                     or (element.tag in _LINK_BLOCKS and _mostly_links(element)))
        if furniture and len(_compact(element.text_content())) < _MOST_TEXT * total:
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _mostly_links(element: lxml.html.HtmlElement) -> bool:
    text = len(_compact(element.text_content()))
    links = sum(len(_compact(a.text_content())) for a in element.iter("a") if a.get("href"))
    return text > 0 and links > _LINK_SHARE * text


def _laid_out(body: lxml.html.HtmlElement) -> str:
    """The text of the tree as a browser lays it out: a line per block and at every <br>, white
    space of the markup collapsed (not inside <pre>), no blank lines."""
    parts: list[str] = []
    inside_pre = 0
    walk = etree.iterwalk(body, events=("start", "end"))
    for event, element in walk:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            inside_pre += tag == "pre"
            if tag in _BLOCKS or tag == "br":
                parts.append("\n")
            pairs = _pairs(element) if tag == "tr" else None
            if pairs:
                parts.append("\n".join(pairs))
                walk.skip_subtree()
                continue
            if element.text and tag:
                parts.append(element.text if inside_pre else _WHITE.sub(" ", element.text))
        else:
            inside_pre -= tag == "pre"
            if tag in _BLOCKS:
                parts.append("\n")
            if element.tail and element is not body:
                parts.append(element.tail if inside_pre else _WHITE.sub(" ", element.tail))
    lines = (line.strip(" ") for line in "".join(parts).split("\n"))
    return re.sub(r"\n{2,}", "\n", "\n".join(lines)).strip("\n") + "\n"


def _pairs(row: lxml.html.HtmlElement) -> list[str] | None:
    """label：value lines of a table row of label and value cells (the metadata table)."""
    cells = [cell for cell in row if cell.tag in ("td", "th")]
    if any(inner.tag in _BLOCKS or inner.tag == "br" for cell in cells for inner in cell.iterdescendants()):
        return None
    return label_pairs([cell.text_content() for cell in cells])


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)
