"""`/health`: is the store reachable, and how much does it hold."""

from __future__ import annotations

import json

from fastapi import APIRouter

from ingest.vocab import CATALOG_GRAPH, PKG
from service.deps import RunnerDep, SettingsDep
from service.errors import ERROR_RESPONSE
from service.sparql.formats import JSON
from service.sparql.runner import QueryJob

router = APIRouter(tags=["service"])

COUNTS = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "documents": f"SELECT (COUNT(?g) AS ?n) {{ GRAPH <{CATALOG_GRAPH}> {{ ?g a <{PKG.DocumentGraph}> }} }}",
}


@router.get("/health", responses={
    200: {"content": {"application/json": {"example": {
        "status": "ok", "store": {"location": ".policykg/store", "triples": 8211, "documents": 5}}}}},
    503: ERROR_RESPONSE})
async def health(runner: RunnerDep, settings: SettingsDep) -> dict[str, object]:
    """The store answers through the worker pool: its quads in named graphs, its catalogued documents."""
    counts = {}
    for name, query in COUNTS.items():
        result = await runner.run(QueryJob(query=query, fmt=JSON, result_limit=1))
        counts[name] = int(json.loads(result.body)["results"]["bindings"][0]["n"]["value"])
    return {"status": "ok", "store": {"location": settings.store_location, **counts}}
