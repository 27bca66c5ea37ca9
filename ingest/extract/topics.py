"""extract.topics: what each measure is about, as concepts of three SKOS schemes.

Comparing cities ("who grants 质押融资贴息?", "which topics does a city leave out?") needs
measures tagged with shared concepts rather than free text. Each scheme file
(ontology/topics.ttl, instruments.ttl, stages.ttl) lists the Chinese surface terms of its
concepts as labels. Topics follow the labelling rules of ../shared/eval/topics: a topic is
tagged when a clause acts on it (ingest/extract/clauses.py, ingest/extract/mentions.py), and
the primary one, first, is the one with the largest share of the measure. Instrument types and
stages are matched on their terms, the heading weighing more than the body. Adding a term is a
change to the Turtle, not to this code.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from rdflib import Namespace
from rdflib.namespace import RDF, SKOS

from ingest.extract.clauses import acted_clauses
from ingest.extract.mentions import acted_mentions, first_characters, label_mentions
from ingest.record import Measure, PolicyRecord
from ingest.schemes import scheme
from ingest.segment import Document
from ingest.thesaurus import generic_words, topic_roles
from ingest.vocab import INSTRUMENT, PKG, STAGE, TOPIC

__all__ = ["Concept", "Scheme", "about", "extract", "schemes", "tag", "tag_measure", "tag_topics",
           "without_unit_notes"]

TOPIC_LIMIT = 10
"""At most this many topics a measure (the gold has up to nine on a measure that lists right types)."""
CLAUSE_CAP = 2.0
"""One clause that repeats a concept's terms counts at most this much for it."""
TITLE_BONUS = 2.0
"""Naming a topic in the heading adds this much to its share; ties go to the heading too."""
FUNDING = "Funding"
"""Every measure that itself grants money (an incentive was extracted from it) is about funding too."""
GENERIC_SHARE = 0.5
"""A generic label (ingest/data/generic_words.tsv) in a measure is weaker evidence of its concept:
it adds to a topic's share but does not name it (Funding's money words aside: two name it)."""
TITLE_WEIGHT = 4
"""A term in the heading says what the item is about; one in the body may be incidental."""
BODY_CAP = 4
"""Body mentions beyond this add nothing, so one long paragraph cannot swamp the heading."""
MIN_SCORE = 1.5
"""A heading term, or two body mentions of a concept of full weight; else only the single best
concept is kept."""

_UNIT_LABEL = r"(?:责任单位|牵头单位|配合单位|责任部门|牵头部门|参与单位)[：:]"
_UNIT_LINE = re.compile(
    r"[（(〔【]" + _UNIT_LABEL + r"(?:[^（()）〔〕【】\n]|[（(][^（()）\n]*[）)])*[）)〕】]"
    r"|" + _UNIT_LABEL + r"[^\n]*"
)
"""A 责任单位 note, bracketed (one level of brackets inside: 各县（市、区）) or to the line end."""
_TITLE = re.compile(r"《[^《》\n]*》")
"""Cited titles name other documents, not what the measure does."""
_UNIT_NOTE = re.compile(r"[（(][^（）()\n]{0,120}(?:按职责分工负责|负责|牵头)[）)]")


@dataclass(frozen=True)
class Concept:
    name: str
    """Local name in the scheme's namespace: PledgeFinancing."""
    terms: re.Pattern[str]
    """All its simplified-Chinese labels as one alternation, longest first."""
    weight: float = 1.0
    """pkg:matchWeight: below 1 for broad concepts (Funding, Patent) that accompany most items."""
    labels: frozenset[str] = frozenset()
    """The same labels as a set."""


@dataclass(frozen=True)
class Scheme:
    """One concept scheme ready for matching."""

    concepts: tuple[Concept, ...]
    limit: int
    """How many concepts a measure keeps at most."""


def extract(document: Document, record: PolicyRecord) -> PolicyRecord:
    """Tag every measure of the record with topics, instrument types and stages."""
    return dataclasses.replace(record, measures=tuple(tag_measure(m) for m in record.measures))


def tag_measure(measure: Measure) -> Measure:
    """The measure with its three tuples of concept local names filled, topics primary first."""
    body = _body(measure)
    topics = tag_topics(measure.title, body)
    if measure.incentives and FUNDING not in topics:
        topics = (*topics[: TOPIC_LIMIT - 1], FUNDING)
    return dataclasses.replace(
        measure,
        topics=topics,
        instruments=tag(measure.title, _TITLE.sub("", body), schemes()["instruments"]),
        stages=tag(measure.title, _TITLE.sub("", body), schemes()["stages"]),
    )


def tag_topics(title: str, body: str) -> tuple[str, ...]:
    """The topics the measure acts on, the one it is mainly about first.

    A topic is kept when the heading or a clause of action names it by a label that is not
    generic for it (专利导航, not 专利). Its share is what the clauses say of it (GENERIC_SHARE a
    generic label, at most CLAUSE_CAP a clause) plus TITLE_BONUS when the heading names it,
    times its pkg:matchWeight; the largest share is the primary topic, ties going to the
    heading, then to the topic named first.
    """
    evidence: dict[str, _Evidence] = {}
    labels, owners = _topic_index()
    offset = 0
    parts = [(True, clause.text) for clause in acted_clauses(title)]
    parts += [(False, clause.text) for clause in acted_clauses(body)]
    for heading, text in parts:
        in_clause: dict[str, float] = {}
        for name, broad, start in acted_mentions(text, labels, owners):
            in_clause[name] = in_clause.get(name, 0.0) + (GENERIC_SHARE if broad else 1.0)
            found = evidence.setdefault(name, _Evidence(first=offset + start))
            found.named = found.named or not broad
        for name, amount in in_clause.items():
            evidence[name].parts += 1
            if heading:
                evidence[name].heading = max(evidence[name].heading, min(amount, 1.0))
            else:
                evidence[name].body += min(amount, CLAUSE_CAP)
        offset += len(text) + 1
    for name in topic_roles("money") & set(evidence):
        evidence[name].named = evidence[name].named or evidence[name].parts >= 2
    weights = {concept.name: concept.weight for concept in schemes()["topics"].concepts}
    kept = sorted((-weights[name] * (found.body + TITLE_BONUS * found.heading), -found.heading,
                   found.first, name) for name, found in evidence.items() if found.named)
    return tuple(name for *_, name in kept)[:TOPIC_LIMIT]


