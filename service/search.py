"""Precedent search: measures of every city ranked for a drafter's words or pasted paragraph.

BM25 (Lucene's, k1 1.5, b 0.75: scores precomputed in a sparse term-major matrix, so a query
adds a few columns instead of looping over measures) over jieba's search-mode tokens, with the
topic scheme's labels added to jieba's dictionary so that 驰名商标 or 质押融资 stay whole as
well as split. Topics named in the query (ontology/topics.ttl, matched as ingest tags measures)
boost the measures tagged with them. The index is assembled from per-measure terms (token ids
and counts) that service/search_cache.py keeps across rebuilds, fetched a page of documents at
a time with MEASURES_QUERY.
"""

from __future__ import annotations

import logging
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import jieba
import numpy as np

from ingest.extract.topics import schemes
from ingest.schemes import concept_labels
from ingest.vocab import TOPIC
from service.errors import BadRequest

__all__ = ["BM25", "Hit", "MeasureIndex", "Query", "SearchResult", "Terms", "Vocabulary", "hit",
           "indexed_text", "measures_query", "term_counts", "tokens"]

log = logging.getLogger(__name__)

TOPIC_BOOST = 0.5
"""A measure tagged with every topic the query names scores up to (1 + TOPIC_BOOST) × its BM25."""
MAX_QUERY_TERMS = 64
"""A pasted paragraph is cut to its rarest terms: they carry the meaning and bound the work."""
K1, B = 1.5, 0.75
"""BM25 term-frequency saturation and length normalisation, as Lucene and bm25s default them."""

LABEL_KINDS = ("prefLabel", "altLabel", "hiddenLabel")
_WORD = re.compile(r"\w")

MEASURES_QUERY = """\
PREFIX pkg: <https://w3id.org/policykg/def#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?graph ?measure (SAMPLE(?path_) AS ?path) (SAMPLE(?order_) AS ?order) (SAMPLE(?title_) AS ?title)
       (SAMPLE(?text_) AS ?text) (SAMPLE(?quote_) AS ?quote) (SAMPLE(?policy_) AS ?policy)
       (SAMPLE(?policyTitle_) AS ?policyTitle) (SAMPLE(?number_) AS ?number) (SAMPLE(?date_) AS ?date)
       (SAMPLE(?place_) AS ?place) (SAMPLE(?parent_) AS ?parent) (SAMPLE(?province_) AS ?province)
       (GROUP_CONCAT(DISTINCT STR(?topic_); separator=" ") AS ?topics)
WHERE {
  VALUES ?graph { $graphs }
  GRAPH ?graph { ?policy_ pkg:hasMeasure ?measure }
  ?measure pkg:text ?text_ .
  OPTIONAL { ?measure pkg:path ?path_ }
  OPTIONAL { ?measure pkg:order ?order_ }
  OPTIONAL { ?measure dcterms:title ?title_ }
  OPTIONAL { ?measure prov:wasDerivedFrom/pkg:quote ?quote_ }
  OPTIONAL { ?measure pkg:topic ?topic_ }
  OPTIONAL { ?policy_ eli:title ?policyTitle_ }
  OPTIONAL { ?policy_ eli:id_local ?number_ }
  OPTIONAL { ?policy_ eli:date_document ?date_ }
  OPTIONAL { ?policy_ pkg:jurisdiction ?where .
             OPTIONAL { ?where rdfs:label ?place_ }
             OPTIONAL { ?where pkg:parent/rdfs:label ?parent_ }
             OPTIONAL { ?where pkg:province/rdfs:label ?province_ } }
}
GROUP BY ?graph ?measure
"""
"""The measures of some document graphs ($graphs); the rest of the pattern reads the union graph,
where the shared descriptions (jurisdictions) are."""


def measures_query(graphs: Iterable[str]) -> str:
    """MEASURES_QUERY for these document graphs (IRIs from the store's catalogue)."""
    return MEASURES_QUERY.replace("$graphs", " ".join(f"<{graph}>" for graph in graphs))


