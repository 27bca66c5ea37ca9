"""`/sparql`: the SPARQL 1.1 Protocol query endpoint (GET, POST form, POST direct), read-only."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, Response

from ingest.sparql import sparql_file
from service.deps import RunnerDep, SettingsDep
from service.errors import ERROR_RESPONSE, ContentTooLarge
from service.pages import wants_html
from service.routes.workbench import workbench
from service.sparql.description import PREFIXES, service_description
from service.sparql.formats import GRAPH_FORMATS, SOLUTION_FORMATS, negotiate, write_triples
from service.sparql.guard import inspect
from service.sparql.protocol import DIRECT_QUERY, FORM, MAX_BODY_BYTES, parse_request
from service.sparql.runner import QueryJob

router = APIRouter(tags=["SPARQL"])

EXAMPLE = sparql_file("service", "routes/sparql-example.rq").strip()
DATASET_PARAMETERS = [
    {"name": "default-graph-uri", "in": "query", "required": False, "schema": {"type": "array", "items":
     {"type": "string"}}, "description": "Graphs merged into the default graph (replaces the union of all)."},
    {"name": "named-graph-uri", "in": "query", "required": False, "schema": {"type": "array", "items":
     {"type": "string"}}, "description": "Graphs visible to GRAPH patterns."},
]
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "Results (SELECT/ASK: SPARQL JSON, XML, CSV, TSV; CONSTRUCT/DESCRIBE: Turtle, "
                         "N-Triples, JSON-LD, RDF/XML), chosen by Accept. `X-Result-Limit` gives the cap; "
                         "`X-Result-Truncated: true` says the result was cut at it.",
          "content": {"application/sparql-results+json": {"example": {
              "head": {"vars": ["policy"]},
              "results": {"bindings": [{"policy": {"type": "uri", "value": "https://w3id.org/policykg/id/…"}}]}}},
              "text/turtle": {"example": "<https://w3id.org/policykg/id/…> a pkg:Policy ."}}},
    400: ERROR_RESPONSE, 403: ERROR_RESPONSE, 406: ERROR_RESPONSE, 413: ERROR_RESPONSE, 415: ERROR_RESPONSE,
    503: ERROR_RESPONSE,
}
INLINE_GUARD = 4096
"""Queries up to this many characters are inspected on the event loop (a few ms at most);
longer ones in a thread, so that a large one never holds up other requests."""
TOO_LARGE = f"the request body is larger than the limit of {MAX_BODY_BYTES:,} bytes"


@router.get("/sparql", responses=RESPONSES, openapi_extra={"parameters": [
    {"name": "query", "in": "query", "required": False, "schema": {"type": "string"}, "example": EXAMPLE,
     "description": "The SPARQL query. Without any parameter, the answer is the service description."},
    *DATASET_PARAMETERS]})
async def sparql_get(request: Request, runner: RunnerDep, settings: SettingsDep) -> Response:
    """Run a SPARQL query sent as the `query` URL parameter, or describe the service when there is none
    (a browser asking for HTML gets the query editor instead)."""
    if not request.url.query and wants_html(request.headers.get("accept")):
        return workbench(request)
    return await answer(request, runner, settings)


@router.post("/sparql", responses=RESPONSES, openapi_extra={
    "parameters": DATASET_PARAMETERS,
    "requestBody": {"required": True, "content": {
        FORM: {"schema": {"type": "object", "properties": {
            "query": {"type": "string"}, "default-graph-uri": {"type": "array", "items": {"type": "string"}},
            "named-graph-uri": {"type": "array", "items": {"type": "string"}}}, "required": ["query"]},
            "example": {"query": EXAMPLE}},
        DIRECT_QUERY: {"schema": {"type": "string"}, "example": EXAMPLE}}}})
async def sparql_post(request: Request, runner: RunnerDep, settings: SettingsDep) -> Response:
    """Run a SPARQL query sent as a form field or as the whole `application/sparql-query` body."""
    return await answer(request, runner, settings)


async def answer(request: Request, runner: RunnerDep, settings: SettingsDep) -> Response:
    """Parse, check, negotiate, run: each step raises the ServiceError that answers the client."""
    accept = request.headers.get("accept")
    endpoint = str(request.url.replace(query=""))
    sparql_request = parse_request(request.method, request.url.query, request.headers.get("content-type"),
                                   await read_body(request))
    if sparql_request is None:
        fmt = negotiate(accept, GRAPH_FORMATS)
        body = write_triples(service_description(endpoint), fmt, PREFIXES)
        return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})
    if len(sparql_request.query) <= INLINE_GUARD:
        plan = inspect(sparql_request.query, endpoint)
    else:
        plan = await asyncio.to_thread(inspect, sparql_request.query, endpoint)
    fmt = negotiate(accept, GRAPH_FORMATS if plan.returns_graph else SOLUTION_FORMATS)
    result = await runner.run(QueryJob(
        query=sparql_request.query, fmt=fmt, result_limit=settings.result_limit, base_iri=endpoint,
        default_graphs=tuple(sparql_request.default_graphs), named_graphs=tuple(sparql_request.named_graphs),
        protocol_dataset=sparql_request.has_dataset, from_graphs=plan.from_graphs, prefixes=plan.prefixes))
    headers = {"Vary": "Accept", "X-Result-Limit": str(settings.result_limit)}
    if result.truncated:
        headers["X-Result-Truncated"] = "true"
    return Response(result.body, media_type=result.media_type, headers=headers)


async def read_body(request: Request) -> bytes:
    """The request body, refused (413) past MAX_BODY_BYTES without reading the rest."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ContentTooLarge(TOO_LARGE)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise ContentTooLarge(TOO_LARGE)
    return bytes(body)

