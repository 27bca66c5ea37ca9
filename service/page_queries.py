"""The SPARQL of the pages: `.rq` files beside the route modules (service/routes/NAME.rq), run
through the worker pool with values bound as RDF terms, never pasted into the text."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import orjson
import pyoxigraph as ox

from service.concepts import labelled
from service.curated import paged
from service.sparql.formats import JSON
from service.sparql.runner import QueryJob, QueryRunner

__all__ = ["Row", "select", "sparql"]

Row = dict[str, str]
MOST_ROWS = 5000
"""More rows than any page shows: a policy's spans, an organ's measures across cities."""


@cache
def sparql(name: str) -> str:
    """The text of service/routes/NAME.rq."""
    return (files("service") / "routes" / f"{name}.rq").read_text(encoding="utf-8")


async def select(runner: QueryRunner, name: str, *, limit: int = MOST_ROWS, offset: int | None = None,
                 **terms: ox.NamedNode | ox.Literal) -> list[Row]:
    """The rows of NAME.rq as plain values by variable (unbound variables absent), `terms` bound,
    concepts labelled from the vocabulary (concepts.labelled); with an `offset`, the page of `limit`
    rows from there."""
    text = sparql(name) if offset is None else paged(sparql(name), limit, offset)
    job = QueryJob(query=text, fmt=JSON, result_limit=limit, substitutions=tuple(terms.items()))
    result = await runner.run(job)
    return labelled([{variable: term["value"] for variable, term in binding.items()}
                     for binding in orjson.loads(result.body)["results"]["bindings"]])
