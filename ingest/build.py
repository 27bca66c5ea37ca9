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
from ingest.read import SourceText, read_file
from ingest.record import PolicyRecord
from ingest.store import DocumentEntry, Store
from ingest.validate import ValidationReport, validate

__all__ = ["DocumentGraph", "build", "document_graph", "ingest_file", "store_document"]


@dataclass(frozen=True)
class DocumentGraph:
    record: PolicyRecord
    graph_iri: URIRef
    graph: Graph
    report: ValidationReport


def build(path: Path) -> DocumentGraph:
    """extract → graph → validate; the report says whether the graph may be stored."""
    return document_graph(extract_record(path), read_file(path))


def document_graph(record: PolicyRecord, source: SourceText | None) -> DocumentGraph:
    """graph → validate for a record already extracted."""
    try:
        graph = policy_graph(record, source)
    except ValueError as error:
        raise IngestError(record.source, "graph", str(error)) from error
    assert isinstance(graph.identifier, URIRef)
    return DocumentGraph(record, graph.identifier, graph, validate(graph))


def store_document(store: Store, built: DocumentGraph) -> DocumentEntry:
    """Put the graph in place of the document's earlier one, only when it conforms."""
    if not built.report.conforms:
        raise IngestError(built.record.source, "validate", built.report.summary())
    try:
        return store.replace(built.graph_iri, built.graph, built.record.source)
    except OSError as error:
        raise IngestError(built.record.source, "store", str(error)) from error


def ingest_file(store: Store, path: Path) -> DocumentEntry:
    return store_document(store, build(path))
