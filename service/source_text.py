"""The source text of a document cut into segments, so that a page can highlight every extracted
fact (measure, target, incentive) at the span it was read from, overlapping spans included.

The store holds the text as printed (pkg:fullText), which the spans index into; a page shows the
normalised simplified text the search quotes, made again by the read stage's own normalisation,
whose offset map carries each span over to it."""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ingest.read import normalise

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
    """The text cut at every span boundary; spans outside the text or empty are left out. One pass
    over the boundaries, keeping the kinds of the spans open there (a long policy has hundreds)."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in valid), *(s.end for s in valid)})
    starting: dict[int, list[Span]] = defaultdict(list)
    ending: dict[int, list[Span]] = defaultdict(list)
    for span in valid:
        starting[span.start].append(span)
        ending[span.end].append(span)
    open_kinds: Counter[str] = Counter()
    out = []
    for begin, finish in itertools.pairwise(cuts):
        open_kinds.subtract(s.kind for s in ending.get(begin, ()))
        open_kinds.update(s.kind for s in starting.get(begin, ()))
        kinds = tuple(sorted(kind for kind, count in open_kinds.items() if count > 0))
        out.append(Segment(text[begin:finish], kinds, [s.anchor for s in starting.get(begin, ())]))
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
