"""read.pdf: a PDF with a text layer → its text in reading order, page by page.

pypdfium2 (Apache-2.0/BSD, Google's PDFium, wheels for every platform) extracts the text: it
is fast on CJK and reads the CMaps Chinese fonts need. PDFium gives the text as runs, each with
its box on the page; the layout is rebuilt from the boxes: runs on one baseline make a line,
a page whose lines leave a gutter down the middle is read as two columns (left, then right),
running headers and footers (the same text at the top or bottom of most pages) and page numbers
(- 3 -, 第3页) are dropped, and a line that runs to the right margin is joined to the next
unless that one starts indented or numbered (一、 （一） 1. 第X条), so paragraphs come out whole.
The offset where each page begins is kept, so every fact can name its page. A PDF without a
text layer (a scan) or one that needs a password is refused with one line saying so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pypdfium2 as pdfium

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
_FEW = 10
"""A column with fewer lines in the whole document takes the document's margins."""
_GAP = 1.5
"""A gap wider than this many character heights splits a line: a gutter, or cells of a table."""
_FULL_LINE = 1.5
"""A line ending within this many character widths of the right margin runs on."""
_INDENT = 1.0
"""A line starting this many character widths right of the left margin opens a paragraph."""


@dataclass(frozen=True)
class _Line:
    left: float
    right: float
    top: float
    bottom: float
    text: str
    page_height: float

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
    every = [line for page in ordered for _, line in page]
    margins = {kind: _margins(lines if len(lines) >= _FEW else every)
               for kind in kinds if (lines := [line for page in ordered for k, line in page if k == kind])}
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
    margin, and this one starts at the left margin, with no number (一、 （一） 1. or a bare 12)."""
    return (previous.right >= right - _FULL_LINE * previous.size and line.left < left + _INDENT * line.size
            and not NUMBERED.match(text) and not text.isdigit())


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
    _, height = page.get_size()
    textpage = page.get_textpage()
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count)
    runs: list[_Line] = []
    for index, char in enumerate(text[:count]):
        if char.isspace() or not char.isprintable():
            continue
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        last = runs[-1] if runs else None
        if last is not None and _overlap(last, bottom, top) and _near(last, left):
            runs[-1] = _Line(last.left, max(last.right, right), max(last.top, top), min(last.bottom, bottom),
                             last.text + char, height)
        else:
            runs.append(_Line(left, right, top, bottom, char, height))
    textpage.close()
    page.close()
    return _merged(runs)


def _merged(runs: list[_Line]) -> list[_Line]:
    """Runs on one baseline, each close to the one before it, as one line; lines top down."""
    out: list[_Line] = []
    for run in sorted(runs, key=lambda r: (-r.top, r.left)):
        same = next((i for i, line in enumerate(out) if _overlap(line, run.bottom, run.top)
                     and _near(line, run.left)), None)
        if same is None:
            out.append(run)
        else:
            line = out[same]
            out[same] = _Line(line.left, run.right, max(line.top, run.top), min(line.bottom, run.bottom),
                              line.text + run.text, line.page_height)
    return sorted(out, key=lambda line: (-line.top, line.left))


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


def _margins(lines: list[_Line]) -> tuple[float, float]:
    """The left and right margins of the body text: where most lines start and end."""
    if not lines:
        return 0.0, 0.0
    lefts = sorted(line.left for line in lines)
    rights = sorted(line.right for line in lines)
    return lefts[len(lefts) // 10], rights[len(rights) * 9 // 10]


def _reading_order(lines: list[_Line]) -> Iterator[tuple[str, _Line]]:
    """(column, line) in reading order; the column is "page" (one column, or a full-width line
    of a two-column page), "left" or "right", each with margins of its own in the document."""
    if not lines:
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
