"""segment: normalised text → front matter, the numbered hierarchy of the main text, back matter.

Policy texts number their parts 一、 / （一） / 1. / （1）, articles 第一条, or (in web-page
copies) a number alone on a line with the heading on the next. The level of a numbering style
is the order in which styles first open, so a document may skip a level (001: 三、 → 26.).
A marker is accepted only when its number continues a sibling or starts a list, so stray
line-initial numbers (page numbers, PDF-broken lines) stay text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from ingest import lexicon
from ingest.errors import IngestError
from ingest.read import SourceText
from ingest.read.tables import labelled

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUM = "[一二三四五六七八九十百零〇]{1,4}"
_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"第\s*({_CN_NUM}|\d{{1,2}})\s*章\s*")),
    ("division", re.compile(rf"第\s*({_CN_NUM}|\d{{1,2}})\s*节\s*")),
    ("article", re.compile(rf"第\s*({_CN_NUM}|\d{{1,3}})\s*条\s*")),
    ("cn", re.compile(rf"({_CN_NUM})\s*[、．.]\s*")),
    ("paren_cn", re.compile(rf"[（(]\s*({_CN_NUM})\s*[）)]\s*")),
    ("arabic", re.compile(r"(\d{1,2})\s*[.．、](?!\d)\s*")),
    ("arabic_close", re.compile(r"(\d{1,2})[)）]\s*")),
    ("paren_arabic", re.compile(r"[（(]\s*(\d{1,2})\s*[）)]\s*")),
    ("circled", re.compile(r"([①-⑳])\s*")),
)
_BARE_NUMBER = re.compile(r"\d{1,2}")
_PART = re.compile(r"[\u4e00-\u9fff]{0,6}(任务|措施|目标|原则|思想|思路|要求|事项|举措|保障)")
_HEADING_MAX = 40
_DAY = r"[\d一二三四五六七八九十]{1,3}"
_DATE = rf"(\d{{4}}|[〇○零一二三四五六七八九]{{4}})\s*年\s*{_DAY}\s*月\s*{_DAY}\s*日"
_BACK_LINE = re.compile(
    rf"(抄送|抄报|分送|公开方式|公开属性|信息公开选项)\s*[：:]|[（(]?此件.{{0,8}}公开[）)]?$|{_DATE}\s*(印发|发布)?$"
    r"|本(方案|意见|办法|细则|措施|规定|计划|规划|政策|决定|通知).{0,30}(施行|执行|有效期)")
_CHROME_LINE = 20
"""A line of site furniture is short: 上一篇：…, 打印本页."""
_SIGNATURE = re.compile(r"[\u4e00-\u9fff（）()]{2,40}(人民政府|办公室|办公厅|委员会|局|管委会|领导小组)")
_DATE_LINE = re.compile(rf"{_DATE}\s*(印发|发布)?")
_DISTRIBUTION = re.compile(r"[^。：:]{0,12}单位[：:]")
_DUTY_LABEL = re.compile(r"(责任|牵头|配合|参与|主办|协办)单位")


def _data_rows(file_name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of a tab-separated file of ingest/data, without its header."""
    return lexicon.rows(file_name)[1:]


@cache
def genre_terms() -> dict[str, tuple[str, ...]]:
    """kind (ip, policy) → the words of ingest/data/genre_terms.tsv that mark the genre."""
    terms: dict[str, list[str]] = {}
    for kind, term in _data_rows("genre_terms.tsv"):
        terms.setdefault(kind, []).append(term)
    return {kind: tuple(words) for kind, words in terms.items()}


@cache
def site_chrome() -> tuple[str, ...]:
    """Words of web-page furniture (ingest/data/site_chrome.tsv)."""
    return tuple(row[0] for row in _data_rows("site_chrome.tsv"))


@dataclass(frozen=True)
class Section:
    """One numbered block: 一、… , （一）… , 1. … , （1）… or a free-standing number."""

    path: tuple[str, ...]
    """Markers from the top, as printed: ("二", "（一）", "1")."""
    heading: str
    """The heading line, or the item's first clause when the heading runs into the text."""
    text: str
    """The whole block: heading, body and children, as in SourceText.text[start:end]."""
    start: int
    end: int
    children: tuple[Section, ...] = ()
    style: str = ""
    """Numbering style: cn 一、, paren_cn （一）, arabic 1., paren_arabic （1）, bare, article …"""
    part: str = ""
    """The unnumbered part heading above the section in web copies (重点任务), or ""."""


@dataclass(frozen=True)
class Document:
    source: SourceText
    front: str
    """Everything before the main text: title lines, 发文字号, transmittal notice."""
    sections: tuple[Section, ...]
    """Top-level numbered sections of the main text."""
    back: str
    """Everything after it: signature, date, 抄送, 公开方式."""
    main_start: int = 0
    """Offset in source.text where the main text (the first section) begins."""
    back_start: int = 0
    """Offset in source.text where the back matter begins."""

    def walk(self) -> Iterator[Section]:
        """Every section, depth first, in document order."""
        stack = list(reversed(self.sections))
        while stack:
            section = stack.pop()
            yield section
            stack.extend(reversed(section.children))