@dataclass
class _Evidence:
    """How much a measure acts on one concept."""

    body: float = 0.0
    heading: float = 0.0
    parts: int = 0
    """The clauses (the heading's too) that name it."""
    named: bool = False
    """Named by a label that is not generic for it (专利导航, not 专利), in the heading or a clause."""
    first: int = 0
    """Where the concept is first named: ties go to the earlier one."""


def tag(title: str, body: str, scheme: Scheme,
        generic: Mapping[str, frozenset[str]] | None = None) -> tuple[str, ...]:
    """The scheme's concepts found in title and body, best first, at most scheme.limit.

    Score = weight × (TITLE_WEIGHT per heading mention + body mentions, capped); a mention of
    one of a concept's `generic` labels (专利 for Patent) counts GENERIC_SHARE. Concepts scoring
    at least MIN_SCORE are kept; when none does, the best single one, so that a measure whose
    only hint is one body term is still placed.
    """
    scored = []
    for concept in scheme.concepts:
        broad = (generic or {}).get(concept.name, frozenset())
        hits = TITLE_WEIGHT * _mentions(concept.terms, title, broad)
        hits += min(_mentions(concept.terms, body, broad), BODY_CAP)
        if hits:
            position = _first_mention(concept.terms, title, body)
            scored.append((-concept.weight * hits, position, concept.name))
    scored.sort()
    kept = [name for score, _, name in scored if -score >= MIN_SCORE]
    return tuple((kept or [name for _, _, name in scored[:1]])[: scheme.limit])


def _mentions(pattern: re.Pattern[str], text: str, generic: frozenset[str]) -> float:
    """Mentions of a concept's labels, a generic one counting GENERIC_SHARE."""
    return sum(GENERIC_SHARE if found in generic else 1.0 for found in pattern.findall(text))


def _first_mention(pattern: re.Pattern[str], title: str, body: str) -> int:
    """Where the concept is first named (heading before body): ties go to the earlier one."""
    found = pattern.search(title)
    if found:
        return found.start()
    found = pattern.search(body)
    return len(title) + (found.start() if found else len(body))


def _body(measure: Measure) -> str:
    """The measure text without its heading and without the names of its responsible units.

    Unit names (市司法局, 市委宣传部, 海关) would otherwise tag every measure they are
    charged with as judicial, publicity or customs work.
    """
    text = measure.text.replace(measure.title, "", 1) if measure.title else measure.text
    text = without_unit_notes(text)
    for unit in sorted(measure.responsible_units, key=lambda u: -len(u.name)):
        text = text.replace(unit.name, "")
    return text


def without_unit_notes(text: str) -> str:
    """The text without its 责任单位 lines and notes: who is charged with a measure is not its subject."""
    return _UNIT_NOTE.sub("", _UNIT_LINE.sub("", text))


@cache
def schemes() -> dict[str, Scheme]:
    """The three schemes, loaded once from their Turtle files."""
    return {
        "topics": _load("topics.ttl", TOPIC, limit=TOPIC_LIMIT),
        "instruments": _load("instruments.ttl", INSTRUMENT, limit=2),
        "stages": _load("stages.ttl", STAGE, limit=3),
    }


def _load(file_name: str, namespace: Namespace, limit: int) -> Scheme:
    """Concepts by local name, each with its simplified-Chinese labels as one pattern.

    Longer terms come first in the alternation, so 质押融资 is one mention, not two.
    """
    graph = scheme(file_name)
    concepts = []
    for iri in sorted(graph.subjects(RDF.type, SKOS.Concept), key=str):
        if not str(iri).startswith(str(namespace)):
            continue
        terms = {
            str(label)
            for predicate in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
            for label in graph.objects(iri, predicate)
            if str(getattr(label, "language", "")).lower() == "zh-hans"
        }
        weight = graph.value(iri, PKG.matchWeight)
        name = str(iri)[len(str(namespace)) :]
        concepts.append(Concept(name, _alternation(terms), float(str(weight)) if weight is not None else 1.0,
                                frozenset(terms)))
    return Scheme(tuple(concepts), limit)


def about(text: str) -> dict[str, float]:
    """The topics a short text (a query) names, with weights: each label found (the longest where
    labels nest: 驰名商标, not 商标) counts its concept's weight; a generic label (专利, 侵权:
    ingest/data/generic_words.tsv) names nothing on its own."""
    labels, owners = _topic_index()
    generic = generic_words()
    weights = {concept.name: concept.weight for concept in schemes()["topics"].concepts}
    found: dict[str, float] = {}
    for mention in label_mentions(text, labels):
        for name in owners[mention.label]:
            if mention.label not in generic.get(name, ()):
                found[name] = found.get(name, 0.0) + weights[name]
    return found


@cache
def _topic_index() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Every topic label by its first character, longest first, and the concepts each labels."""
    owners: dict[str, list[str]] = {}
    for concept in schemes()["topics"].concepts:
        for label in concept.labels:
            owners.setdefault(label, []).append(concept.name)
    return first_characters(list(owners)), {label: tuple(names) for label, names in owners.items()}


def _alternation(terms: set[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t))))


