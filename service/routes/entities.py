"""Entity pages: every IRI of the graph dereferences here, by content negotiation.

`https://w3id.org/policykg/id/<path>` is served at `/id/<path>` from the store; the vocabulary
(`…/def`, `…/def#Term`, `…/def/topic/Patent`…) at `/def/…` from ontology/*.ttl, with the
store's links to it (the measures of a topic). HTML shows labels, types, outgoing and
incoming links through the service, and for a measure its quoted source with the citation;
Turtle, JSON-LD, N-Triples and RDF/XML give the entity's own triples (its concise bounded
description: the graph has no blank nodes).
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response

from ingest.sparql import sparql_file
from ingest.vocab import BASE, INDICATOR, PREFIXES, TOPIC
from service.curated import paged
from service.deps import RunnerDep
from service.errors import ERROR_RESPONSE, BadRequest, ServiceError
from service.pages import HTML, href, local_name, render
from service.routes.entity_views import SOURCE_TEXT, entity_view, source_text
from service.routes.ontology import ontology_graph
from service.routes.place_pages import indicator_page, topic_page
from service.sparql.formats import GRAPH_FORMATS, JSON, Format, negotiate, write_triples
from service.sparql.runner import QueryJob, QueryRunner

router = APIRouter(tags=["entities"])

FORMATS = (HTML, *GRAPH_FORMATS)
INCOMING_LIMIT = 200
"""Incoming links shown on a page: a topic may be the subject of thousands of measures."""
LABELS = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
          "http://data.europa.eu/eli/ontology#title", "http://purl.org/dc/terms/title")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_DEFINITION = "http://www.w3.org/2004/02/skos/core#definition"
SKOS_SCOPE_NOTE = "http://www.w3.org/2004/02/skos/core#scopeNote"
TRIPLES, KNOWN, OUTGOING, CITATION = (sparql_file("service", f"routes/entity-{name}.rq")
                                      for name in ("triples", "known", "outgoing", "citation"))
INCOMING = paged(sparql_file("service", "routes/entity-incoming.rq"), INCOMING_LIMIT, 0)


class NotFound(ServiceError):
    status = 404


@dataclass
class Value:
    """One end of a link or a literal, ready for the page."""

    value: str
    is_iri: bool
    label: str = ""
    note: str = ""

    @property
    def href(self) -> str:
        return href(self.value)


@dataclass
class Page:
    iri: str
    label: str = ""
    types: list[Value] = field(default_factory=list)
    outgoing: list[tuple[Value, list[Value]]] = field(default_factory=list)
    incoming: list[tuple[Value, list[Value]]] = field(default_factory=list)
    citation: dict[str, str] = field(default_factory=dict)


RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The entity as an HTML page, or its triples (Turtle, JSON-LD, N-Triples, RDF/XML).",
          "content": {"text/html": {"schema": {"type": "string"}},
                      "text/turtle": {"example": "<https://w3id.org/policykg/id/…/measure/2-2-14>"
                                                 ' a pkg:Measure ;\n  pkg:path "二/（二）/14" .'},
                      "application/ld+json": {"example": [{"@id": "https://w3id.org/policykg/id/…"}]},
                      "application/n-triples": {"schema": {"type": "string"}},
                      "application/rdf+xml": {"schema": {"type": "string"}}}},
    404: ERROR_RESPONSE, 406: ERROR_RESPONSE, 503: ERROR_RESPONSE}


@router.get("/id/{path:path}", responses=RESPONSES)
async def data_entity(path: str, request: Request, runner: RunnerDep) -> Response:
    """A resource of the graph (policy, measure, organ, jurisdiction, target…), as `/id/<path>` names it."""
    wanted = request.query_params.get("format")
    fmt = _by_name(wanted) if wanted else negotiate(request.headers.get("accept"), FORMATS)
    entity = _iri(BASE + "id/" + path)
    if fmt == HTML:
        view = await entity_view(runner, entity, request.query_params)
        if view is not None:
            return view
    if not await _ask(runner, KNOWN, entity):
        raise NotFound(f"no resource {entity.value} in the store")
    if fmt == SOURCE_TEXT:
        return await source_text(runner, entity)
    if fmt != HTML:
        result = await runner.run(QueryJob(query=TRIPLES, fmt=fmt, result_limit=1_000_000,
                                           prefixes=PREFIXES, substitutions=(("entity", entity),)))
        headers = {"Vary": "Accept"}
        if wanted:
            headers["Content-Disposition"] = f'attachment; filename="{_file_name(path)}.{fmt.name}"'
        return Response(result.body, media_type=fmt.media_type, headers=headers)
    page = Page(entity.value)
    _fill(page, await _select(runner, OUTGOING, entity), await _select(runner, INCOMING, entity))
    citations = await _select(runner, CITATION, entity)
    page.citation = {name: term["value"] for name, term in citations[0].items()} if citations else {}
    return _html(page)


@router.get("/def", responses=RESPONSES)
async def vocabulary_document(request: Request, runner: RunnerDep) -> Response:
    """The vocabulary: the ontology and every `pkg:` term (`…/def#Term`) on one page."""
    return await _vocabulary(BASE + "def", request, runner)


@router.get("/def/{path:path}", responses=RESPONSES)
async def vocabulary_entity(path: str, request: Request, runner: RunnerDep) -> Response:
    """A concept of a SKOS scheme (topic, indicator, organ type…), with the store's links to it."""
    return await _vocabulary(BASE + "def/" + path, request, runner)


