"""build: one corpus file → its validated document graph, and into a store.

The stages after the record (graph, validate, store) named like the extract stages, so a
failure anywhere is one IngestError saying which file, which stage and why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
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

__all__ = ["DocumentGraph", "build", "build_all", "default_jobs", "document_graph", "ingest_file",
           "store_document"]


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


def default_jobs() -> int:
    """The CPUs this process may run on: documents are independent, so one worker each."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def build_all(paths: Sequence[Path], jobs: int = 1) -> Iterator[DocumentGraph | IngestError]:
    """build() of each path, in path order; with jobs > 1 in a pool of processes.

    Extraction, graph and SHACL validation are pure per document, so they run in parallel; the
    caller writes to the store (a single writer) as results arrive. A failed document yields its
    IngestError instead of stopping the others.
    """
    if jobs <= 1 or len(paths) < 2:
        yield from map(_build_or_error, paths)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(paths))) as pool:
        chunk = max(1, min(16, len(paths) // (jobs * 8)))
        for result in pool.map(_build_in_worker, paths, chunksize=chunk):
            yield IngestError(*result) if isinstance(result, tuple) else result


def _build_or_error(path: Path) -> DocumentGraph | IngestError:
    try:
        return build(path)
    except IngestError as error:
        return error


def _build_in_worker(path: Path) -> DocumentGraph | tuple[str, str, str]:
    """build() in a pool process; an IngestError comes back as its fields (it does not pickle)."""
    result = _build_or_error(path)
    return (result.source, result.stage, result.reason) if isinstance(result, IngestError) else result
