"""What the search index holds of a measure, read from the store a page of document graphs at a time.

Four queries per page (search_measures.rq, search_policies.rq, search_money.rq, search_units.rq)
rather than one: a measure has several incentives and units, and joining them with its topics in
one query would multiply its rows; what a policy's measures share is read once per policy. The
printed original of a quote is not held: it is read for the hits that ask
for it (search_printed.rq). The validity of a policy on a day (ingest/validity.py) follows from its
dates and from the policies that repeal it, read for the whole store (search_validity.rq).
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib.resources import files

import pyoxigraph as ox

from ingest import lexicon
from ingest.extract.topics import without_unit_notes
from ingest.validity import UNKNOWN, status
from ingest.vocab import INCENTIVE_KIND, TOPIC

__all__ = ["UNKNOWN_VALIDITY", "VALIDITY", "Hit", "Money", "Unit", "document_type", "hits_of", "indexed_text",
           "printed_query", "queries_for", "statuses"]

MARKER = re.compile(r"VALUES \?(\w+) \{ UNDEF \}")
UNKNOWN_VALIDITY = UNKNOWN
"""The status of a measure until the validity of its policy is read (and when nothing tells it)."""


def _query(name: str) -> str:
    return (files("service") / name).read_text(encoding="utf-8")


MEASURES, POLICIES, MONEY, UNITS, PRINTED, VALIDITY = (
    _query(f"search_{name}.rq") for name in ("measures", "policies", "money", "units", "printed", "validity"))


@dataclass(frozen=True, slots=True)
class Money:
    """One incentive of a measure: its kind and the numbers it states (yuan; rate as a fraction)."""

    kind: str
    amount: float | None = None
    rate: float | None = None
    cap: float | None = None
    per: str = ""
    condition: str = ""


@dataclass(frozen=True, slots=True)
class Unit:
    name: str
    lead: bool = False


@dataclass(frozen=True, slots=True)
class Hit:
    """One measure with its normalised text and the citation a drafter needs."""

    measure: str
    quote: str
    """The measure's normalised simplified text (what is indexed and shown)."""
    title: str
    path: str
    source: str
    """File name of the document copy it was read from."""
    jurisdiction: str
    parent: str
    province: str
    policy: str
    policy_title: str
    doc_number: str
    date: str
    document_type: str
    validity: str
    """Its policy's status on the day the index was brought up to date: 现行有效, 已失效, 尚未生效, 未知."""
    topics: tuple[str, ...]
    """Local names of its topics, the primary topic (pkg:primaryTopic) first."""
    money: tuple[Money, ...] = ()
    units: tuple[Unit, ...] = ()
    score: float = 0.0

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date[:4].isdigit() else None


def with_values(sparql: str, iris: Iterable[str]) -> str:
    """The query with its `VALUES ?x { UNDEF }` marker binding these IRIs (read from the store,
    written as N-Triples terms)."""
    values = " ".join(str(ox.NamedNode(iri)) for iri in iris)
    return MARKER.sub(lambda found: f"VALUES ?{found[1]} {{ {values} }}", sparql, count=1)


def queries_for(graphs: Sequence[str]) -> tuple[str, str, str, str]:
    """The measures, policies, money and units queries for a page of document graphs."""
    return (with_values(MEASURES, graphs), with_values(POLICIES, graphs), with_values(MONEY, graphs),
            with_values(UNITS, graphs))


def printed_query(measures: Iterable[str]) -> str:
    return with_values(PRINTED, measures)


def hits_of(measures: list[dict[str, str]], policies: list[dict[str, str]], money: list[dict[str, str]],
            units: list[dict[str, str]]) -> dict[str, list[Hit]]:
    """The rows of the four queries as unscored hits by document graph, each in the measures'
    order; the fields every measure of a policy repeats are shared strings."""
    cited = {(row["graph"], row["policy"]): row for row in policies}
    grants: dict[str, list[Money]] = defaultdict(list)
    for row in money:
        grants[row["measure"]].append(_money(row))
    charged: dict[str, list[Unit]] = defaultdict(list)
    for row in units:
        if row.get("name"):
            charged[row["measure"]].append(Unit(sys.intern(row["name"]), row.get("lead") == "true"))
    by_graph: dict[str, list[Hit]] = defaultdict(list)
    for row in sorted(measures, key=lambda r: (int(r.get("order") or 0), r["measure"])):
        policy = cited.get((row["graph"], row.get("policy", "")), {})
        by_graph[row["graph"]].append(replace(_hit({**policy, **row}), money=tuple(grants[row["measure"]]),
                                              units=tuple(charged[row["measure"]])))
    return by_graph


def _hit(row: dict[str, str]) -> Hit:
    shared = {name: sys.intern(row.get(name, "")) for name in
              ("file", "place", "parent", "province", "policy", "policyTitle", "number", "date")}
    if row.get("level") == "province":
        shared["province"] = shared["place"]
    return Hit(
        measure=row["measure"], quote=row.get("text", ""), title=row.get("title", ""),
        path=row.get("path", ""), source=shared["file"], jurisdiction=shared["place"],
        parent=shared["parent"], province=shared["province"], policy=shared["policy"],
        policy_title=shared["policyTitle"], doc_number=shared["number"], date=shared["date"],
        document_type=document_type(shared["policyTitle"]), validity=UNKNOWN_VALIDITY,
        topics=_topics(row.get("topics", ""), row.get("primary", "")))


def _topics(iris: str, primary: str) -> tuple[str, ...]:
    """Topic local names, the primary one first, the others in name order."""
    names = sorted(iri.removeprefix(str(TOPIC)) for iri in iris.split() if iri)
    first = primary.removeprefix(str(TOPIC))
    return (first, *(name for name in names if name != first)) if first in names else tuple(names)


def statuses(rows: Iterable[dict[str, str]], on: date) -> dict[str, str]:
    """The validity status on `on` of each policy of the rows of search_validity.rq (one rule:
    ingest/validity.py)."""
    return {row["policy"]: status(on, in_force_from=row.get("inForceFrom"), issued=row.get("issued"),
                                  until=row.get("validUntil"), repealed_from=row.get("repealedFrom"))
            for row in rows}


def _money(row: dict[str, str]) -> Money:
    def number(name: str) -> float | None:
        return float(row[name]) if row.get(name) else None

    return Money(row["kind"].removeprefix(str(INCENTIVE_KIND)), number("amount"), number("rate"),
                 number("cap"), row.get("per", ""), row.get("condition", ""))


@cache
def _type_words() -> tuple[re.Pattern[str], dict[str, str]]:
    kinds = {word: kind for word, kind in lexicon.rows("document_types.tsv")}
    return re.compile("|".join(map(re.escape, sorted(kinds, key=len, reverse=True)))), kinds


@cache
def document_type(title: str) -> str:
    """The kind of document its title names by its last genre word (方案, 意见, 办法 …), or ""."""
    pattern, kinds = _type_words()
    found = pattern.findall(title)
    return sys.intern(kinds[found[-1]]) if found else ""


def indexed_text(hit: Hit) -> str:
    """What the word index reads of a measure: its title and normalised text, without the names
    of the units charged with it (a 市场监管局 line is not what the measure is about)."""
    body = hit.quote.replace(hit.title, "", 1) if hit.title else hit.quote
    return f"{hit.title}\n{without_unit_notes(body)}"
