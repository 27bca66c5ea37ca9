"""Export: every row of a curated query, in the order of the whole query, a chunk at a time.

The interactive answer of `/queries/<name>` stops at the result limit; an export does not. A
comparison paged by jurisdiction (with no city bound) is evaluated for EXPORT_JURISDICTIONS
jurisdictions at a time, in the order of their names (`service/jurisdiction_paging.py`), and each
chunk's rows are sent as soon as they are found: the rows are those of the whole query in the same
order, since rows of different jurisdictions never mix, every evaluation keeps within the query
time limit, and the workers serve other requests between two chunks. Any other query is one
evaluation without a result cap.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson

from service.jurisdiction_paging import NamedJurisdiction, Rows, evaluate
from service.sparql.formats import JSON, csv_lines
from service.sparql.runner import INTERNAL_ROWS, QueryJob, QueryRunner

__all__ = ["BOM", "EXPORT_JURISDICTIONS", "Chunk", "chunks", "csv_lines", "csv_stream", "json_stream",
           "plain"]

BOM = "\ufeff"
NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("integer", "decimal", "double", "float")}
EXPORT_JURISDICTIONS = 64
"""Jurisdictions per evaluation of an export: large enough that the fixed cost of an evaluation
does not count, small enough that the first rows come at once and no chunk nears the time limit."""


@dataclass(frozen=True)
class Chunk:
    """The rows of one evaluation, and how far the export has come: jurisdictions done of all."""

    rows: Rows
    jurisdictions_done: int
    jurisdictions: int


async def chunks(runner: QueryRunner, job: QueryJob, jurisdictions: Sequence[NamedJurisdiction] | None,
                 size: int = EXPORT_JURISDICTIONS) -> AsyncIterator[Chunk]:
    """The rows of `job` (a query without LIMIT), `size` jurisdictions at a time when `jurisdictions`
    is given (a comparison paged by jurisdiction), else in one evaluation. As many chunks are
    evaluated at once as the runner has workers; they are yielded in order."""
    if jurisdictions is None:
        result = await runner.run(QueryJob(query=job.query, fmt=JSON, result_limit=INTERNAL_ROWS,
                                           substitutions=job.substitutions, bounded=True))
        document = orjson.loads(result.body)
        yield Chunk(Rows(document["head"]["vars"], document["results"]["bindings"]), 1, 1)
        return
    window: deque[tuple[asyncio.Task[Rows], int]] = deque()
    try:
        for first in range(0, max(len(jurisdictions), 1), size):
            part = jurisdictions[first: first + size]
            window.append((asyncio.create_task(evaluate(runner, job, part)), first + len(part)))
            if len(window) >= runner.size:  # as many chunks under way as there are workers
                task, done = window.popleft()
                yield Chunk(await task, done, len(jurisdictions))
        while window:
            task, done = window.popleft()
            yield Chunk(await task, done, len(jurisdictions))
    finally:
        for task, _ in window:
            task.cancel()


async def csv_stream(first: Chunk, rest: AsyncIterator[Chunk]) -> AsyncIterator[bytes]:
    """The chunks as CSV (UTF-8 with BOM, for Excel): the header, then each chunk's rows."""
    columns = first.rows.variables
    yield (BOM + csv_lines([columns])).encode("utf-8")
    async for chunk in _chained(first, rest):
        if chunk.rows.bindings:
            yield csv_lines([[row.get(c, {}).get("value", "") for c in columns]
                             for row in chunk.rows.bindings]).encode("utf-8")


async def json_stream(head: dict[str, Any], first: Chunk, rest: AsyncIterator[Chunk]) -> AsyncIterator[bytes]:
    """One JSON document written as the chunks come: `head`, the columns, then the rows, one a line."""
    columns = first.rows.variables
    yield orjson.dumps({**head, "columns": columns})[:-1] + b',"rows":[\n'
    separator = b""
    async for chunk in _chained(first, rest):
        for row in chunk.rows.bindings:
            yield separator + orjson.dumps({c: plain(row[c]) for c in columns if c in row})
            separator = b",\n"
    yield b"\n]}\n"


async def _chained(first: Chunk, rest: AsyncIterator[Chunk]) -> AsyncIterator[Chunk]:
    yield first
    async for chunk in rest:
        yield chunk


def plain(term: dict[str, str]) -> object:
    """A cell as JSON: numbers as numbers, everything else as its lexical form or IRI. A number JSON
    cannot carry as it is (INF, NaN, an integer past 64 bits) keeps its lexical form too."""
    if term.get("datatype") in NUMERIC:
        number = Decimal(term["value"])
        if not number.is_finite():
            return term["value"]
        if number != number.to_integral_value():
            return float(number)
        return int(number) if -(2**63) <= number < 2**64 else term["value"]
    return term["value"]
