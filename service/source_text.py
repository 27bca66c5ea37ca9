"""The source text of a document cut into segments, so that a page can highlight every extracted
fact (measure, target, incentive) at the span it was read from, overlapping spans included."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

__all__ = ["Segment", "Span", "segments"]


@dataclass(frozen=True)
class Span:
    """[start, end) in the text, what kind of fact it is, and the page anchor that names it."""

    start: int
    end: int
    kind: str
    anchor: str


@dataclass
class Segment:
    """A run of text covered by the same spans; `opens` are the anchors of spans starting here."""

    text: str
    kinds: tuple[str, ...] = ()
    opens: list[str] = field(default_factory=list)


def segments(text: str, spans: list[Span]) -> list[Segment]:
    """The text cut at every span boundary; spans outside the text or empty are left out."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in valid), *(s.end for s in valid)})
    out = []
    for begin, finish in itertools.pairwise(cuts):
        covering = [s for s in valid if s.start <= begin and finish <= s.end]
        kinds = tuple(sorted({s.kind for s in covering}))
        out.append(Segment(text[begin:finish], kinds, [s.anchor for s in valid if s.start == begin]))
    return out