@dataclass(frozen=True)
class Line:
    start: int
    """Offset of the first non-blank character."""
    end: int
    """Offset just past the last non-blank character."""
    text: str


@dataclass
class _Node:
    style: str
    value: int
    marker: str
    line: int
    """Index of the marker line."""
    part: str
    children: list[_Node] = field(default_factory=list)


def cn_number(numeral: str) -> int:
    """一 → 1, 十二 → 12, 二十三 → 23, 两千 → 2000, 一〇五 → 105 (digit by digit when there is
    no 十/百/千)."""
    if not any(unit in numeral for unit in _CN_UNITS):
        return int("".join(str(_CN_DIGITS[c]) for c in numeral))
    total, digit = 0, 0
    for char in numeral:
        if char in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[char]
            digit = 0
        else:
            digit = _CN_DIGITS[char]
    return total + digit


def lines_of(text: str) -> list[Line]:
    """Non-blank lines with their offsets; full-width and no-break spaces count as blank."""
    out, offset = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = offset + len(raw) - len(raw.lstrip())
            out.append(Line(start, start + len(stripped), stripped))
        offset += len(raw) + 1
    return out


def _marker(lines: list[Line], i: int) -> tuple[str, int, str, int] | None:
    """(style, value, marker as printed, length of marker and spaces) at line i, or None.

    A number alone on a line is a marker (style "bare") when a line follows it; whether it
    opens an item is left to _tree, which also wants a heading-like next line for a new list.
    """
    text = lines[i].text
    for style, pattern in _STYLES:
        match = pattern.match(text)
        if match:
            numeral = match.group(1)
            value = int(numeral) if numeral.isdigit() else _value(style, numeral)
            return style, value, match.group(0).strip().rstrip("、.．"), match.end()
    if _BARE_NUMBER.fullmatch(text) and i + 2 < len(lines) and not _marker(lines, i + 1):
        return "bare", int(text), text, len(text)
    return None


def _heading_like(text: str) -> bool:
    return len(text) <= _HEADING_MAX and text[-1] not in "。；;"


def _value(style: str, numeral: str) -> int:
    return ord(numeral) - ord("①") + 1 if style == "circled" else cn_number(numeral)


def _tree(lines: list[Line]) -> list[_Node]:
    """Accepted markers arranged by nesting; a marker that does not continue a list is text.

    A short unnumbered part heading (重点任务, 保障措施 in web copies) closes all open lists,
    so that numbering may start again under it; the nodes below remember it.
    """
    roots: list[_Node] = []
    stack: list[_Node] = []
    last_value: dict[str, int] = {}
    part = ""
    for i in range(len(lines)):
        found = _marker(lines, i)
        if not found:
            if _PART.fullmatch(lines[i].text) and i + 1 < len(lines) and _marker(lines, i + 1):
                part, stack = lines[i].text, []
            continue
        style, value, marker, _ = found
        styles = [node.style for node in stack]
        sibling = style in styles
        if sibling and value != stack[styles.index(style)].value + 1:
            continue
        if not sibling and value not in (1, last_value.get(style, -1) + 1):
            continue
        if style == "bare" and not sibling and not _heading_like(lines[i + 1].text):
            continue
        if sibling:
            del stack[styles.index(style):]
        node = _Node(style, value, marker, i, part)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
        last_value[style] = value
    return roots


_CONTENTS = re.compile(r"目\s*录|录\s*目")
_CONTENTS_ENTRY = re.compile(rf"第\s*{_CN_NUM}\s*[章节编]|附\s*则")
_FRAGMENT = 2
"""A heading cut by its wide spacing (总　　则 → 总 / 则, as PDF extraction leaves it)."""


def without_contents(lines: list[Line]) -> list[Line]:
    """The lines without a table of contents: a run of chapter titles (after 目录, or with none)
    that the text opens again later, up to the text's own first chapter. Its 第一章 … 第五章 would
    otherwise open the chapter list that the text then opens again."""
    for i, line in enumerate(lines):
        start = i + 1 if _CONTENTS.fullmatch(line.text) else i
        if start >= len(lines) or not _CONTENTS_ENTRY.match(lines[start].text):
            continue
        first, end, entries = lines[start].text, start, 0
        while end < len(lines) and not (end > start and lines[end].text == first):
            text = lines[end].text
            if _CONTENTS_ENTRY.match(text) and len(text) <= _HEADING_MAX:
                entries += 1
            elif len(text) > _FRAGMENT:
                break
            end += 1
        if entries >= 2 and end < len(lines) and lines[end].text == first:
            return lines[:i] + lines[end:]
        if start > i:
            return lines
    return lines