@dataclass(frozen=True)
class Hit:
    """One ranked measure with its source text and the citation a drafter needs."""

    measure: str
    score: float
    quote: str
    title: str
    path: str
    city: str
    parent: str
    province: str
    policy: str
    policy_title: str
    doc_number: str
    date: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Query:
    text: str = ""
    city: str | None = None
    topic: str | None = None
    year: int | None = None
    limit: int = 10
    offset: int = 0


@dataclass(frozen=True)
class SearchResult:
    total: int
    topics: tuple[str, ...]
    """Topics the query text names, which boosted the measures tagged with them."""
    hits: tuple[Hit, ...]


@cache
def _tokenizer() -> jieba.Tokenizer:
    """jieba with the topic labels as words, so that domain terms also survive as wholes."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for label, _ in concept_labels("topics.ttl", str(TOPIC), "zh-Hans", LABEL_KINDS):
        tokenizer.add_word(label)
    return tokenizer


def tokens(text: str) -> list[str]:
    """Each jieba word and every dictionary word inside it (知识产权质押融资 → 知识产权, 产权, 质押…),
    lower-cased, without punctuation: jieba's own search mode stops at three characters."""
    tokenizer = _tokenizer()
    found = []
    for word in tokenizer.lcut(text):
        if not _WORD.search(word):
            continue
        found += [word[i:j] for size in range(2, len(word)) for i in range(len(word) - size + 1)
                  if tokenizer.FREQ.get(word[i:(j := i + size)])]
        found.append(word)
    return [token.lower() for token in found]


@cache
def topic_labels() -> dict[str, str]:
    """Every label (zh and en, any case) and local name of a topic → its local name."""
    found = {name.lower(): name for _, name in concept_labels("topics.ttl", str(TOPIC), "zh-Hans")}
    for language in ("zh-Hans", "zh-Hant", "en"):
        for label, name in concept_labels("topics.ttl", str(TOPIC), language, LABEL_KINDS):
            found.setdefault(label.lower(), name)
    return found


def topic_name(text: str) -> str:
    """The topic a filter value names (PledgeFinancing, 质押融资, pledge financing), or BadRequest."""
    name = topic_labels().get(text.strip().lower())
    if name is None:
        raise BadRequest(f"unknown topic {text!r}; use a concept of /def/topic/ by name or label")
    return name


def query_topics(text: str) -> dict[str, float]:
    """Topics whose terms the query text contains, with their match weights."""
    return {concept.name: concept.weight for concept in schemes()["topics"].concepts
            if concept.terms.search(text)}


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


def term_counts(texts: Sequence[str]) -> list[dict[str, int]]:
    """The tokens of each text, counted: what is worth sending back from a tokeniser process."""
    return [dict(Counter(tokens(text))) for text in texts]


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

    def score(self, ids: Sequence[int]) -> np.ndarray:
        """The BM25 of every measure for these (distinct) token ids."""
        total = np.zeros(self.size, dtype=np.float32)
        for term in ids:
            span = slice(self.start[term], self.start[term + 1])
            total[self.rows[span]] += self.scores[span]
        return total


