"""read.docx: a Word file (Office Open XML) → its paragraphs and tables, in document order.

python-docx (MIT, pure Python over lxml) reads the package. It gives paragraph text but not
the labels of Word's automatic numbering, which a policy often uses for 一、 （一） 1.: those
are rendered here from the numbering part (format and pattern of each level, counters that
restart below a level that moves on), so the text reads as it prints. Table cells are lines of
their own; a merged cell is read once. Running headers and footers are left out. Zero-width
and non-breaking spaces are the normaliser's business, as for every format.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

import docx
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from ingest.errors import IngestError
from ingest.read.normalise import normalise
from ingest.read.source import SourceText
from ingest.read.tables import label_pairs

__all__ = ["read"]

_BODY = "word/document.xml"
_MAX_UNPACKED = 200 * 2**20
"""The package's parts unpacked: refuse more (a zip bomb) before python-docx loads them."""
_OLE2 = b"\xd0\xcf\x11\xe0"


def read(data: bytes, name: str) -> SourceText:
    """The normalised text of a DOCX file, or IngestError when it is damaged or not one."""
    document = _open(data, name)
    numbering = _Numbering(document)
    lines = [line for block in document.iter_inner_content() for line in _lines(block, numbering)]
    original = "\n".join(lines) + "\n"
    if not original.strip():
        raise IngestError(name, "read", "the Word document holds no text")
    return normalise(original, name, "docx", "docx")


def _open(data: bytes, name: str) -> WordDocument:
    if data.startswith(_OLE2):
        raise IngestError(name, "read", "not a DOCX file but an OLE2 file: an encrypted Word file (remove "
                          "the password in Word) or a Word 97-2003 file renamed .docx (save it as .docx)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.getinfo(_BODY)
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise IngestError(name, "read", f"not a DOCX file: not a zip archive, or a damaged one ({error})"
                          ) from error
    except KeyError as error:
        raise IngestError(name, "read", f"not a DOCX file: a zip archive without {_BODY}") from error
    if unpacked > _MAX_UNPACKED:
        raise IngestError(name, "read", f"damaged DOCX file: it unpacks to {unpacked >> 20} MB")
    try:
        return docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as error:
        raise IngestError(name, "read", f"damaged DOCX file: {error}") from error


def _lines(block: Paragraph | Table, numbering: _Numbering) -> Iterator[str]:
    if isinstance(block, Paragraph):
        yield numbering.label(block) + block.text
        return
    seen: set[etree._Element] = set()
    for row in block.rows:
        cells = []
        for cell in row.cells:
            if cell._tc not in seen:
                seen.add(cell._tc)
                cells.append(cell)
        pairs = None if any(cell.tables for cell in cells) else label_pairs([cell.text for cell in cells])
        if pairs:
            yield from pairs
            continue
        for cell in cells:
            yield from _cell_lines(cell, numbering)


def _cell_lines(cell: _Cell, numbering: _Numbering) -> Iterator[str]:
    for block in cell.iter_inner_content():
        yield from _lines(block, numbering)


class _Numbering:
    """The labels of Word's automatic numbering, counted in document order."""

    def __init__(self, document: WordDocument) -> None:
        try:
            self._root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            self._root = None
        self._styles = document.styles.element
        self._counters: dict[str, list[int]] = {}

    def label(self, paragraph: Paragraph) -> str:
        found = self._number_of(paragraph)
        if found is None or self._root is None:
            return ""
        num_id, level = found
        levels = self._levels(num_id)
        if level not in levels:
            return ""
        counters = self._counters.setdefault(num_id, [0] * 9)
        start = {lvl: int(fmt[2]) for lvl, fmt in levels.items()}
        counters[level] = counters[level] + 1 if counters[level] else start[level]
        for deeper in range(level + 1, 9):
            counters[deeper] = 0
        number_format, pattern, _ = levels[level]
        if number_format == "bullet":
            return ""
        return re.sub(r"%(\d)", lambda m: _formatted(levels, counters, int(m[1]) - 1), pattern)

    def _number_of(self, paragraph: Paragraph) -> tuple[str, int] | None:
        for properties in (paragraph._p.pPr, self._style_properties(paragraph)):
            numbering = properties.find(qn("w:numPr")) if properties is not None else None
            if numbering is not None:
                num_id = numbering.find(qn("w:numId"))
                level = numbering.find(qn("w:ilvl"))
                if num_id is not None and num_id.get(qn("w:val")) != "0":
                    return num_id.get(qn("w:val")), int(level.get(qn("w:val"))) if level is not None else 0
        return None

    def _style_properties(self, paragraph: Paragraph) -> etree._Element | None:
        """The paragraph properties of its named style (a list style carries the numbering);
        looked up by id, not through python-docx's style objects, which are slow (bench/README.md)."""
        style_id = paragraph._p.style
        style = self._styles.get_by_id(style_id) if style_id else None
        return style.pPr if style is not None else None

    def _levels(self, num_id: str) -> dict[int, tuple[str, str, str]]:
        """level → (number format, label pattern such as %1、, start value)."""
        if self._root is None:
            return {}
        num = self._root.find(f"{qn('w:num')}[@{qn('w:numId')}='{num_id}']")
        if num is None:
            return {}
        abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        abstract = self._root.find(f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{abstract_id}']")
        levels = {}
        for lvl in abstract.findall(qn("w:lvl")) if abstract is not None else ():
            levels[int(lvl.get(qn("w:ilvl")))] = (
                _value(lvl, "w:numFmt", "decimal"), _value(lvl, "w:lvlText", ""), _value(lvl, "w:start", "1"))
        return levels


def _value(element: etree._Element, tag: str, default: str) -> str:
    child = element.find(qn(tag))
    return child.get(qn("w:val"), default) if child is not None else default


_CN_DIGITS = "〇一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
          (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"


def _formatted(levels: dict[int, tuple[str, str, str]], counters: list[int], level: int) -> str:
    number = counters[level] or int(levels.get(level, ("", "", "1"))[2])
    number_format = levels.get(level, ("decimal", "", "1"))[0]
    if number_format in ("chineseCounting", "chineseCountingThousand", "japaneseCounting",
                         "taiwaneseCounting", "taiwaneseCountingThousand"):
        return _chinese(number)
    if number_format in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and number <= len(_CIRCLED):
        return _CIRCLED[number - 1]
    if number_format == "ideographTraditional" and number <= len(_HEAVENLY_STEMS):
        return _HEAVENLY_STEMS[number - 1]
    if number_format in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (number - 1) % 26) * ((number - 1) // 26 + 1)
        return letter if number_format == "upperLetter" else letter.lower()
    if number_format in ("upperRoman", "lowerRoman"):
        roman = _roman(number)
        return roman.upper() if number_format == "upperRoman" else roman
    if number_format == "decimalZero":
        return f"{number:02d}"
    if number_format == "decimalFullWidth":
        return str(number).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return str(number)


def _chinese(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五: how Chinese documents number items."""
    if number < 10:
        return _CN_DIGITS[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(number, 100)
    tail = "" if rest == 0 else ("零" + _chinese(rest) if rest < 10 else
                                 ("一" if rest < 20 else "") + _chinese(rest))
    return _CN_DIGITS[hundreds] + "百" + tail


def _roman(number: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out
