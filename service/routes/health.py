"""`/health`: is the store reachable, and how much does it hold."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request

from ingest.sparql import sparql_file
from service.deps import RunnerDep, SettingsDep
from service.errors import ERROR_RESPONSE
from service.sparql.formats import JSON
from service.sparql.runner import QueryJob, QueryRunner
from service.store_stamp import KeptValue, StoreStamp

router = APIRouter(tags=["service"])

TRIPLES, DOCUMENTS = (sparql_file("service", f"routes/health-{name}.rq") for name in ("triples", "documents"))


def triple_count(stamp: StoreStamp) -> KeptValue[int]:
    """The store's quads in named graphs, counted again only when the store has changed: the count
    reads every quad, which takes seconds on a large store, and monitors poll /health."""
    return KeptValue(stamp, lambda runner: _count(runner, TRIPLES))


@router.get("/health", responses={
    200: {"content": {"application/json": {"example": {
        "status": "ok", "store": {"location": ".policykg/store", "triples": 8211, "documents": 5}}}}},
    503: ERROR_RESPONSE})
async def health(request: Request, runner: RunnerDep, settings: SettingsDep) -> dict[str, object]:
    """The store answers through the worker pool: its catalogued documents (asked every time), its
    quads in named graphs (counted when the store has changed)."""
    documents = await _count(runner, DOCUMENTS)
    triples = await request.app.state.triple_count.value(runner)
    return {"status": "ok", "store": {"location": settings.store_location, "triples": triples,
                                      "documents": documents}}


async def _count(runner: QueryRunner, query: str) -> int:
    result = await runner.run(QueryJob(query=query, fmt=JSON, result_limit=1))
    return int(json.loads(result.body)["results"]["bindings"][0]["n"]["value"])