class MeasureIndex:
    """The measures of the store, their BM25 matrix and the columns the filters read."""

    def __init__(self, hits: Sequence[Hit], terms: Sequence[Terms], vocabulary: Vocabulary) -> None:
        self.hits = list(hits)
        self.vocabulary = vocabulary
        self.bm25 = BM25(terms, len(vocabulary))
        self.topic_names = sorted({t for hit in self.hits for t in hit.topics})
        column = {name: i for i, name in enumerate(self.topic_names)}
        self.topic_matrix = np.zeros((len(self.hits), len(self.topic_names)), dtype=np.float32)
        self.years = np.zeros(len(self.hits), dtype=np.int32)
        places: dict[str, list[int]] = defaultdict(list)
        for row, hit in enumerate(self.hits):
            for name in hit.topics:
                self.topic_matrix[row, column[name]] = 1.0
            if hit.date[:4].isdigit():
                self.years[row] = int(hit.date[:4])
            for place in {hit.city, hit.parent, hit.province} - {""}:
                places[place].append(row)
        self.places = {place: np.array(rows_, dtype=np.int64) for place, rows_ in places.items()}

    @classmethod
    def from_rows(cls, rows: Sequence[dict[str, str]]) -> MeasureIndex:
        """An index of MEASURES_QUERY rows, tokenised here (for small stores and tests)."""
        hits = [hit(row) for row in rows]
        vocabulary = Vocabulary()
        counts = term_counts([indexed_text(h) for h in hits])
        return cls(hits, [vocabulary.terms(c) for c in counts], vocabulary)

    def __len__(self) -> int:
        return len(self.hits)

    def search(self, query: Query) -> SearchResult:
        """Ranked hits: BM25 × topic boost, filtered, best first (ties in document order)."""
        topic = topic_name(query.topic) if query.topic else None
        text = query.text.strip()
        if not text and topic:
            text = " ".join(label for label, name in topic_labels().items() if name == topic)
        named = query_topics(text)
        scores = self._bm25(text)
        if named:
            columns = [i for i, name in enumerate(self.topic_names) if name in named]
            weights = np.array([named[self.topic_names[i]] for i in columns], dtype=np.float32)
            if columns:
                share = self.topic_matrix[:, columns] @ weights / sum(named.values())
                scores *= 1.0 + TOPIC_BOOST * share
        scores[~self._mask(query, topic)] = 0.0
        candidates = np.flatnonzero(scores > 0)
        page = _best(candidates, scores[candidates], query.offset + query.limit)[query.offset:]
        hits = tuple(_scored(self.hits[i], float(scores[i])) for i in page)
        return SearchResult(len(candidates), tuple(sorted(named)), hits)

    def _bm25(self, text: str) -> np.ndarray:
        known = self.vocabulary.ids
        ids = sorted({i for t in tokens(text) if (i := known.get(t, -1)) in range(self.bm25.vocabulary_size)})
        if len(ids) > MAX_QUERY_TERMS:
            rarest = np.argsort(self.bm25.document_frequency[ids], kind="stable")[:MAX_QUERY_TERMS]
            ids = [ids[i] for i in sorted(rarest)]
        return self.bm25.score(ids)

    def _mask(self, query: Query, topic: str | None) -> np.ndarray:
        mask = np.ones(len(self.hits), dtype=bool)
        if query.year is not None:
            mask &= self.years == query.year
        if topic is not None:
            mask &= (self.topic_matrix[:, self.topic_names.index(topic)] > 0) if topic in self.topic_names \
                else False
        if query.city:
            city = query.city.strip()
            in_city = np.zeros(len(self.hits), dtype=bool)
            for place, rows in self.places.items():
                if place.startswith(city):
                    in_city[rows] = True
            mask &= in_city
        return mask


def hit(row: dict[str, str]) -> Hit:
    """A MEASURES_QUERY row as an unscored hit; the fields every measure of a policy repeats are shared."""
    shared = {name: sys.intern(row.get(name, "")) for name in
              ("place", "parent", "province", "policy", "policyTitle", "number", "date")}
    return Hit(
        measure=row["measure"], score=0.0, quote=row.get("quote") or row.get("text", ""),
        title=row.get("title", ""), path=row.get("path", ""), city=shared["place"],
        parent=shared["parent"], province=shared["province"], policy=shared["policy"],
        policy_title=shared["policyTitle"], doc_number=shared["number"], date=shared["date"],
        topics=tuple(sorted(iri.removeprefix(str(TOPIC)) for iri in row.get("topics", "").split() if iri)))


def indexed_text(hit: Hit) -> str:
    """What BM25 reads of a measure: its title and its text as printed."""
    return f"{hit.title}\n{hit.quote}"


def _best(rows: np.ndarray, scores: np.ndarray, count: int) -> np.ndarray:
    """The `count` best rows, best first, ties in row order: a full sort only of those that can
    make the page (and their ties), not of every match."""
    if len(rows) > count > 0:
        kept = -scores <= np.partition(-scores, count - 1)[count - 1]
        rows, scores = rows[kept], scores[kept]
    return rows[np.argsort(-scores, kind="stable")][:count]


def _scored(hit: Hit, score: float) -> Hit:
    return Hit(**{**hit.__dict__, "score": round(score, 4)})
