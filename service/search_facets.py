"""Filters and facet counts of precedent search, as columns over the measures of the index.

Every filter is optional. The counts of a facet are those of the matching measures under every
filter but its own, so that a page can offer the other values of a facet already chosen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from service.search_rows import Hit

__all__ = ["FACETS", "Facets", "Filters"]

FACETS = ("jurisdiction", "province", "year", "topic", "document_type", "validity")
FACET_VALUES = 100
"""Values listed per facet at most unless asked otherwise, the most frequent first (a store has
thousands of jurisdictions)."""


@dataclass(frozen=True)
class Filters:
    """What a search is restricted to; None (or empty) is no restriction."""

    jurisdiction: str | None = None
    """A place or a place above it, by name or its start: 泉州 finds 泉州市 and its districts."""
    province: str | None = None
    topic: str | None = None
    """A topic's local name (resolved from a label before)."""
    year_from: int | None = None
    year_to: int | None = None
    document_type: str | None = None
    validity: str | None = None


class _Column:
    """One single-valued field as codes, with the rows of each value."""

    def __init__(self, values: Sequence[str]) -> None:
        self.names = sorted(set(values) - {""})
        code = {name: i for i, name in enumerate(self.names)}
        self.codes = np.array([code.get(v, -1) for v in values], dtype=np.int32)

    def rows(self, name: str) -> np.ndarray:
        mask: np.ndarray = self.codes == (self.names.index(name) if name in self.names else -2)
        return mask

    def counts(self, mask: np.ndarray, values: int) -> list[tuple[str, int]]:
        """(value, rows) of the masked rows, most first, then by value; the first `values`."""
        codes = self.codes[mask]
        return _most(np.bincount(codes[codes >= 0], minlength=len(self.names)), self.names, values)


def _most(tally: np.ndarray, names: Sequence[str], values: int) -> list[tuple[str, int]]:
    """The `values` names (sorted, as `tally` is indexed) with the highest non-zero counts, most
    first, ties by name; only those are sorted, not every value of a facet of thousands."""
    present = np.flatnonzero(tally)
    if len(present) > values:
        present = present[np.argpartition(-tally[present], values - 1)[:values]]
    present = present[np.lexsort((present, -tally[present]))]
    return [(names[int(i)], int(tally[i])) for i in present]


class Facets:
    """The filter columns of the measures of an index, in its row order."""

    def __init__(self, hits: Sequence[Hit]) -> None:
        self.size = len(hits)
        self.columns = {name: _Column([str(getattr(hit, name) or "") for hit in hits])
                        for name in ("jurisdiction", "province", "year", "document_type", "validity")}
        self.years = np.array([hit.year or 0 for hit in hits], dtype=np.int32)
        topic_rows: dict[str, list[int]] = defaultdict(list)
        primary_rows: dict[str, list[int]] = defaultdict(list)
        places: dict[str, list[int]] = defaultdict(list)
        for row, hit in enumerate(hits):
            for name in hit.topics:
                topic_rows[name].append(row)
            if hit.topics:
                primary_rows[hit.topics[0]].append(row)
            for place in {hit.jurisdiction, hit.parent, hit.province} - {""}:
                places[place].append(row)
        self.topics = {name: np.array(rows, dtype=np.int64) for name, rows in sorted(topic_rows.items())}
        self.primary = {name: np.array(rows, dtype=np.int64) for name, rows in primary_rows.items()}
        self.topic_counts = np.array([max(1, len(hit.topics)) for hit in hits], dtype=np.float32)
        self.places = {place: np.array(rows, dtype=np.int64) for place, rows in places.items()}

    def topic_rows(self, topic: str) -> np.ndarray:
        return self.topics.get(topic, np.zeros(0, dtype=np.int64))

    def primary_rows(self, topic: str) -> np.ndarray:
        """The rows of the measures mainly about the topic (their pkg:primaryTopic)."""
        return self.primary.get(topic, np.zeros(0, dtype=np.int64))

    def masks(self, filters: Filters) -> dict[str, np.ndarray]:
        """One mask per facet that a filter restricts."""
        found: dict[str, np.ndarray] = {}
        if filters.jurisdiction:
            found["jurisdiction"] = self._indexed(
                rows for place, rows in self.places.items() if place.startswith(filters.jurisdiction))
        if filters.province:
            column = self.columns["province"]
            found["province"] = np.isin(column.codes, [i for i, name in enumerate(column.names)
                                                       if name.startswith(filters.province)])
        if filters.year_from is not None or filters.year_to is not None:
            low, high = filters.year_from or 0, filters.year_to or 10_000
            found["year"] = (self.years >= low) & (self.years <= high)
        if filters.topic:
            found["topic"] = self._indexed([self.topic_rows(filters.topic)])
        for name in ("document_type", "validity"):
            value = getattr(filters, name)
            if value:
                found[name] = self.columns[name].rows(value)
        return found

    def counts(self, matched: np.ndarray, masks: dict[str, np.ndarray],
               values: int = FACET_VALUES) -> dict[str, list[tuple[str, int]]]:
        """Per facet, (value, measures) of the matched measures under every other filter, most
        first, at most `values` of them."""
        found = {}
        for facet in FACETS:
            mask = matched.copy()
            for name, other in masks.items():
                if name != facet:
                    mask &= other
            if facet == "topic":
                tally = np.array([np.count_nonzero(mask[rows]) for rows in self.topics.values()],
                                 dtype=np.int64)
                found[facet] = _most(tally, list(self.topics), values)
            else:
                found[facet] = self.columns[facet].counts(mask, values)
        return found

    def _indexed(self, row_sets: Iterable[np.ndarray]) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        for rows in row_sets:
            mask[rows] = True
        return mask
