"""The embedded store: Oxigraph (pyoxigraph) on disk, one process at a time.

Writes are single SPARQL Update requests (ingest.store.updates), which Oxigraph applies in one
transaction. Queries see the union of all named graphs as their default graph, like a
SPARQL server configured with a union default graph.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from ingest.store.base import SparqlStore
from ingest.store.interface import Answer, Solutions
from ingest.store.terms import to_oxigraph, to_rdflib

__all__ = ["EmbeddedStore", "disk_signature"]


class EmbeddedStore(SparqlStore):
    """pyoxigraph.Store at `path` (created when missing), or in memory when `path` is None."""

    def __init__(self, path: Path | None = None) -> None:
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._store = ox.Store(str(path)) if path is not None else ox.Store()

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> Answer:
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(name): to_oxigraph(term) for name, term in (bindings or {}).items()
        }
        result = self._store.query(sparql, use_default_graph_as_union=True, substitutions=substitutions)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, ox.QuerySolutions):
            names = tuple(v.value for v in result.variables)
            rows = tuple({name: to_rdflib(solution[name]) for name in names if solution[name] is not None}
                         for solution in result)
            return Solutions(names, rows)
        graph = Graph()
        for triple in result:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph

    def update(self, request: str) -> None:
        self._store.update(request)

    def close(self) -> None:
        """Flush, then release the files: RocksDB keeps gigabytes of write-ahead log after a large
        ingest, which every read-only opening would replay, each query worker holding it in memory.
        The log the flush made obsolete stays on disk until the store is next opened for writing, so
        that is done once more here (figures in bench/README.md)."""
        self._store.flush()
        del self._store
        if self._path is not None:
            ox.Store(str(self._path))  # opened and, unreferenced, closed at once


def disk_signature(path: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, size and mtime of every file of the store at `path`: it changes whenever a writer
    commits (the engine writes new files), and is cheap enough to check on every request, so that
    readers (query workers, the search index) know when to reopen or rebuild. OSError when unreadable."""
    return tuple(sorted((entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
                        for entry in os.scandir(path)))