def _back_line(lines: list[Line], after: int) -> int:
    """Index of the first line of the back matter after line `after`, or len(lines): a colophon
    line, a signature, site furniture, or a page's metadata table printed below the text."""
    for i in range(after + 1, len(lines)):
        text = lines[i].text
        signature = (_SIGNATURE.fullmatch(text) and i + 1 < len(lines)
                     and _DATE_LINE.fullmatch(lines[i + 1].text))
        chrome = len(text) <= _CHROME_LINE and text.startswith(site_chrome())
        if _BACK_LINE.match(text) or signature or chrome or labelled(text):
            while i - 1 > after and _distribution(lines[i - 1].text, lines[i - 2].text):
                i -= 1
            return i
    return len(lines)


def _distribution(text: str, previous: str) -> bool:
    """A 主送 list in the colophon (区直有关单位：…), or the second line of one."""
    line = text if not previous.endswith("、") else previous
    return bool(_DISTRIBUTION.match(line)) and not _DUTY_LABEL.search(line)


def heading_of(first: str, following: str) -> str:
    """The heading: the first line up to 。 or ：, or the line itself when it reads as a heading.

    `following` is the rest of the block, used when a PDF line break cut the first clause: the
    line is long, or the next one goes on with 、 or ，.
    """
    clause = re.split(r"[。：:]", first, maxsplit=1)
    if len(clause) > 1:
        return clause[0].strip()
    goes_on = following.lstrip().startswith(("、", "，", ","))
    if (len(first) > _HEADING_MAX or goes_on) and "。" in following[:120]:
        return (first + following.split("。", 1)[0]).replace("\n", "").strip()
    return first.rstrip("；;，,").strip()


def _section(node: _Node, lines: list[Line], end_line: int, end: int, text: str,
             path: tuple[str, ...]) -> Section:
    path = (*path, node.marker)
    line = lines[node.line]
    _, _, _, length = _marker(lines, node.line) or ("", 0, "", 0)
    first_index = node.line + 1 if node.style == "bare" or length == len(line.text) else node.line
    first = lines[first_index].text if first_index < end_line else ""
    if first_index == node.line:
        first = first[length:]
    rest_start = lines[first_index].end if first_index < end_line else end
    heading = heading_of(first, text[rest_start:end])
    children = []
    for k, child in enumerate(node.children):
        nxt = node.children[k + 1].line if k + 1 < len(node.children) else end_line
        child_end = lines[nxt].start if nxt < end_line else end
        child_end = len(text[:child_end].rstrip())
        children.append(_section(child, lines, nxt, child_end, text, path))
    start = line.start
    return Section(path, heading, text[start:end], start, end, tuple(children), node.style, node.part)


def segment(source: SourceText) -> Document:
    """Split the text into front, numbered sections and back; refuse texts of another genre.
    A text cut off or abridged is no error: ingest.partial says so, and it keeps what it holds.

    The back begins at the first colophon line after the first section; sections are then
    read from the lines before it only, so numbered attachments after the signature stay out.
    A text of the genre without numbered items (a notice whose plan was cut off, a 资助办法
    excerpt) is all front: its metadata still counts.
    """
    text = source.text
    all_lines = without_contents(lines_of(text))
    roots = _tree(all_lines)
    _check_genre(source.name, text, numbered=bool(roots))
    if not roots:
        return Document(source, text, (), "", len(text), len(text))
    back_line = _back_line(all_lines, roots[0].line)
    lines, roots = all_lines[:back_line], _tree(all_lines[:back_line])
    back_start = all_lines[back_line].start if back_line < len(all_lines) else len(text)
    main_end = len(text[:back_start].rstrip())
    main_start = lines[roots[0].line].start
    sections = []
    for k, root in enumerate(roots):
        nxt = roots[k + 1].line if k + 1 < len(roots) else len(lines)
        end = len(text[:lines[nxt].start].rstrip()) if nxt < len(lines) else main_end
        sections.append(_section(root, lines, nxt, end, text, ()))
    return Document(source, text[:main_start], tuple(sections), text[back_start:],
                    main_start, back_start)


def _check_genre(name: str, text: str, numbered: bool) -> None:
    """Refuse a text of another genre: one with no IP and no policy words at all, or one
    with no numbered item that lacks either kind (a policy text names both)."""
    found = {kind: any(term in text for term in terms) for kind, terms in genre_terms().items()}
    if not any(found.values()):
        raise IngestError(name, "segment", "no intellectual-property or policy vocabulary "
                          "(知识产权, 专利, 方案, 办法 …): not a policy text of this genre")
    if not numbered and not all(found.values()):
        missing = "intellectual-property" if not found["ip"] else "policy"
        raise IngestError(name, "segment", f"no numbered structure (一、 （一） 1. 第一条) and no "
                          f"{missing} vocabulary: not a policy text of this genre")


def _flatten(node: _Node) -> Iterator[_Node]:
    yield node
    for child in node.children:
        yield from _flatten(child)
