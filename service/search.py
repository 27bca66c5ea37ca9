"""Precedent search: measures of every city ranked for a drafter's words or pasted paragraph.

BM25 (bm25s: scores precomputed in a sparse term × measure matrix, so a query sums a few
columns instead of looping over measures) over jieba's search-mode tokens, with the topic
scheme's labels added to jieba's dictionary so that 驰名商标 or 质押融资 stay whole as well
as split. Topics named in the query (ontology/topics.ttl, matched as ingest tags measures)
boost the measures tagged with them. The index is built from one SPARQL query, kept in
memory, and rebuilt when the store's files change.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import bm25s
import jieba
import numpy as np

from ingest.extract.topics import schemes
from ingest.schemes import concept_labels
from ingest.vocab import CATALOG_GRAPH, TOPIC
from service.errors import BadRequest
from service.sparql.formats import JSON
from service.sparql.runner import QueryJob, QueryRunner, store_signature

__all__ = ["Hit", "MeasureIndex", "Query", "SearchIndexCache", "SearchResult", "tokens"]

log = logging.getLogger(__name__)

TOPIC_BOOST = 0.5
"""A measure tagged with every topic the query names scores up to (1 + TOPIC_BOOST) × its BM25."""
MAX_QUERY_TERMS = 64
"""A pasted paragraph is cut to its rarest terms: they carry the meaning and bound the work."""
MAX_MEASURES = 10_000_000
"""Result cap for the index query; far above any store this service is meant for."""
STAMP_INTERVAL = 10.0
"""Seconds between two looks at a remote store's catalogue for changes."""

LABEL_KINDS = ("prefLabel", "altLabel", "hiddenLabel")
_WORD = re.compile(r"\w")

MEASURES_QUERY = """\
PREFIX pkg: <https://w3id.org/policykg/def#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?measure (SAMPLE(?path_) AS ?path) (SAMPLE(?order_) AS ?order) (SAMPLE(?title_) AS ?title)
       (SAMPLE(?text_) AS ?text) (SAMPLE(?quote_) AS ?quote) (SAMPLE(?policy_) AS ?policy)
       (SAMPLE(?policyTitle_) AS ?policyTitle) (SAMPLE(?number_) AS ?number) (SAMPLE(?date_) AS ?date)
       (SAMPLE(?place_) AS ?place) (SAMPLE(?parent_) AS ?parent) (SAMPLE(?province_) AS ?province)
       (GROUP_CONCAT(DISTINCT STR(?topic_); separator=" ") AS ?topics)
WHERE {
  ?policy_ pkg:hasMeasure ?measure .
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
GROUP BY ?measure
"""
STAMP_QUERY = f"""\
SELECT (COUNT(?graph) AS ?documents) (MAX(STR(?modified)) AS ?latest) {{
  GRAPH <{CATALOG_GRAPH}> {{ ?graph <http://purl.org/dc/terms/modified> ?modified }}
}}"""


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


class MeasureIndex:
    """The measures of the store, their BM25 matrix and the columns the filters read."""

    def __init__(self, rows: Sequence[dict[str, str]]) -> None:
        self.hits = [_hit(row) for row in rows]
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
        self.bm25 = bm25s.BM25()
        if self.hits:
            self.bm25.index([tokens(f"{hit.title}\n{hit.quote}") for hit in self.hits], show_progress=False)
            indptr = self.bm25.scores["indptr"]
            self.document_frequency = np.diff(indptr)

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
        ranked = candidates[np.argsort(-scores[candidates], kind="stable")]
        page = ranked[query.offset: query.offset + query.limit]
        hits = tuple(_scored(self.hits[i], float(scores[i])) for i in page)
        return SearchResult(len(candidates), tuple(sorted(named)), hits)

    def _bm25(self, text: str) -> np.ndarray:
        vocabulary = self.bm25.vocab_dict if self.hits else {}
        ids = sorted({vocabulary[t] for t in tokens(text) if t in vocabulary})
        if not ids:
            return np.zeros(len(self.hits), dtype=np.float32)
        if len(ids) > MAX_QUERY_TERMS:
            rarest = np.argsort(self.document_frequency[ids], kind="stable")[:MAX_QUERY_TERMS]
            ids = [ids[i] for i in sorted(rarest)]
        return np.asarray(self.bm25.get_scores_from_ids(ids), dtype=np.float32)

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


def _hit(row: dict[str, str]) -> Hit:
    return Hit(
        measure=row["measure"], score=0.0, quote=row.get("quote") or row.get("text", ""),
        title=row.get("title", ""), path=row.get("path", ""), city=row.get("place", ""),
        parent=row.get("parent", ""), province=row.get("province", ""), policy=row.get("policy", ""),
        policy_title=row.get("policyTitle", ""), doc_number=row.get("number", ""), date=row.get("date", ""),
        topics=tuple(sorted(iri.removeprefix(str(TOPIC)) for iri in row.get("topics", "").split() if iri)))


def _scored(hit: Hit, score: float) -> Hit:
    return Hit(**{**hit.__dict__, "score": round(score, 4)})


async def load_rows(runner: QueryRunner) -> list[dict[str, str]]:
    """The measures of the store, one row of plain strings each, through the query workers."""
    result = await runner.run(QueryJob(query=MEASURES_QUERY, fmt=JSON, result_limit=MAX_MEASURES))
    bindings = json.loads(result.body)["results"]["bindings"]
    return [{name: term["value"] for name, term in binding.items()} for binding in bindings]


Signature = tuple[object, ...]


class SearchIndexCache:
    """The index of the store: built on first use, rebuilt when the store changes.

    An embedded store (`path`) has changed when its files have (checked on every search, a
    directory listing); a remote store when its catalogue has (documents, ingest times),
    asked at most every STAMP_INTERVAL seconds. While a rebuild runs, searches are answered
    from the previous index, so an ingest into a large store never makes searches wait; only
    the first search waits for the build.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.index: MeasureIndex | None = None
        self.signature: Signature = ()
        self._stamp: tuple[float, Signature] = (-STAMP_INTERVAL, ())
        self._lock = asyncio.Lock()
        self._refresh: asyncio.Task[None] | None = None

    async def current(self, runner: QueryRunner) -> MeasureIndex:
        signature = await self._signature(runner)
        if self.index is None:
            async with self._lock:
                if self.index is None:
                    await self._rebuild(runner, signature)
        elif signature != self.signature and (self._refresh is None or self._refresh.done()):
            self._refresh = asyncio.create_task(self._background(runner, signature))
        assert self.index is not None
        return self.index

    async def _signature(self, runner: QueryRunner) -> Signature:
        if self.path is not None:
            return await asyncio.to_thread(store_signature, self.path)
        asked, stamp = self._stamp
        if time.monotonic() - asked >= STAMP_INTERVAL:
            result = await runner.run(QueryJob(query=STAMP_QUERY, fmt=JSON, result_limit=1))
            row = json.loads(result.body)["results"]["bindings"]
            stamp = tuple(sorted((k, v["value"]) for k, v in row[0].items())) if row else ()
            self._stamp = (time.monotonic(), stamp)
        return stamp

    async def _rebuild(self, runner: QueryRunner, signature: Signature) -> None:
        rows = await load_rows(runner)
        self.index = await asyncio.to_thread(MeasureIndex, rows)
        self.signature = signature

    async def _background(self, runner: QueryRunner, signature: Signature) -> None:
        async with self._lock:
            try:
                await self._rebuild(runner, signature)
            except Exception:  # a failed rebuild keeps the last good index; the next change retries
                log.exception("rebuilding the search index failed")
