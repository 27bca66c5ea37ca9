"""build: one corpus file → its validated document graph, and into a store.

The stages after the record (graph, validate, store) named like the extract stages, so a
failure anywhere is one IngestError saying which file, which stage and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from ingest.errors import IngestError
from ingest.graph import policy_graph
from ingest.pipeline import extract_record
from ingest.read import read_file
from ingest.record import PolicyRecord
from ingest.store import DocumentEntry, Store
from ingest.validate import ValidationReport, validate

__all__ = ["DocumentGraph", "build", "ingest_file"]


@dataclass(frozen=True)
class DocumentGraph:
    record: PolicyRecord
    graph_iri: URIRef
    graph: Graph
    report: ValidationReport


def build(path: Path) -> DocumentGraph:
    """extract → graph → validate; the report says whether the graph may be stored."""
    record = extract_record(path)
    try:
        graph = policy_graph(record, read_file(path))
    except ValueError as error:
        raise IngestError(path.name, "graph", str(error)) from error
    assert isinstance(graph.identifier, URIRef)
    return DocumentGraph(record, graph.identifier, graph, validate(graph))


def ingest_file(store: Store, path: Path) -> DocumentEntry:
    """Store the document's graph in place of its earlier one, only when it conforms."""
    built = build(path)
    if not built.report.conforms:
        raise IngestError(path.name, "validate", built.report.summary())
    try:
        return store.replace(built.graph_iri, built.graph, built.record.source)
    except OSError as error:
        raise IngestError(path.name, "store", str(error)) from error
