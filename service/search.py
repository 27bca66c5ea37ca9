"""Precedent search: measures of every city ranked for a drafter's words or pasted paragraph.

BM25 (Lucene's, k1 1.5, b 0.75: scores precomputed in a sparse term-major matrix, so a query
adds a few columns instead of looping over measures) over the words of service/search_words.py.
Topics named in the query (ontology/topics.ttl, matched as ingest tags measures) boost the
measures tagged with them. The index is assembled from per-measure terms (token ids and counts)
that service/search_cache.py keeps across rebuilds; filters and facet counts are columns of
service/search_facets.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field, replace

import numpy as np

from ingest.validity import STATUSES
from service.errors import BadRequest
from service.search_facets import FACET_VALUES, Facets, Filters
from service.search_query import Understood, understand
from service.search_rows import UNKNOWN_VALIDITY, Hit, indexed_text
from service.search_words import normalised, term_counts, topic_labels, topic_name

__all__ = ["BM25", "MeasureIndex", "Query", "SearchResult", "Terms", "Vocabulary", "read_filters",
           "with_validity"]

TOPIC_WEIGHT = 0.5
"""Weight of the topic ranking against the word ranking (each scaled to its best)."""
PRIMARY_SHARE = 0.5
"""What a measure mainly about a pasted paragraph's primary topic adds to its topic ranking."""
MAX_QUERY_TERMS = 64
"""A pasted paragraph is cut to its rarest terms: they carry the meaning and bound the work."""
K1, B = 1.5, 0.75
"""BM25 term-frequency saturation and length normalisation, as Lucene and bm25s default them."""

@dataclass(frozen=True)
class Query:
    text: str = ""
    filters: Filters = field(default_factory=Filters)
    limit: int = 10
    offset: int = 0
    facet_values: int = FACET_VALUES
    """Values listed per facet at most, the most frequent first."""


@dataclass(frozen=True)
class SearchResult:
    total: int
    topics: tuple[str, ...]
    """Topics the query text is about, which boosted the measures tagged with them."""
    hits: tuple[Hit, ...]
    words: tuple[str, ...]
    """The query's words that the matching measures contain, for highlighting."""
    facets: dict[str, list[tuple[str, int]]]


@dataclass(frozen=True)
class Terms:
    """One measure's distinct token ids, how often each occurs, and its length in tokens."""

    ids: np.ndarray
    counts: np.ndarray
    length: int


class Vocabulary:
    """Token → id. It only grows, so the ids of terms kept from earlier rebuilds stay valid."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def terms(self, counts: dict[str, int]) -> Terms:
        ids = np.fromiter((self.ids.setdefault(token, len(self.ids)) for token in counts), np.int32,
                          len(counts))
        return Terms(ids, np.fromiter(counts.values(), np.float32, len(counts)), sum(counts.values()))


class BM25:
    """Lucene BM25 as a term-major sparse matrix (column start, rows, scores), built with numpy."""

    def __init__(self, terms: Sequence[Terms], vocabulary_size: int) -> None:
        self.size, self.vocabulary_size = len(terms), vocabulary_size
        ids = np.concatenate([t.ids for t in terms]) if terms else np.zeros(0, np.int32)
        tf = np.concatenate([t.counts for t in terms]) if terms else np.zeros(0, np.float32)
        rows = np.repeat(np.arange(len(terms), dtype=np.int32), [len(t.ids) for t in terms])
        lengths = np.array([t.length for t in terms], dtype=np.float32)
        self.document_frequency = np.bincount(ids, minlength=vocabulary_size)
        df = self.document_frequency.astype(np.float32)
        idf = np.log1p((len(terms) - df + 0.5) / (df + 0.5))
        norm = K1 * (1.0 - B + B * lengths / max(float(lengths.mean()) if terms else 1.0, 1.0))
        scores = idf[ids] * tf / (tf + norm[rows])
        order = np.argsort(ids, kind="stable")
        self.rows, self.scores = rows[order], scores[order].astype(np.float32)
        self.start = np.concatenate([[0], np.cumsum(self.document_frequency)])

    def score(self, ids: Sequence[int], weights: Sequence[float] | None = None) -> np.ndarray:
        """The BM25 of every measure for these (distinct) token ids, each term's part weighted."""
        total = np.zeros(self.size, dtype=np.float32)
        for position, term in enumerate(ids):
            span = slice(self.start[term], self.start[term + 1])
            part = self.scores[span]
            total[self.rows[span]] += part if weights is None else part * weights[position]
        return total


