"""`/queries`: the curated query library, listed and run as JSON, CSV (UTF-8 with BOM) or an HTML table.

Each `.rq` file is its own OpenAPI operation (`GET /queries/<name>`) with typed parameters; the
allowed values a header takes "from the data" are queried once when the app starts and shown as
enums. Every answer carries the SPARQL it ran: a JSON field, an HTML block, or the
`X-SPARQL-Query` header (percent-encoded UTF-8) for CSV. `GET /queries/<name>/export` streams
every row, past the result limit (`service/export.py`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import orjson
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi
from fastapi.responses import StreamingResponse
from rdflib import Literal, URIRef

from ingest.store import to_oxigraph
from service.comparison_table import chart, column_labels, table
from service.curated import (
    CuratedQuery,
    ParameterError,
    choices_from,
    load_library,
    page_bounds,
    paged,
    shown,
)
from service.deps import RunnerDep, SettingsDep
from service.errors import ERROR_RESPONSE, BadRequest, ServiceError
from service.export import BOM, chunks, csv_lines, csv_stream, json_stream, plain
from service.jurisdiction_paging import JurisdictionKeys, Rows, rows_by_jurisdiction
from service.pages import HTML, render
from service.sparql.formats import JSON, Format, negotiate
from service.sparql.runner import QueryJob, QueryRunner

router = APIRouter(tags=["curated queries"])

CSV = Format("csv", "text/csv")
JSON_OUT = Format("json", "application/json")
OUTPUTS = (JSON_OUT, CSV, HTML)
_OPENAPI_TYPES: dict[str, dict[str, Any]] = {
    "iri": {"type": "string"}, "string": {"type": "string"}, "label": {"type": "string"},
    "integer": {"type": "integer"}, "decimal": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "year": {"type": "integer", "minimum": 1900, "maximum": 2100},
}


EXPORT_DESCRIPTION = """\
导出这一查询的全部结果行（不受每页结果上限约束），CSV（UTF-8 带 BOM，Excel 可直接打开）或 JSON。
Every row of the query, past the result limit of the interactive answer, as CSV (UTF-8 with BOM,
for Excel) or JSON, with the same parameters, columns and row order as `/queries/<name>`
(no `limit` or `offset`).

The answer is streamed: a comparison across cities is evaluated a chunk of jurisdictions at a
time, in the order of their names, and each chunk's rows are sent as soon as they are found, so the
download starts at once and grows while it runs. Progress: the header `X-Export-Cities` gives the
number of jurisdictions the export goes through (1 for a query answered in one evaluation); the
JSON document starts with `cities`, those jurisdictions in that order, before its `rows`, so a page
reading the stream can show how far it has come from the city of the last row read
(`cities.indexOf(row.city) + 1` of `cities.length`). `X-SPARQL-Query` carries the query that ran
(percent-encoded UTF-8). An error before the first rows answers with its status and the usual
error body; one after them ends the stream early, which a client sees as an incomplete transfer,
never as a complete file.
"""


@dataclass(frozen=True)
class Page:
    """One page of a curated query's answer, with what it ran."""

    query: CuratedQuery
    columns: list[str]
    rows: list[dict[str, dict[str, str]]]
    """SPARQL JSON terms by column; unbound columns are absent."""
    sparql: str
    bindings: dict[str, str]
    limit: int
    offset: int
    more: bool


def install(app: FastAPI) -> None:
    """Load the library (a bad header stops start-up here), add one operation per query."""
    library = load_library()
    app.state.curated = library
    app.state.curated_choices = {}
    for query in library.values():
        app.add_api_route(
            f"/queries/{query.name}", _endpoint(query), methods=["GET"], name=f"query_{query.name}",
            summary=query.title, description=_described(query), tags=["curated queries"],
            responses={200: {"content": {"text/csv": {}, "text/html": {}}}, 400: ERROR_RESPONSE,
                       503: ERROR_RESPONSE},
            openapi_extra={"parameters": _openapi_parameters(query)})
        app.add_api_route(
            f"/queries/{query.name}/export", _exporter(query), methods=["GET"], name=f"export_{query.name}",
            summary=f"{query.title} · 全部导出 (export every row)", description=EXPORT_DESCRIPTION,
            tags=["curated queries"], response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}, "application/json": {}}}, 400: ERROR_RESPONSE,
                       503: ERROR_RESPONSE},
            openapi_extra={"parameters": _openapi_parameters(query, export=True)})
    app.include_router(router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]


async def load_choices(app: FastAPI, runner: QueryRunner) -> None:
    """Run every `values from` query once, at start-up, for the enums and the HTML forms."""
    choices: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for query in app.state.curated.values():
        for parameter in query.parameters:
            if parameter.values_query:
                try:
                    result = await runner.run(QueryJob(parameter.values_query, JSON, result_limit=500))
                except ServiceError:
                    continue  # a store not there yet: no enum, the parameter still takes any value
                rows = [{k: v["value"] for k, v in b.items()}
                        for b in json.loads(result.body)["results"]["bindings"]]
                choices[query.name, parameter.name] = choices_from(rows, parameter)
    app.state.curated_choices = choices
    app.openapi_schema = None


