"""The source text of a document cut into segments, so that a page can highlight every extracted
fact (measure, target, incentive) at the span it was read from, overlapping spans included.

The store holds the text as printed (pkg:fullText), which the spans index into; a page shows the
normalised simplified text the search quotes, made again by the read stage's own normalisation,
whose offset map carries each span over to it."""

from __future__ import annotations

import itertools
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ingest.read.normalise import normalise

__all__ = ["Segment", "Span", "normalised", "segments"]


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


@lru_cache(maxsize=64)
def _normalise(printed: str) -> tuple[str, tuple[int, ...]]:
    source = normalise(printed, "", "")
    return source.text, source.offsets


def normalised(printed: str, spans: list[Span]) -> tuple[str, list[Span]]:
    """The normalised simplified text of `printed` and the spans carried over to it: a span
    covers every character made from the characters it covered (kept for the last documents
    shown: normalising a page's text costs tens of milliseconds)."""
    text, offsets = _normalise(printed)
    return text, [replace(s, start=bisect_left(offsets, s.start), end=bisect_left(offsets, s.end))
                  for s in spans]
