"""A remote SPARQL endpoint behind the two calls the query workers make on a pyoxigraph store.

The workers then run, cap and serialise a query the same way whatever engine answers it: the
endpoint's SPARQL JSON or N-Triples is parsed back into pyoxigraph terms. Dataset parameters go
as the protocol's default-graph-uri / named-graph-uri, the base IRI as a BASE declaration (the
protocol has no parameter for it), bindings as serialised terms first in the WHERE group
(ingest.store.values).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from ingest.sparql import sparql_file
from ingest.store import RESULTS_JSON, QueryRejected, RemoteStoreError, bind_values, send_query, to_rdflib
from service.errors import BadRequest, Unavailable

__all__ = ["Endpoint"]

HAS_GRAPH = sparql_file("service", "sparql/has-graph.rq")


class Endpoint:
    """Queries sent to `url`; a reply that takes longer than `timeout` is abandoned by the worker."""

    def __init__(self, url: str, timeout: float) -> None:
        self.url, self.timeout = url, timeout

    def handle(self) -> Endpoint:
        """Nothing to reopen: every query is a fresh request and sees the store as it is."""
        return self

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        answer = self.query(HAS_GRAPH, substitutions={ox.Variable("graph"): graph})
        return isinstance(answer, ox.QueryBoolean) and bool(answer)

    def query(self, query: str, *, base_iri: str | None = None,
              default_graph: Iterable[ox.NamedNode] = (), named_graphs: Iterable[ox.NamedNode] = (),
              use_default_graph_as_union: bool = True,
              substitutions: Mapping[ox.Variable, ox.NamedNode | ox.Literal] | None = None,
              ) -> ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]:
        """The answer as pyoxigraph would give it; the union default graph is the engine's setting."""
        bindings = {variable.value: to_rdflib(term) for variable, term in (substitutions or {}).items()}
        text = bind_values(query, bindings)
        if base_iri:
            text = f"BASE {ox.NamedNode(base_iri)}\n{text}"
        try:
            media_type, body = send_query(
                self.url, text, default_graphs=[g.value for g in default_graph],
                named_graphs=[g.value for g in named_graphs], timeout=self.timeout)
        except QueryRejected as error:
            raise BadRequest(f"the store rejected the query: {error}") from error
        except RemoteStoreError as error:
            raise Unavailable(f"the store at {self.url} did not answer: {error}") from error
        if media_type == RESULTS_JSON:
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        syntax = ox.RdfFormat.from_media_type(media_type)
        if syntax is None:
            raise Unavailable(f"the store at {self.url} answered with {media_type or 'no media type'}")
        return [quad.triple for quad in ox.parse(body, format=syntax)]

