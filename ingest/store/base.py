"""What every store does the same way, given a query and an update operation: the document
lifecycle (replace, remove, list, load) as single SPARQL Update requests of `updates`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node
from rdflib.util import guess_format

from ingest.store import DocumentEntry, DocumentWrite, QueryResult, Solutions
from ingest.store.updates import (
    RESERVED_GRAPHS,
    catalogue_keys_update,
    count_query,
    documents_query,
    keyless_query,
    load_update,
    remove_update,
    replace_update,
    written_entries,
)

__all__ = ["SparqlStore"]


class SparqlStore(ABC):
    """A store is an engine that answers SPARQL queries and applies SPARQL Update requests,
    each request as one transaction; everything else follows from those two."""

    @abstractmethod
    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run a query over the union of all graphs, `bindings` bound as RDF terms."""

    @abstractmethod
    def update(self, request: str) -> None:
        """Apply one SPARQL Update request as one transaction."""

    @abstractmethod
    def close(self) -> None:
        """Release the engine (file locks, connections)."""

    def replace(self, graph_iri: URIRef, graph: Graph, source: str,
                entities: Graph | None = None) -> DocumentEntry:
        return self.replace_many([DocumentWrite.of(graph_iri, graph, source, entities)])[0]

    def replace_many(self, writes: Sequence[DocumentWrite]) -> list[DocumentEntry]:
        ingested = datetime.now(UTC).replace(microsecond=0)
        if writes:
            self.update(replace_update(writes, ingested))
        return written_entries(writes, ingested)

    def remove(self, document: str) -> int:
        found = self._select(count_query(document))
        removed = int(str(found.rows[0]["n"])) if found.rows else 0
        if removed:
            self.update(remove_update(document))
        return removed

    def complete_catalogue(self) -> bool:
        if self.query(keyless_query()) is not True:
            return False
        self.update(catalogue_keys_update())
        return True

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

    def _select(self, sparql: str) -> Solutions:
        result = self.query(sparql)
        assert isinstance(result, Solutions)
        return result