class MeasureIndex:
    """The measures of the store, their BM25 matrix and the columns the filters read."""

    def __init__(self, hits: Sequence[Hit], terms: Sequence[Terms], vocabulary: Vocabulary) -> None:
        self.hits = list(hits)
        self.vocabulary = vocabulary
        self.bm25 = BM25(terms, len(vocabulary))
        self.facets = Facets(self.hits)

    @classmethod
    def of(cls, hits: Sequence[Hit]) -> MeasureIndex:
        """An index of these measures, tokenised here (for small stores and tests)."""
        vocabulary = Vocabulary()
        counts = term_counts([indexed_text(h) for h in hits])
        return cls(hits, [vocabulary.terms(c) for c in counts], vocabulary)

    def __len__(self) -> int:
        return len(self.hits)

    def with_validity(self, statuses: Mapping[str, str]) -> MeasureIndex:
        """The same index with each measure's validity the status of its policy (unknown for a
        policy not listed); the word matrix is shared, the hits and filter columns are new."""
        index = copy(self)
        index.hits = with_validity(self.hits, statuses)
        index.facets = Facets(index.hits)
        return index

    def search(self, query: Query) -> SearchResult:
        """Ranked hits, filtered, best first (ties in document order). Without text, a topic filter
        ranks by the topic's labels; without either, every measure the filters keep, in order."""
        filters = read_filters(query.filters)
        text = normalised(query.text).strip()
        if not text and filters.topic:
            text = " ".join(label for label, name in topic_labels().items() if name == filters.topic)
        if text:
            understood = understand(text)
            scores, words = self._ranked(understood)
            topics = tuple(sorted(understood.topics))
        else:
            scores, words, topics = np.ones(len(self.hits), dtype=np.float32), [], ()
        masks = self.facets.masks(filters)
        matched = scores > 0
        kept = matched.copy()
        for mask in masks.values():
            kept &= mask
        candidates = np.flatnonzero(kept)
        page = _best(candidates, scores[candidates], query.offset + query.limit)[query.offset:]
        hits = tuple(replace(self.hits[i], score=round(float(scores[i]), 4) if text else 0.0) for i in page)
        facets = self.facets.counts(matched, masks, query.facet_values)
        return SearchResult(len(candidates), topics, hits, tuple(words), facets)

    def _ranked(self, understood: Understood) -> tuple[np.ndarray, list[str]]:
        """The word ranking (weighted BM25) and the topic ranking (the query's topics that a measure
        carries, a measure with fewer topics being more about each, one mainly about a paragraph's
        primary topic more), each scaled to its best, summed."""
        words = self._bm25(understood.words)
        topics = np.zeros(len(self.hits), dtype=np.float32)
        for name, weight in understood.topics.items():
            rows = self.facets.topic_rows(name)
            topics[rows] += weight / np.sqrt(self.facets.topic_counts[rows])
        if understood.primary:
            topics[self.facets.primary_rows(understood.primary)] += PRIMARY_SHARE
        scores = np.zeros(len(self.hits), dtype=np.float32)
        for part, weight in ((words[0], 1.0), (topics, TOPIC_WEIGHT)):
            best = float(part.max()) if len(part) else 0.0
            if best > 0:
                scores += weight * part / best
        return scores, words[1]

    def _bm25(self, words: dict[str, float]) -> tuple[np.ndarray, list[str]]:
        """Weighted BM25 of the known words (a pasted paragraph: its rarest); and the words used."""
        known = self.vocabulary.ids
        found = {i: (word, weight) for word, weight in words.items()
                 if (i := known.get(word, -1)) in range(self.bm25.vocabulary_size)}
        ids = sorted(found)
        if len(ids) > MAX_QUERY_TERMS:
            rarest = np.argsort(self.bm25.document_frequency[ids], kind="stable")[:MAX_QUERY_TERMS]
            ids = [ids[i] for i in sorted(rarest)]
        return self.bm25.score(ids, [found[i][1] for i in ids]), [found[i][0] for i in ids]


def read_filters(filters: Filters) -> Filters:
    """The filters as the index holds their values: words in simplified characters (廣州 → 广州),
    a topic by its local name; an unknown topic or validity status is a BadRequest."""
    found = replace(filters, jurisdiction=_word(filters.jurisdiction), province=_word(filters.province),
                    topic=_word(filters.topic), document_type=_word(filters.document_type),
                    validity=_word(filters.validity))
    if found.validity and found.validity not in STATUSES:
        raise BadRequest(f"unknown validity {found.validity!r}; use one of {', '.join(STATUSES)}")
    return replace(found, topic=topic_name(found.topic)) if found.topic else found


def _word(value: str | None) -> str | None:
    return (normalised(value).strip() or None) if value else None


def with_validity(hits: Sequence[Hit], statuses: Mapping[str, str]) -> list[Hit]:
    """The hits, each with the validity status of its policy (unknown for a policy not listed)."""
    return [replace(hit, validity=statuses.get(hit.policy, UNKNOWN_VALIDITY)) for hit in hits]


def _best(rows: np.ndarray, scores: np.ndarray, count: int) -> np.ndarray:
    """The `count` best rows, best first, ties in row order: a full sort only of those that can
    make the page (and their ties), not of every match."""
    if len(rows) > count > 0:
        kept = -scores <= np.partition(-scores, count - 1)[count - 1]
        rows, scores = rows[kept], scores[kept]
    return rows[np.argsort(-scores, kind="stable")][:count]
