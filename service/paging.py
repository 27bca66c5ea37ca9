"""Keyset paging by jurisdiction: the first page of a comparison across thousands of cities.

A comparison query orders its rows by city first (`ORDER BY ?city …`). Evaluated whole, its first
page costs as much as every page: at 10,000 documents (about 3,000 jurisdictions) that is seconds
to minutes, because every aggregate is computed before the page is cut. Rows of different cities
never mix, so the service evaluates it for a few cities at a time, in the order of their names,
until the page is full: the query file marks with `VALUES ?place { UNDEF }` (which, run as it is,
binds nothing) where the places of those cities are bound. The rows are those of the whole query
with LIMIT and OFFSET, in the same order; a deep page costs what the cities before it cost.

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
    "FIRST_CITIES",
    "City",
    "JurisdictionKeys",
    "Rows",
    "cities_needed",
    "evaluate",
    "jurisdiction_keys",
    "rows_by_city",
    "split",
    "with_places",
]

FIRST_CITIES = 8
"""Cities in the first evaluation. The next ones take as many cities as the rows found so far per
city say the page still needs (a fifth more), at most four times as many as the last one."""
GROWTH = 4
MOST_CITIES = 512
MARGIN = 1.2
KEYS_QUERY = (files("service") / "jurisdictions.rq").read_text(encoding="utf-8")

City = tuple[str, tuple[str, ...]]
"""A city name and the IRIs of the places so named (several districts share a name)."""


@dataclass(frozen=True)
class Rows:
    """Rows as SPARQL JSON bindings, with the variables of the query."""

    variables: list[str]
    bindings: list[dict[str, dict[str, str]]]


JurisdictionKeys = KeptValue[list[City]]
"""The cities a comparison is paged by, read again when the store has changed."""


def jurisdiction_keys(stamp: StoreStamp) -> JurisdictionKeys:
    return KeptValue(stamp, _read_cities)


async def _read_cities(runner: QueryRunner) -> list[City]:
    rows = await runner.rows(KEYS_QUERY)
    return [(city, tuple(row["place"] for row in named))
            for city, named in groupby(rows, key=lambda row: row["city"])]


def with_places(sparql: str, places: Sequence[str]) -> str:
    """The query with its marker binding `places` (IRIs read from the store, written as N-Triples)."""
    values = " ".join(str(ox.NamedNode(place)) for place in places)
    return sparql.replace(PLACES_MARKER, f"VALUES ?place {{ {values} }}")


async def rows_by_city(runner: QueryRunner, job: QueryJob, cities: Sequence[City], wanted: int) -> Rows:
    """The first `wanted` rows of `job` (a paged-by-jurisdiction query without LIMIT), a few cities
    at a time; fewer when the cities run out. Each evaluation costs about what its cities cost, so
    the page is filled in as few evaluations as the rows per city allow, and a large one is split
    among the query workers (`split`)."""
    variables: list[str] = []
    found: list[dict[str, dict[str, str]]] = []
    first, size = 0, FIRST_CITIES
    while True:
        chunk = cities[first: first + size]
        parts = split(chunk, runner.size)
        answers = await asyncio.gather(*(evaluate(runner, job, part, wanted - len(found)) for part in parts))
        variables = answers[0].variables
        found.extend(binding for answer in answers for binding in answer.bindings)
        first += len(chunk)
        if first >= len(cities) or len(found) >= wanted:
            return Rows(variables, found)
        size = cities_needed(wanted - len(found), len(found) / first, size)


async def evaluate(runner: QueryRunner, job: QueryJob, cities: Sequence[City],
                   most: int = INTERNAL_ROWS) -> Rows:
    """The rows of `job` for the places of `cities`: the first `most` of them, in the query's order."""
    places = [place for _, named in cities for place in named]
    text = f"{with_places(job.query, places).rstrip()}\nLIMIT {most}\n"
    result = await runner.run(QueryJob(query=text, fmt=JSON, result_limit=most,
                                       substitutions=job.substitutions, bounded=True))
    document = orjson.loads(result.body)
    return Rows(document["head"]["vars"], document["results"]["bindings"])


def split(cities: Sequence[City], parts: int) -> list[Sequence[City]]:
    """`cities` in up to `parts` consecutive runs of at least FIRST_CITIES cities, to be evaluated at
    once by as many query workers: their rows, concatenated in this order, are the rows of the whole
    run, since rows of different cities never mix."""
    count = max(1, min(parts, len(cities) // FIRST_CITIES))
    step = math.ceil(len(cities) / count) if cities else 1
    return [cities[start: start + step] for start in range(0, max(len(cities), 1), step)]


def cities_needed(missing: int, rows_per_city: float, size: int) -> int:
    """Cities for the next evaluation: enough for the rows still missing at the rate seen so far, but
    at most four times the last evaluation's `size`, since a rate read from a few cities can be far
    off (bench/README.md, "Analytics at scale")."""
    most = min(size * GROWTH, MOST_CITIES)
    if rows_per_city == 0:
        return most
    return max(FIRST_CITIES, min(most, math.ceil(missing / rows_per_city * MARGIN)))
