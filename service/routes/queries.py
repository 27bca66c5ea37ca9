"""`/queries`: the curated query library, listed and run as JSON, CSV (UTF-8 with BOM) or an HTML table.

Each `.rq` file is its own OpenAPI operation (`GET /queries/<name>`) with typed parameters; the
allowed values a header takes "from the data" are queried once when the app starts and shown as
enums. Every answer carries the SPARQL it ran: a JSON field, an HTML block, or the
`X-SPARQL-Query` header (percent-encoded UTF-8) for CSV.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

import orjson
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi

from service.comparison_table import chart, column_labels, table
from service.curated import (
    CuratedQuery,
    ParameterError,
    as_oxigraph,
    choices_from,
    load_library,
    page_bounds,
    paged,
    shown,
)
from service.deps import RunnerDep, SettingsDep
from service.errors import ERROR_RESPONSE, BadRequest, ServiceError
from service.pages import HTML, render
from service.paging import JurisdictionKeys, Rows, rows_by_city
from service.sparql.formats import JSON, Format, negotiate
from service.sparql.runner import QueryJob, QueryRunner

router = APIRouter(tags=["curated queries"])

CSV = Format("csv", "text/csv")
JSON_OUT = Format("json", "application/json")
OUTPUTS = (JSON_OUT, CSV, HTML)
BOM = "\ufeff"
NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("integer", "decimal", "double", "float")}
_OPENAPI_TYPES: dict[str, dict[str, Any]] = {
    "iri": {"type": "string"}, "string": {"type": "string"}, "label": {"type": "string"},
    "integer": {"type": "integer"}, "decimal": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "year": {"type": "integer", "minimum": 1900, "maximum": 2100},
}


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
            summary=query.title, description=query.description, tags=["curated queries"],
            responses={200: {"content": {"text/csv": {}, "text/html": {}}}, 400: ERROR_RESPONSE,
                       503: ERROR_RESPONSE},
            openapi_extra={"parameters": _openapi_parameters(query)})
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
    substitutions = tuple((name, as_oxigraph(term)) for name, term in bindings.items())
    text = shown(paged(query.sparql, limit, offset), bindings)
    if query.paged_by_jurisdiction and "city" not in bindings:
        found = await rows_by_city(runner, QueryJob(query.sparql, JSON, offset + limit + 1,
                                                    substitutions=substitutions),
                                   await keys.current(runner), offset + limit + 1)
        rows = Rows(found.variables, found.bindings[offset:])
        text = f"# answered a few cities at a time (keyset paging, service/paging.py): the same rows\n{text}"
    else:
        result = await runner.run(QueryJob(query=paged(query.sparql, limit + 1, offset), fmt=JSON,
                                           result_limit=limit + 1, substitutions=substitutions,
                                           bounded=True))
        document = orjson.loads(result.body)
        rows = Rows(document["head"]["vars"], document["results"]["bindings"])
    return Page(query, rows.variables, rows.bindings[:limit], text,
                {name: term.n3() for name, term in bindings.items()}, limit, offset,
                len(rows.bindings) > limit)


def _respond(request: Request, page: Page, fmt: Format) -> Response:
    if fmt == CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(page.columns)
        writer.writerows([row.get(c, {}).get("value", "") for c in page.columns] for row in page.rows)
        return Response((BOM + buffer.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"X-SPARQL-Query": quote(page.sparql), "Vary": "Accept",
                                 "Content-Disposition": f'attachment; filename="{page.query.name}.csv"'})
    if fmt == HTML:
        return _comparison_page(request, page)
    document = {"query": page.query.name, "title": page.query.title, "sparql": page.sparql,
                "bindings": page.bindings, "limit": page.limit, "offset": page.offset, "more": page.more,
                "columns": page.columns,
                "rows": [{c: _plain(row[c]) for c in page.columns if c in row} for row in page.rows]}
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


def _plain(term: dict[str, str]) -> object:
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


def _by_name(name: str) -> Format:
    for fmt in OUTPUTS:
        if fmt.name == name:
            return fmt
    raise BadRequest(f"format must be one of {', '.join(f.name for f in OUTPUTS)}")


def _describe(app: FastAPI, query: CuratedQuery) -> dict[str, Any]:
    found = app.state.curated_choices
    return {"name": query.name, "title": query.title, "description": query.description,
            "path": f"/queries/{query.name}",
            "parameters": [{"name": p.name, "type": p.type, "doc": p.doc, "default": p.default,
                            "required": p.required, "namespace": p.namespace,
                            "values": [{"value": v, "label": label} for v, label in
                                       [(v, v) for v in p.choices] or found.get((query.name, p.name), [])],
                            "values_from_data": p.values_query is not None}
                           for p in query.parameters]}


def _openapi_parameters(query: CuratedQuery) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {"name": p.name, "in": "query", "required": p.required and p.default is None,
         "description": p.doc + (f" Namespace: {p.namespace}" if p.namespace else ""),
         "schema": {**_OPENAPI_TYPES[p.type], **({"default": p.default} if p.default else {}),
                    **({"enum": list(p.choices)} if p.choices else {})}}
        for p in query.parameters]
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
        for item in schema["paths"].get(f"/queries/{name}", {}).get("get", {}).get("parameters", []):
            if item["name"] == parameter and values:
                item["schema"]["enum"] = [value for value, _ in values]
    app.openapi_schema = schema
    return schema
