"""Keyset paging by jurisdiction: the first page of a comparison across thousands of jurisdictions.

A comparison query orders its rows by city first (`ORDER BY ?city …`). Evaluated whole, its first
page costs as much as every page: at 10,000 documents (about 3,000 jurisdictions) that is seconds
to minutes, because every aggregate is computed before the page is cut. Rows of different
jurisdictions never mix, so the service evaluates it for a few jurisdictions at a time, in the order
of their names, until the page is full: the query file marks with `VALUES ?place { UNDEF }` (which,
run as it is, binds nothing) where the places of those jurisdictions are bound. The rows are those
of the whole query with LIMIT and OFFSET, in the same order; a deep page costs what the
jurisdictions before it cost.

The keys (jurisdictions with a stored policy, ordered as ORDER BY orders their names) come from
`service/jurisdictions.rq` and are kept until the store changes.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from itertools import groupby

import orjson
import pyoxigraph as ox

from service.curated import PLACES_MARKER
from service.sparql.formats import JSON
from service.sparql.runner import INTERNAL_ROWS, QueryJob, QueryRunner
from service.store_stamp import KeptValue, StoreStamp

__all__ = [
    "FIRST_JURISDICTIONS",
    "JurisdictionKeys",
    "NamedJurisdiction",
    "Rows",
    "evaluate",
    "jurisdiction_keys",
    "jurisdictions_needed",
    "rows_by_jurisdiction",
    "split",
    "with_places",
]

FIRST_JURISDICTIONS = 8
"""Jurisdictions in the first evaluation. The next ones take as many jurisdictions as the rows found
so far per jurisdiction say the page still needs (a fifth more), at most four times as many as the
last one."""
GROWTH = 4
MOST_JURISDICTIONS = 512
MARGIN = 1.2
KEYS_QUERY = (files("service") / "jurisdictions.rq").read_text(encoding="utf-8")

NamedJurisdiction = tuple[str, tuple[str, ...]]
"""A jurisdiction's name and the IRIs of the places so named (several districts share a name)."""


@dataclass(frozen=True)
class Rows:
    """Rows as SPARQL JSON bindings, with the variables of the query."""

    variables: list[str]
    bindings: list[dict[str, dict[str, str]]]


JurisdictionKeys = KeptValue[list[NamedJurisdiction]]
"""The jurisdictions a comparison is paged by, read again when the store has changed."""


def jurisdiction_keys(stamp: StoreStamp) -> JurisdictionKeys:
    return KeptValue(stamp, _read_jurisdictions)


async def _read_jurisdictions(runner: QueryRunner) -> list[NamedJurisdiction]:
    rows = await runner.rows(KEYS_QUERY)
    return [(name, tuple(row["place"] for row in named))
            for name, named in groupby(rows, key=lambda row: row["city"])]


def with_places(sparql: str, places: Sequence[str]) -> str:
    """The query with its marker binding `places` (IRIs read from the store, written as N-Triples)."""
    values = " ".join(str(ox.NamedNode(place)) for place in places)
    return sparql.replace(PLACES_MARKER, f"VALUES ?place {{ {values} }}")


async def rows_by_jurisdiction(runner: QueryRunner, job: QueryJob, jurisdictions: Sequence[NamedJurisdiction],
                               wanted: int) -> Rows:
    """The first `wanted` rows of `job` (a paged-by-jurisdiction query without LIMIT), a few
    jurisdictions at a time; fewer when the jurisdictions run out. Each evaluation costs about what
    its jurisdictions cost, so the page is filled in as few evaluations as the rows per jurisdiction
    allow, and a large one is split among the query workers (`split`)."""
    variables: list[str] = []
    found: list[dict[str, dict[str, str]]] = []
    first, size = 0, FIRST_JURISDICTIONS
    while True:
        chunk = jurisdictions[first: first + size]
        parts = split(chunk, runner.size)
        answers = await asyncio.gather(*(evaluate(runner, job, part, wanted - len(found)) for part in parts))
        variables = answers[0].variables
        found.extend(binding for answer in answers for binding in answer.bindings)
        first += len(chunk)
        if first >= len(jurisdictions) or len(found) >= wanted:
            return Rows(variables, found)
        size = jurisdictions_needed(wanted - len(found), len(found) / first, size)


async def evaluate(runner: QueryRunner, job: QueryJob, jurisdictions: Sequence[NamedJurisdiction],
                   most: int = INTERNAL_ROWS) -> Rows:
    """The rows of `job` for the places of `jurisdictions`: the first `most` of them, in the query's order."""
    places = [place for _, named in jurisdictions for place in named]
    text = f"{with_places(job.query, places).rstrip()}\nLIMIT {most}\n"
    result = await runner.run(QueryJob(query=text, fmt=JSON, result_limit=most,
                                       substitutions=job.substitutions, bounded=True))
    document = orjson.loads(result.body)
    return Rows(document["head"]["vars"], document["results"]["bindings"])


def split(jurisdictions: Sequence[NamedJurisdiction], parts: int) -> list[Sequence[NamedJurisdiction]]:
    """`jurisdictions` in up to `parts` consecutive runs of at least FIRST_JURISDICTIONS of them, to be
    evaluated at once by as many query workers: their rows, concatenated in this order, are the rows
    of the whole run, since rows of different jurisdictions never mix."""
    count = max(1, min(parts, len(jurisdictions) // FIRST_JURISDICTIONS))
    step = math.ceil(len(jurisdictions) / count) if jurisdictions else 1
    return [jurisdictions[start: start + step] for start in range(0, max(len(jurisdictions), 1), step)]


def jurisdictions_needed(missing: int, rows_per_jurisdiction: float, size: int) -> int:
    """Jurisdictions for the next evaluation: enough for the rows still missing at the rate seen so
    far, but at most four times the last evaluation's `size`, since a rate read from a few
    jurisdictions can be far off (bench/README.md, "Analytics at scale")."""
    most = min(size * GROWTH, MOST_JURISDICTIONS)
    if rows_per_jurisdiction == 0:
        return most
    return max(FIRST_JURISDICTIONS, min(most, math.ceil(missing / rows_per_jurisdiction * MARGIN)))
