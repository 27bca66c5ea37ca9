"""`/health`: is the store reachable, and how much does it hold."""

from __future__ import annotations

import json

from fastapi import APIRouter

from service.deps import RunnerDep, SettingsDep
from service.errors import ERROR_RESPONSE
from service.sparql.formats import JSON
from service.sparql.runner import QueryJob

router = APIRouter(tags=["service"])

COUNTS = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "documents": "SELECT (COUNT(DISTINCT ?g) AS ?n) "
                 "WHERE { GRAPH ?g { ?policy a <https://w3id.org/policykg/def#Policy> } }",
}


@router.get("/health", responses={
    200: {"content": {"application/json": {"example": {
        "status": "ok", "store": {"path": ".policykg/store", "triples": 8211, "documents": 5}}}}},
    503: ERROR_RESPONSE})
async def health(runner: RunnerDep, settings: SettingsDep) -> dict[str, object]:
    """The store answers a query through the worker pool: its triple count (named graphs) and policy count."""
    counts = {}
    for name, query in COUNTS.items():
        result = await runner.run(QueryJob(query=query, fmt=JSON, result_limit=1))
        counts[name] = int(json.loads(result.body)["results"]["bindings"][0]["n"]["value"])
    return {"status": "ok", "store": {"path": str(settings.store_path), **counts}}
