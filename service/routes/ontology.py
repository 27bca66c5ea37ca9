"""`/ontology`: the vocabulary and SKOS schemes of ontology/*.ttl, merged into one graph."""

from __future__ import annotations

import asyncio

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response

from ingest.schemes import ontology_files
from service.errors import ERROR_RESPONSE
from service.sparql.formats import GRAPH_FORMATS, negotiate, write_triples

router = APIRouter(tags=["vocabulary"])




def ontology_graph() -> tuple[list[ox.Triple], dict[str, str]]:
    """The triples of every ontology file and the union of their prefixes."""
    triples: list[ox.Triple] = []
    prefixes: dict[str, str] = {}
    for path in ontology_files():
        parser = ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE)
        triples += [ox.Triple(quad.subject, quad.predicate, quad.object) for quad in parser]
        prefixes.update(parser.prefixes)
    return triples, prefixes


@router.get("/ontology", responses={
    200: {"description": "The vocabulary (OWL) and the SKOS schemes, by Accept.", "content": {
        "text/turtle": {"example": "pkg:Policy a owl:Class ;\n  rdfs:subClassOf eli:LegalResource ."},
        "application/ld+json": {"example": [{"@id": "https://w3id.org/policykg/def#Policy"}]}}},
    406: ERROR_RESPONSE})
async def vocabulary(request: Request) -> Response:
    """The policykg vocabulary as Turtle (default), JSON-LD, N-Triples or RDF/XML."""
    fmt = negotiate(request.headers.get("accept"), GRAPH_FORMATS)
    triples, prefixes = await asyncio.to_thread(ontology_graph)
    body = await asyncio.to_thread(write_triples, triples, fmt, prefixes)
    return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})