async def _vocabulary(iri: str, request: Request, runner: QueryRunner) -> Response:
    wanted = request.query_params.get("format")
    fmt = _by_name(wanted) if wanted else negotiate(request.headers.get("accept"), FORMATS)
    if fmt == SOURCE_TEXT:
        raise BadRequest("format=text is for policies")
    entity = _iri(iri)
    store = await asyncio.to_thread(vocabulary_store)
    own = [t for t in store.quads_for_pattern(None, None, None) if _belongs(t.subject, entity)]
    if not own:
        raise NotFound(f"no term {entity.value} in the vocabulary")
    if fmt != HTML:
        body = write_triples([ox.Triple(q.subject, q.predicate, q.object) for q in own], fmt, PREFIXES)
        return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})
    concept_of = (str(INDICATOR), str(TOPIC))
    if entity.value.startswith(concept_of) and entity.value not in concept_of:
        label, definition = _label(store, entity), _definition(store, entity)
        if entity.value.startswith(str(INDICATOR)):
            return await indicator_page(request, runner, entity, label, definition)
        return await topic_page(request, runner, entity, label, definition)
    page = Page(entity.value)
    outgoing = [_row(store, {"p": q.predicate, "o": q.object}) for q in own if q.subject == entity]
    incoming = [_row(store, {"s": q.subject, "p": q.predicate})
                for q in store.quads_for_pattern(None, None, entity)]
    _fill(page, outgoing, incoming + await _select(runner, INCOMING, entity))
    terms = sorted({q.subject.value for q in own
                    if isinstance(q.subject, ox.NamedNode) and q.subject != entity})
    if terms:
        defines = Value("http://www.w3.org/2000/01/rdf-schema#isDefinedBy", True, "定义的术语")
        page.outgoing.append((defines, [Value(t, True, _label(store, ox.NamedNode(t))) for t in terms]))
    return _html(page)


def _belongs(subject: object, entity: ox.NamedNode) -> bool:
    """The entity's own triples; for the ontology document, those of its hash terms too."""
    if not isinstance(subject, ox.NamedNode):
        return False
    return subject == entity or (entity.value == BASE + "def" and subject.value.startswith(BASE + "def#"))


@cache
def vocabulary_store() -> ox.Store:
    """ontology/*.ttl in an in-memory store, loaded once: the vocabulary does not change while serving."""
    store = ox.Store()
    triples, _ = ontology_graph()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def _label(store: ox.Store, node: ox.NamedNode) -> str:
    """A Chinese label of a vocabulary term when there is one, else any label."""
    found = [q.object for p in LABELS for q in store.quads_for_pattern(node, ox.NamedNode(p), None)
             if isinstance(q.object, ox.Literal)]
    return min(((_language_rank(label.language), label.value) for label in found), default=(0, ""))[1]


def _definition(store: ox.Store, node: ox.NamedNode) -> str:
    """The Chinese skos:definition (or scope note) of a concept, when the vocabulary gives one."""
    found = [q.object for p in (SKOS_DEFINITION, SKOS_SCOPE_NOTE)
             for q in store.quads_for_pattern(node, ox.NamedNode(p), None)
             if isinstance(q.object, ox.Literal)]
    return min(((_language_rank(text.language), text.value) for text in found), default=(0, ""))[1]


def _language_rank(language: str | None) -> int:
    """Simplified Chinese first, then plain Chinese, other Chinese, untagged, other languages."""
    tag = (language or "").lower()
    return 0 if tag == "zh-hans" else 1 if tag == "zh" else 2 if tag.startswith("zh") else 3 if not tag else 4


