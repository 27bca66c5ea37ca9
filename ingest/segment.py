"""segment: normalised text → the numbered hierarchy of the document.

INTERFACE STUB (to be replaced by the full implementation; keep the types).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ingest.read import SourceText


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


@dataclass(frozen=True)
class Document:
    source: SourceText
    front: str
    """Everything before the main text: title lines, 发文字号, transmittal notice."""
    sections: tuple[Section, ...]
    """Top-level numbered sections of the main text."""
    back: str
    """Everything after it: signature, date, 抄送, 公开方式."""

    def walk(self) -> Iterator[Section]:
        """Every section, depth first, in document order."""
        stack = list(reversed(self.sections))
        while stack:
            section = stack.pop()
            yield section
            stack.extend(reversed(section.children))


def segment(source: SourceText) -> Document:
    raise NotImplementedError
