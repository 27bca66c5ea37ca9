"""The read stage's product: one normalised text, whatever the format, with a map back to the
original so that every fact keeps its quote (and, for paged formats, its page)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from ingest.record import Span


@dataclass(frozen=True)
class SourceText:
    name: str
    """File name of the source, as the record's `source` field wants it."""
    original: str
    """The document's text as printed: the decoded file for plain text, the text a reader took
    from the structure of any other format (a page's body, a Word file's paragraphs, a PDF's
    text layer in reading order), before any normalisation."""
    text: str
    """Normalised: NFKC where safe, simplified, Taiwan terms restored, broken lines re-joined."""
    offsets: tuple[int, ...]
    """offsets[i] is the index in `original` of text[i]; one extra entry for the end."""
    encoding: str
    format: str = "text"
    """The reader that made it: text, html, docx, pdf, markdown."""
    pages: tuple[int, ...] = ()
    """For paged formats, the offset in `original` where each page begins (page 1 first)."""

    def original_span(self, start: int, end: int) -> Span:
        """The span of `original` that text[start:end] came from."""
        return self.offsets[start], self.offsets[end]

    def page_at(self, original_offset: int) -> int | None:
        """The page (from 1) that holds original[original_offset], for paged formats."""
        return bisect_right(self.pages, original_offset) if self.pages else None