@router.get("/queries", responses={200: {"content": {"text/html": {}}}})
async def list_queries(request: Request) -> Response:
    """The curated queries: name, title, description and parameters (JSON, or HTML by Accept)."""
    listing = [_describe(request.app, q) for q in request.app.state.curated.values()]
    wanted = request.query_params.get("format")
    fmt = _by_name(wanted) if wanted else negotiate(request.headers.get("accept"), (JSON_OUT, HTML))
    if fmt == HTML:
        body = render("queries.html", queries=listing, active="/queries")
        return Response(body, media_type="text/html")
    return Response(json.dumps({"queries": listing}, ensure_ascii=False), media_type="application/json")


Endpoint = Callable[[Request, RunnerDep, SettingsDep], Coroutine[Any, Any, Response]]


def _endpoint(query: CuratedQuery) -> Endpoint:
    async def run_query(request: Request, runner: RunnerDep, settings: SettingsDep) -> Response:
        raw = dict(request.query_params)
        wanted = raw.get("format")
        fmt = _by_name(wanted) if wanted else negotiate(request.headers.get("accept"), OUTPUTS)
        page = await run(runner, query, raw, settings.result_limit, request.app.state.jurisdictions)
        return _respond(request, page, fmt)

    run_query.__doc__ = query.description
    return run_query


async def run(runner: QueryRunner, query: CuratedQuery, raw: dict[str, str], most: int,
              keys: JurisdictionKeys) -> Page:
    """Bind, page and run one curated query through the worker pool; one row more says `more`.
    A comparison paged by jurisdiction, with no city bound, runs a few cities at a time (`keys`)."""
    try:
        limit, offset = page_bounds(raw, most)
        bindings = query.bind(raw)
    except ParameterError as error:
        raise BadRequest(str(error)) from error
    substitutions = tuple((name, to_oxigraph(term)) for name, term in bindings.items())
    text = shown(paged(query.sparql, limit, offset), bindings)
    if query.paged_by_jurisdiction and "city" not in bindings:
        found = await rows_by_jurisdiction(runner, QueryJob(query.sparql, JSON, offset + limit + 1,
                                                            substitutions=substitutions),
                                           await keys.value(runner), offset + limit + 1)
        rows = Rows(found.variables, found.bindings[offset:])
        text = ("# answered a few cities at a time (keyset paging, service/jurisdiction_paging.py): "
                f"the same rows\n{text}")
    else:
        result = await runner.run(QueryJob(query=paged(query.sparql, limit + 1, offset), fmt=JSON,
                                           result_limit=limit + 1, substitutions=substitutions,
                                           bounded=True))
        document = orjson.loads(result.body)
        rows = Rows(document["head"]["vars"], document["results"]["bindings"])
    return Page(query, rows.variables, rows.bindings[:limit], text,
                {name: term.n3() for name, term in bindings.items()}, limit, offset,
                len(rows.bindings) > limit)


def _exporter(query: CuratedQuery) -> Endpoint:
    async def export(request: Request, runner: RunnerDep, settings: SettingsDep) -> Response:
        raw = dict(request.query_params)
        wanted = raw.pop("format", None)
        fmt = _by_name(wanted) if wanted else negotiate(request.headers.get("accept"), (CSV, JSON_OUT))
        if fmt not in (CSV, JSON_OUT):
            raise BadRequest("an export is CSV or JSON")
        try:
            bindings = query.bind(raw)
        except ParameterError as error:
            raise BadRequest(str(error)) from error
        substitutions = tuple((name, to_oxigraph(term)) for name, term in bindings.items())
        job = QueryJob(query.sparql, JSON, settings.result_limit, substitutions=substitutions)
        by_jurisdiction = query.paged_by_jurisdiction and "city" not in bindings
        jurisdictions = await request.app.state.jurisdictions.value(runner) if by_jurisdiction else None
        stream = chunks(runner, job, jurisdictions)
        first = await anext(stream)  # a query that fails at once answers with its error, not a broken file
        headers = {"X-SPARQL-Query": quote(shown(query.sparql, bindings)),
                   "X-Export-Cities": str(first.jurisdictions),
                   "Content-Disposition": f'attachment; filename="{query.name}.{fmt.name}"'}
        names = [name for name, _ in jurisdictions] if jurisdictions is not None else []
        body = (csv_stream(first, stream) if fmt == CSV else
                json_stream(_export_head(query, bindings, names), first, stream))
        return StreamingResponse(body, media_type=fmt.media_type + ("; charset=utf-8" if fmt == CSV else ""),
                                 headers=headers)

    export.__doc__ = EXPORT_DESCRIPTION
    return export


