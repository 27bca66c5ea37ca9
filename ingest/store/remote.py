"""The remote store: any SPARQL 1.1 endpoint (Oxigraph server, Fuseki, GraphDB, Virtuoso).

Queries go through SPARQLWrapper (SPARQL 1.1 Protocol, results as SPARQL JSON or Turtle);
writes are the very SPARQL Update requests the embedded store runs (ingest.store.updates), one
request per change, which the engine applies as one transaction, so a failed or interrupted
ingest leaves the previous graph in place. Nothing is kept in this object but the endpoint
addresses: several processes may share one store, each write holding the store's write lease
(lease.py) so that two copies of one policy ingested at once both stay.

The endpoint must answer queries over the union of its named graphs as the default graph
(Oxigraph: `serve --union-default-graph`; Fuseki: `tdb2:unionDefaultGraph true`; Virtuoso
does so unless told otherwise), as the embedded store does.

Text goes as UTF-8, as the protocol says: queries as percent-encoded UTF-8 form data, updates as an
application/sparql-update body (UTF-8 by definition). Non-ASCII is written as itself, not as
SPARQL's \\uXXXX escapes: Virtuoso 7.2 takes those in strings only and refuses them in IRIs and
prefixed names. Its faults with non-ASCII are in its evaluation, not in transport (store.values).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.error import HTTPError

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import POST, POSTDIRECTLY, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from ingest.store.base import SparqlStore
from ingest.store.interface import Answer, DocumentEntry, DocumentWrite, Removal, Solutions, StoreUnreachable
from ingest.store.lease import write_lease
from ingest.store.values import bind_values, query_form

__all__ = ["EndpointUnreachable", "QueryRejected", "RemoteStore", "RemoteStoreError", "json_term",
           "send_query"]

AGENT = "policykg (+https://w3id.org/policykg)"
RESULTS_JSON = "application/sparql-results+json"
GRAPH_TYPES = "application/n-triples, text/turtle;q=0.8"
"""Solutions and booleans as SPARQL JSON, graphs as N-Triples (or Turtle): every engine has them."""


class RemoteStoreError(OSError):
    """The endpoint refused or failed a request; an OSError, so ingest reports it as a store failure."""


class EndpointUnreachable(RemoteStoreError, StoreUnreachable):
    """No answer from the endpoint at all: refused or lost connection, time-out."""


class QueryRejected(RemoteStoreError):
    """The endpoint answered 400: the request itself is wrong (syntax, unknown function)."""


class RemoteStore(SparqlStore):
    """A SPARQL 1.1 query endpoint and its update endpoint (the same URL when not given)."""

    def __init__(self, endpoint: str, update_endpoint: str | None = None, timeout: float = 300) -> None:
        self.endpoint, self.update_endpoint = endpoint, update_endpoint or endpoint
        self.timeout = timeout

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> Answer:
        media_type, body = send_query(self.endpoint, bind_values(sparql, bindings), timeout=self.timeout)
        if media_type != RESULTS_JSON:
            syntax = "nt" if media_type == "application/n-triples" else "turtle"
            return Graph().parse(data=body, format=syntax)
        answer = json.loads(body)
        if "boolean" in answer:
            return bool(answer["boolean"])
        names = tuple(answer["head"]["vars"])
        rows = tuple({name: json_term(value) for name, value in row.items()}
                     for row in answer["results"]["bindings"])
        return Solutions(names, rows)

    def replace_many(self, writes: Sequence[DocumentWrite]) -> list[DocumentEntry]:
        """As every store does, holding the store's write lease: other clients may write at once."""
        with write_lease(self):
            return super().replace_many(writes)

    def remove(self, document: str) -> Removal:
        """As every store does, holding the store's write lease (lease.py)."""
        with write_lease(self):
            return super().remove(document)

    def update(self, request: str) -> None:
        """Send one SPARQL Update request (one transaction on the engine)."""
        client = _client(self.update_endpoint, self.timeout)
        client.setQuery(request)
        client.setRequestMethod(POSTDIRECTLY)
        _send(client)

    def close(self) -> None:
        """Nothing to release: every request is its own connection."""



def send_query(endpoint: str, sparql: str, *, default_graphs: Sequence[str] = (),
               named_graphs: Sequence[str] = (), timeout: float = 300) -> tuple[str, bytes]:
    """POST a query by the SPARQL 1.1 Protocol; the media type (without parameters) and body of the answer.

    The Accept header names only the media types of the query's form: an engine may serialise any
    answer in any type it is offered (Virtuoso sends a CONSTRUCT as a SPARQL JSON table when JSON
    comes first), so offering both kinds would leave the form to guess from the answer.
    """
    form = query_form(sparql)
    client = _client(endpoint, timeout)
    client.setQuery(sparql)
    # SPARQLWrapper's own guess of the form skips every other line of a run of comments, so a word
    # of a comment (copy, add, load) made a query an update request, refused by the endpoint
    client.queryType = form
    client.addCustomHttpHeader("Accept", GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULTS_JSON)
    for graph in default_graphs:
        client.addDefaultGraph(graph)
    for graph in named_graphs:
        client.addNamedGraph(graph)
    response, body = _send(client)
    media_type = response.split(";")[0].strip().lower()
    if form == "ASK" and media_type == RESULTS_JSON:
        body = boolean_json(body)
    return media_type, body


def boolean_json(body: bytes) -> bytes:
    """An ASK answer in the standard JSON form `{"boolean": …}`.

    Some engines (Virtuoso 7.2) answer ASK in JSON as a one-column table, one row when true and
    none when false; read that as the boolean it stands for, so every caller sees the standard form.
    """
    answer = json.loads(body)
    if "boolean" in answer:
        return body
    return json.dumps({"head": {}, "boolean": bool(answer["results"]["bindings"])}).encode()


def _client(endpoint: str, timeout: float) -> SPARQLWrapper:
    """A client speaking the protocol only: no `format`/`output` parameters beside the Accept
    header (Virtuoso honours `format=xml` and then refuses our Accept with a 406)."""
    client = SPARQLWrapper(endpoint, updateEndpoint=endpoint, agent=AGENT)
    client.setMethod(POST)
    client.setOnlyConneg(True)
    client.setTimeout(max(1, round(timeout)))
    return client


def _send(client: SPARQLWrapper) -> tuple[str, bytes]:
    """The Content-Type and body of the response; the endpoint's own message when it fails."""
    try:
        response = client.query().response
        body: bytes = response.read()
    except QueryBadFormed as error:
        raise QueryRejected(f"{client.endpoint}: {error}") from error
    except OSError as error:
        if isinstance(error, HTTPError):
            raise RemoteStoreError(f"{client.endpoint}: {error}") from error
        reason = getattr(error, "reason", error)
        reason = getattr(reason, "strerror", None) or reason
        raise EndpointUnreachable(f"{client.endpoint}: unreachable ({reason})") from error
    except SPARQLWrapperException as error:
        raise RemoteStoreError(f"{client.endpoint}: {error}") from error
    return response.headers.get("Content-Type", ""), body


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