def _row(store: ox.Store, terms: dict[str, object]) -> dict[str, dict[str, str]]:
    """A vocabulary triple as a SPARQL JSON row, so that both sources fill a page alike."""
    row = {}
    for name, term in terms.items():
        if isinstance(term, ox.NamedNode):
            row[name] = {"type": "uri", "value": term.value}
            if name in ("o", "s") and (label := _label(store, term)):
                row["label"] = {"type": "literal", "value": label}
        elif isinstance(term, ox.Literal):
            row[name] = {"type": "literal", "value": term.value, **({"xml:lang": term.language}
                                                                       if term.language else {})}
    return row


def _fill(page: Page, outgoing: list[dict[str, Any]], incoming: list[dict[str, Any]]) -> None:
    """Group links by property; labels of properties and concepts come from the vocabulary."""
    store = vocabulary_store()
    by_property: dict[str, list[Value]] = defaultdict(list)
    labels: list[tuple[int, str]] = []
    for row in outgoing:
        value = _value(row["o"], row.get("label"), store)
        if row["p"]["value"] == RDF_TYPE:
            page.types.append(value)
        elif value not in by_property[row["p"]["value"]]:
            by_property[row["p"]["value"]].append(value)
        if row["p"]["value"] in LABELS and not value.is_iri:
            labels.append((_language_rank(value.note), value.value))
    page.label = min(labels)[1] if labels else ""
    page.outgoing = [(_property(p, store), values)
                     for p, values in sorted(by_property.items())]
    into: dict[str, list[Value]] = defaultdict(list)
    for row in incoming:
        value = _value(row["s"], row.get("label"), store)
        if value not in into[row["p"]["value"]]:
            into[row["p"]["value"]].append(value)
    page.incoming = [(_property(p, store), values)
                     for p, values in sorted(into.items())]


@cache
def property_labels() -> dict[str, str]:
    """routes/property-labels.tsv: the Chinese names of other vocabularies' properties."""
    text = (files("service") / "routes" / "property-labels.tsv").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {row[0]: row[1] for row in rows if len(row) == 2}


def _property(iri: str, store: ox.Store) -> Value:
    """A property, named by the vocabulary's Chinese label, else by property-labels.tsv."""
    value = _value({"type": "uri", "value": iri}, None, store)
    if not value.label or value.label == local_name(iri):
        value.label = property_labels().get(iri, value.label)
    return value


def _value(term: dict[str, str], label: dict[str, str] | None, store: ox.Store) -> Value:
    if term["type"] == "uri":
        text = label["value"] if label else _label(store, ox.NamedNode(term["value"]))
        return Value(term["value"], True, text)
    note = term.get("xml:lang") or term.get("datatype", "").rsplit("#", 1)[-1]
    return Value(term["value"], False, note=note)


def _html(page: Page) -> Response:
    body = render("entity.html", page=page, short=_short)
    return Response(body, media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})


def _by_name(name: str) -> Format:
    """`?format=` (download links): html, text (a policy's source text), or a graph format's name."""
    for fmt in (*FORMATS, SOURCE_TEXT):
        if fmt.name == name:
            return fmt
    raise BadRequest(f"format must be one of {', '.join(f.name for f in (*FORMATS, SOURCE_TEXT))}")


def _file_name(path: str) -> str:
    return path.strip("/").replace("/", "-") or "entity"


def _short(iri: str) -> str:
    """prefix:name for IRIs of known namespaces, for compact property names."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _iri(text: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(text)
    except ValueError as error:
        raise NotFound(f"not an IRI of this graph: {text}") from error


async def _ask(runner: QueryRunner, query: str, entity: ox.NamedNode) -> bool:
    job = QueryJob(query=query, fmt=JSON, result_limit=1, substitutions=(("entity", entity),))
    result = await runner.run(job)
    return bool(json.loads(result.body)["boolean"])


async def _select(runner: QueryRunner, query: str, entity: ox.NamedNode) -> list[dict[str, Any]]:
    """SPARQL JSON bindings of a query about `entity`, bound as an RDF term, never pasted."""
    result = await runner.run(QueryJob(query=query, fmt=JSON, result_limit=INCOMING_LIMIT * 10,
                                       substitutions=(("entity", entity),)))
    rows: list[dict[str, Any]] = json.loads(result.body)["results"]["bindings"]
    return rows
