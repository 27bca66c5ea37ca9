"""The remote store: any SPARQL 1.1 endpoint (Oxigraph server, Fuseki, GraphDB, Virtuoso).

Queries go through SPARQLWrapper (SPARQL 1.1 Protocol, results as SPARQL JSON or Turtle);
writes are the very SPARQL Update requests the embedded store runs (ingest.store.updates), one
request per change, which the engine applies as one transaction, so a failed or interrupted
ingest leaves the previous graph in place. Nothing is kept in this object but the endpoint
addresses: several processes may share one store.

The endpoint must answer queries over the union of its named graphs as the default graph
(Oxigraph: `serve --union-default-graph`; Fuseki: `tdb2:unionDefaultGraph true`; Virtuoso
does so unless told otherwise), as the embedded store does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node
from rdflib.util import guess_format
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from ingest.store import DocumentEntry, QueryResult, Solutions
from ingest.store.updates import (
    RESERVED_GRAPHS,
    count_query,
    documents_query,
    load_update,
    remove_update,
    replace_update,
)
from ingest.store.values import bind_values
from ingest.vocab import PKG

__all__ = ["RemoteStore", "RemoteStoreError", "json_term"]

AGENT = "policykg (+https://w3id.org/policykg)"


class RemoteStoreError(OSError):
    """The endpoint refused or failed a request; an OSError, so ingest reports it as a store failure."""


class RemoteStore:
    """A SPARQL 1.1 query endpoint and its update endpoint (the same URL when not given)."""

    def __init__(self, endpoint: str, update_endpoint: str | None = None, timeout: float = 300) -> None:
        self.endpoint, self.update_endpoint = endpoint, update_endpoint or endpoint
        self.timeout = timeout

    def replace(self, graph_iri: URIRef, graph: Graph, source: str) -> DocumentEntry:
        policy = next((s for s in graph.subjects(RDF.type, PKG.Policy) if isinstance(s, URIRef)), None)
        ingested = datetime.now(UTC).replace(microsecond=0)
        self.update(replace_update(graph_iri, graph.serialize(format="nt"), source, policy, len(graph),
                                   ingested))
        return DocumentEntry(str(graph_iri), source, str(policy) if policy else None, len(graph), ingested)

    def remove(self, document: str) -> int:
        found = self._select(count_query(document))
        removed = int(str(found.rows[0]["n"])) if found.rows else 0
        if removed:
            self.update(remove_update(document))
        return removed

    def documents(self) -> list[DocumentEntry]:
        return [
            DocumentEntry(
                graph=str(row["graph"]), source=str(row["source"]),
                policy=str(row["policy"]) if "policy" in row else None,
                triples=int(str(row["triples"])),
                ingested=datetime.fromisoformat(str(row["ingested"])),
            )
            for row in self._select(documents_query()).rows
        ]

    def load(self, path: Path, graph_iri: URIRef) -> int:
        if graph_iri in RESERVED_GRAPHS:
            raise ValueError(f"{graph_iri} is kept by the store itself")
        graph = Graph().parse(path, format=guess_format(str(path)) or "turtle")
        self.update(load_update(graph_iri, graph.serialize(format="nt")))
        return len(graph)

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        client = self._client(self.endpoint)
        client.setQuery(bind_values(sparql, bindings))
        client.setReturnFormat(TURTLE if client.queryType in ("CONSTRUCT", "DESCRIBE") else JSON)
        body = self._send(client)
        if client.queryType in ("CONSTRUCT", "DESCRIBE"):
            return Graph().parse(data=body, format="turtle")
        answer = json.loads(body)
        if "boolean" in answer:
            return bool(answer["boolean"])
        names = tuple(answer["head"]["vars"])
        rows = tuple({name: json_term(value) for name, value in row.items()}
                     for row in answer["results"]["bindings"])
        return Solutions(names, rows)

    def update(self, request: str) -> None:
        """Send one SPARQL Update request (one transaction on the engine)."""
        client = self._client(self.update_endpoint)
        client.setQuery(request)
        client.setRequestMethod(POSTDIRECTLY)
        self._send(client)

    def close(self) -> None:
        """Nothing to release: every request is its own connection."""

    def _client(self, endpoint: str) -> SPARQLWrapper:
        client = SPARQLWrapper(endpoint, updateEndpoint=self.update_endpoint, agent=AGENT)
        client.setMethod(POST)
        client.setTimeout(int(self.timeout))
        return client

    def _send(self, client: SPARQLWrapper) -> bytes:
        try:
            response = client.query().response
            body: bytes = response.read()
        except SPARQLWrapperException as error:
            raise RemoteStoreError(f"{client.endpoint}: {error}") from error
        except OSError as error:
            raise RemoteStoreError(f"{client.endpoint}: {error}") from error
        return body

    def _select(self, sparql: str) -> Solutions:
        result = self.query(sparql)
        assert isinstance(result, Solutions)
        return result


def json_term(value: Mapping[str, Any]) -> Node:
    """One term of SPARQL 1.1 Query Results JSON as an rdflib term."""
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return Literal(value["value"], lang=value["xml:lang"])
        return Literal(value["value"], datatype=URIRef(value.get("datatype", str(_XSD_STRING))))
    raise TypeError(f"unsupported RDF term in results: {value!r}")


_XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
