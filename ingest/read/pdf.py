"""read.pdf: a PDF with a text layer → its text in reading order, page by page.

pypdfium2 (Apache-2.0/BSD, Google's PDFium, wheels for every platform) extracts the text: it
is fast on CJK and reads the CMaps Chinese fonts need. PDFium gives the text as runs, each with
its box on the page; the layout is rebuilt from the boxes: runs on one baseline make a line,
a page whose lines leave a gutter down the middle is read as two columns (left, then right),
running headers and footers (the same text at the top or bottom of most pages) and page numbers
(- 3 -, 第3页) are dropped, and a line that runs to the right margin is joined to the next
unless that one starts indented, centred, numbered (一、 （一） 1. 第X条) or in another type size
(a title above its 发文字号), so paragraphs come out whole. The margins are the edges several
lines reach, so a short page or column has them too. Spaces printed inside a line (目　　录,
总　　则) keep it one line.
The offset where each page begins is kept, so every fact can name its page. A PDF without a
text layer (a scan) or one that needs a password is refused with one line saying so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ingest.errors import IngestError
from ingest.read.normalise import NUMBERED, normalise
from ingest.read.source import SourceText

__all__ = ["read"]

_BAND = 0.09
"""Top and bottom share of a page where running headers, footers and page numbers sit."""
_RUNNING = 0.5
"""A line in the bands repeated (digits aside) on at least this share of the pages is running."""
_PAGE_NUMBER = re.compile(r"[-—–－~\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/共]\s*\d{1,4}\s*页?)?[-—–－~\s]*")
_GUTTER = (0.35, 0.65)
_IN_COLUMNS = 0.8
"""A page is in two columns when this share of its lines keeps to one side of the gutter."""
_GAP = 1.5
"""A gap wider than this many character heights splits a line: a gutter, or cells of a table."""
_FULL_LINE = 1.5
"""A line ending within this many character widths of the right margin runs on."""
_INDENT = 1.0
"""A line starting this many character widths right of the left margin opens a paragraph."""
_ALONE = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[【(（［﹝]\s*(19|20)\d{2}\s*[〕\]】)）］﹞]\s*第?\s*\d+\s*号"
                    r"|第\s*\d+\s*号|(19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
"""A 发文字号 (泉政文〔2021〕70号, an order's 第5号) or a date: lines that stand alone."""
_MIRROR = 2.0
"""A full line of a one-column page ends within this many character widths of the right margin
that mirrors the left one, whatever the other lines of a short page do."""
_SAME_SIZE = 0.15
"""Lines whose character heights differ by more than this share are of different type sizes."""


@dataclass(frozen=True)
class _Line:
    left: float
    right: float
    top: float
    bottom: float
    text: str
    page_height: float
    page_width: float

    @property
    def size(self) -> float:
        return max(self.top - self.bottom, 1.0)

    @property
    def in_band(self) -> bool:
        """In the top or bottom band of the page, where running heads and page numbers sit."""
        return self.top > (1 - _BAND) * self.page_height or self.bottom < _BAND * self.page_height


def read(data: bytes, name: str) -> SourceText:
    """The normalised text of a PDF's text layer, with the offset where each page begins."""
    pages = _pages(data, name)
    if not any(line.text.strip() for page in pages for line in page):
        raise IngestError(name, "read", "the PDF has no text layer (only images of its pages, a scan): "
                          "run OCR on it first, e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`")
    running = _running(pages)
    ordered = [list(_reading_order([line for line in page if _key(line) not in running
                                    and not _page_number(line)])) for page in pages]
    kinds = {kind for page in ordered for kind, _ in page}
    margins = {kind: _margins([line for page in ordered for k, line in page if k == kind], kind == "page")
               for kind in kinds}
    parts: list[str] = []
    starts: list[int] = []
    length = 0
    previous: tuple[_Line, float] | None = None
    for page in ordered:
        start = None
        for kind, line in page:
            left, right = margins[kind]
            text = line.text.strip()
            if previous is not None and _runs_on(previous[0], previous[1], line, left, text):
                parts[-1] = ""
                length -= 1
            start = length if start is None else start
            parts += [text, "\n"]
            length += len(text) + 1
            previous = line, right
        starts.append(length if start is None else start)
    return normalise("".join(parts), name, "pdf", "pdf", tuple(starts))


def _runs_on(previous: _Line, right: float, line: _Line, left: float, text: str) -> bool:
    """True when the line carries on the paragraph of the one before: that one reaches the right
    margin, and this one starts at the left margin in the same type size, with no number
    (一、 （一） 1. or a bare 12)."""
    sizes = sorted((previous.size, line.size))
    return (previous.right >= right - _FULL_LINE * previous.size and line.left < left + _INDENT * line.size
            and sizes[1] <= (1 + _SAME_SIZE) * sizes[0] and not NUMBERED.match(text) and not text.isdigit()
            and not _ALONE.fullmatch(text))


def _pages(data: bytes, name: str) -> list[list[_Line]]:
    """Each page's lines, top to bottom."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise IngestError(name, "read", "the PDF is encrypted: it needs a password to open; save an "
                              "unprotected copy first") from error
        raise IngestError(name, "read", f"not a readable PDF: {error}") from error
    try:
        return [_lines_of(document[index]) for index in range(len(document))]
    finally:
        document.close()


def _lines_of(page: pdfium.PdfPage) -> list[_Line]:
    """The page's lines from the top down: its characters, runs of them split where a gap
    wider than a character opens (a column's gutter, a table's cells), runs on one baseline
    and close together merged."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count)
    runs: list[_Line] = []
    spaces = ""
    """Printed spaces after the last run: they join it to what follows on the line."""
    for index, char in enumerate(text[:count]):
        if char.isspace() and pdfium_c.FPDFText_IsGenerated(textpage.raw, index) != 1:
            spaces += char if runs else ""
            continue
        if char.isspace() or not char.isprintable():
            spaces = ""
            continue
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        last = runs[-1] if runs else None
        follows = last is not None and (_near(last, left) or (bool(spaces) and _spaced(last, left, spaces)))
        if last is not None and follows and _overlap(last, bottom, top):
            runs[-1] = _Line(last.left, max(last.right, right), max(last.top, top), min(last.bottom, bottom),
                             last.text + spaces + char, height, width)
        else:
            runs.append(_Line(left, right, top, bottom, char, height, width))
        spaces = ""
    textpage.close()
    page.close()
    return _merged(runs)


def _spaced(line: _Line, left: float, spaces: str) -> bool:
    """True when the printed spaces after a line fill the gap to a box starting at `left`."""
    return 0 <= left - line.right <= (len(spaces) + _GAP) * line.size


def _merged(runs: list[_Line]) -> list[_Line]:
    """Runs on one baseline, each close to the one before it, as one line; lines top down, and
    left to right on one baseline (glyph boxes of one line differ a little in height)."""
    out: list[_Line] = []
    for run in _in_rows(runs):
        same = next((i for i, line in enumerate(out) if _overlap(line, run.bottom, run.top)
                     and _near(line, run.left)), None)
        if same is None:
            out.append(run)
        else:
            line = out[same]
            out[same] = _Line(line.left, run.right, max(line.top, run.top), min(line.bottom, run.bottom),
                              line.text + run.text, line.page_height, line.page_width)
    return _in_rows(out)


def _in_rows(lines: list[_Line]) -> list[_Line]:
    """Top down; boxes that share a baseline with the first of their row, left to right."""
    rows: list[list[_Line]] = []
    for line in sorted(lines, key=lambda item: -item.top):
        if rows and _overlap(rows[-1][0], line.bottom, line.top):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda item: item.left)]