def _export_head(query: CuratedQuery, bindings: dict[str, URIRef | Literal],
                 jurisdictions: list[str]) -> dict[str, Any]:
    return {"query": query.name, "title": query.title, "sparql": shown(query.sparql, bindings),
            "bindings": {name: term.n3() for name, term in bindings.items()}, "cities": jurisdictions}


def _respond(request: Request, page: Page, fmt: Format) -> Response:
    if fmt == CSV:
        lines = csv_lines([page.columns, *([row.get(c, {}).get("value", "") for c in page.columns]
                                            for row in page.rows)])
        return Response((BOM + lines).encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"X-SPARQL-Query": quote(page.sparql), "Vary": "Accept",
                                 "Content-Disposition": f'attachment; filename="{page.query.name}.csv"'})
    if fmt == HTML:
        return _comparison_page(request, page)
    document = {"query": page.query.name, "title": page.query.title, "sparql": page.sparql,
                "bindings": page.bindings, "limit": page.limit, "offset": page.offset, "more": page.more,
                "columns": page.columns,
                "rows": [{c: plain(row[c]) for c in page.columns if c in row} for row in page.rows]}
    return Response(orjson.dumps(document), media_type="application/json", headers={"Vary": "Accept"})


def _comparison_page(request: Request, page: Page) -> Response:
    """The answer as a page: the form with values from the data, a chart where numeric, the table,
    downloads, and the query that gives the same rows in the SPARQL editor."""
    params = dict(request.query_params)
    params.pop("format", None)
    described = _describe(request.app, page.query)
    chosen = {p["name"]: params.get(p["name"], p["default"] or "") for p in described["parameters"]}

    def link(**changes: object) -> str:
        return f"{page.query.name}?{urlencode({**params, **{k: str(v) for k, v in changes.items()}})}"

    shown = table(page.columns, page.rows)
    links = {"csv": link(format="csv"), "json": link(format="json"),
             "editor": "/sparql#" + urlencode({"query": page.sparql}),
             "previous": link(offset=max(page.offset - page.limit, 0)),
             "next": link(offset=page.offset + page.limit)}
    body = render("comparison.html", active="/queries", page=page, query=described, chosen=chosen,
                  labels=column_labels(), shown=shown, chart=chart(shown), links=links)
    return Response(body, media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})


def _by_name(name: str) -> Format:
    for fmt in OUTPUTS:
        if fmt.name == name:
            return fmt
    raise BadRequest(f"format must be one of {', '.join(f.name for f in OUTPUTS)}")


def _describe(app: FastAPI, query: CuratedQuery) -> dict[str, Any]:
    found = app.state.curated_choices
    return {"name": query.name, "title": query.title, "description": query.description,
            "description_zh": query.description_zh, "path": f"/queries/{query.name}",
            "parameters": [{"name": p.name, "type": p.type, "doc": p.doc, "default": p.default,
                            "required": p.required, "namespace": p.namespace,
                            "values": [{"value": v, "label": label} for v, label in
                                       [(v, v) for v in p.choices] or found.get((query.name, p.name), [])],
                            "values_from_data": p.values_query is not None}
                           for p in query.parameters]}


def _described(query: CuratedQuery) -> str:
    """The operation's text in the API docs: the Chinese description, then the English one."""
    return f"{query.description_zh}\n\n{query.description}" if query.description_zh else query.description


def _openapi_parameters(query: CuratedQuery, export: bool = False) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {"name": p.name, "in": "query", "required": p.required and p.default is None,
         "description": p.doc + (f" Namespace: {p.namespace}" if p.namespace else ""),
         "schema": {**_OPENAPI_TYPES[p.type], **({"default": p.default} if p.default else {}),
                    **({"enum": list(p.choices)} if p.choices else {})}}
        for p in query.parameters]
    if export:
        return [*parameters, {"name": "format", "in": "query", "description": "Overrides Accept.",
                              "schema": {"type": "string", "enum": [CSV.name, JSON_OUT.name]}}]
    return [*parameters,
            {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 100, "minimum": 1}},
            {"name": "offset", "in": "query", "schema": {"type": "integer", "default": 0, "minimum": 0}},
            {"name": "format", "in": "query", "description": "Overrides Accept.",
             "schema": {"type": "string", "enum": [f.name for f in OUTPUTS]}}]


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated schema, with the enums that the data gave at start-up."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    for (name, parameter), values in app.state.curated_choices.items():
        for path in (f"/queries/{name}", f"/queries/{name}/export"):
            for item in schema["paths"].get(path, {}).get("get", {}).get("parameters", []):
                if item["name"] == parameter and values:
                    item["schema"]["enum"] = [value for value, _ in values]
    app.openapi_schema = schema
    return schema