def _near(line: _Line, left: float) -> bool:
    """True when a box starting at `left` follows the line closely (glyphs may overlap a little)."""
    return -0.5 * line.size <= left - line.right < _GAP * line.size


def _overlap(line: _Line, bottom: float, top: float) -> bool:
    """True when a box shares most of its height with the line: they sit on one baseline."""
    shared = min(line.top, top) - max(line.bottom, bottom)
    return shared > 0.5 * min(line.top - line.bottom, top - bottom)


def _key(line: _Line) -> str | None:
    """What makes a line in the top or bottom band the same from page to page (digits aside)."""
    if not line.in_band:
        return None
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))


def _running(pages: list[list[_Line]]) -> set[str]:
    counts = Counter(key for page in pages for key in {_key(line) for line in page} if key)
    return {key for key, count in counts.items() if count >= max(2, _RUNNING * len(pages))}


def _page_number(line: _Line) -> bool:
    return _key(line) is not None and bool(_PAGE_NUMBER.fullmatch(line.text))


def _margins(lines: list[_Line], whole_page: bool) -> tuple[float, float]:
    """The left and right margins of the body text: the leftmost and rightmost edges that
    several lines reach (a title or table row wider than the text aside); on a one-column
    page the right margin is at least the mirror of the left one, for a page of short lines."""
    if not lines:
        return 0.0, 0.0
    size = sorted(line.size for line in lines)[len(lines) // 2]
    left = _shared_edge(sorted(line.left for line in lines), size)
    right = _shared_edge(sorted((line.right for line in lines), reverse=True), size)
    if whole_page:
        right = max(right, lines[0].page_width - left - _MIRROR * size)
    return left, right


def _shared_edge(edges: list[float], size: float) -> float:
    """The first edge (in the order given) that another one reaches within a character."""
    return next((edge for edge, following in pairwise(edges) if abs(following - edge) <= size), edges[0])


def _reading_order(lines: list[_Line]) -> Iterator[tuple[str, _Line]]:
    """(column, line) in reading order; the column is "page" (one column, or a full-width line
    of a two-column page), "left" or "right", each with margins of its own in the document. A
    page whose text stays left of its middle is a left column (the last page of a two-column
    text)."""
    if not lines:
        return
    width = lines[0].page_width
    if max((line.right for line in lines if not line.in_band), default=width) < width / 2:
        yield from (("page" if line.in_band else "left", line) for line in lines)
        return
    columns = _columns(lines)
    if columns is None:
        yield from (("page", line) for line in lines)
        return
    above, left, right, below = columns
    yield from (("page", line) for line in above)
    yield from (("left", line) for line in left)
    yield from (("right", line) for line in right)
    yield from (("page", line) for line in below)


def _columns(lines: list[_Line]) -> tuple[list[_Line], list[_Line], list[_Line], list[_Line]] | None:
    """(full-width lines above, left column, right column, full-width lines below) when a
    gutter runs down the middle of the page, else None."""
    page_left = min(line.left for line in lines)
    width = max(line.right for line in lines) - page_left
    for share in (0.5, 0.45, 0.55, 0.4, 0.6, *_GUTTER):
        gutter = page_left + share * width
        left = [line for line in lines if line.right <= gutter]
        right = [line for line in lines if line.left >= gutter]
        sides = len(left) + len(right)
        if min(len(left), len(right)) >= max(3, len(lines) // 5) and sides >= _IN_COLUMNS * len(lines):
            top = max(left[0].top, right[0].top)
            placed = {id(line) for line in left + right}
            across = [line for line in lines if id(line) not in placed]
            return ([line for line in across if line.bottom >= top], left, right,
                    [line for line in across if line.bottom < top])
    return None
