"""The ingest pipeline: one table of named stages, from a file to the store.

read → segment → extract (one stage per kind of fact) → record → tallies, rows → graph → validate
→ store. Each stage is a function of what it reads, named in its signature, and lives in a module
that imports no later stage's (tests/test_source.py holds it); `STAGES` names them in order.
A failure anywhere is an IngestError naming the file and the stage, so the CLI prints one line.
Many files at once, in parallel processes and batches: ingest/build.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from rdflib import URIRef

from ingest.errors import IngestError
from ingest.extract import citations, incentives, measures, metadata, targets, topics, units, validity
from ingest.finish import finish
from ingest.graph import PolicyGraphs, policy_graphs
from ingest.partial import partial_reason
from ingest.read import MAX_BYTES, SourceText, read_file
from ingest.record import PolicyRecord
from ingest.rows import rows
from ingest.segment import Document, segment
from ingest.store import DocumentEntry, Store
from ingest.tallies import tallies
from ingest.validate import validate
from ingest.write import DocumentGraph, store_document

__all__ = ["EXTRACT_STAGES", "STAGES", "build", "document_graph", "extract_record", "ingest_file",
           "record_graphs"]

P = ParamSpec("P")
T = TypeVar("T")
Extract = Callable[[Document, PolicyRecord], PolicyRecord]

EXTRACT_STAGES: tuple[tuple[str, Extract], ...] = (
    ("metadata", metadata.extract),
    ("measures", measures.extract),
    ("units", units.extract),
    ("targets", targets.extract),
    ("incentives", incentives.extract),
    ("citations", citations.extract),
    ("validity", validity.extract),
    ("topics", topics.extract),
)
"""The extract stages in order: each fills fields of the record and may read those of earlier ones."""

STAGES: tuple[tuple[str, Callable[..., object]], ...] = (
    ("read", read_file),
    ("segment", segment),
    *EXTRACT_STAGES,
    ("record", finish),
    ("tallies", tallies),
    ("rows", rows),
    ("graph", policy_graphs),
    ("validate", validate),
    ("store", store_document),
)
"""Every stage in order, by the name an IngestError gives and the function that does it."""


def extract_record(path: Path, source: SourceText | None = None) -> PolicyRecord:
    """read → segment → extract → record: the record of one file, or IngestError saying which stage
    failed and why; `source` is the file already read, when the caller has it (read once)."""
    name = path.name
    text = source if source is not None else _run(name, "read", read_file, path)
    document = _run(name, "segment", segment, text)
    record = PolicyRecord(source=name, partial=partial_reason(document))
    for stage, extract in EXTRACT_STAGES:
        record = _run(name, stage, extract, document, record)
    return _run(name, "record", finish, record, text)


def record_graphs(record: PolicyRecord, source: SourceText | None = None) -> PolicyGraphs:
    """tallies, rows → graph: what a record says, as the triples the store will hold."""
    name = record.source
    return _run(name, "graph", policy_graphs, record, source, _run(name, "tallies", tallies, record),
                _run(name, "rows", rows, record, source))


def document_graph(record: PolicyRecord, source: SourceText | None) -> DocumentGraph:
    """tallies, rows → graph → validate, for a record already extracted."""
    name = record.source
    graphs = record_graphs(record, source)
    iri = graphs.document.identifier
    if not isinstance(iri, URIRef):
        raise IngestError(name, "graph", "the document graph has no IRI")
    return DocumentGraph(record, iri, graphs.document, graphs.entities,
                         _run(name, "validate", validate, graphs.merged()))


def build(path: Path, limit: int = MAX_BYTES) -> DocumentGraph:
    """read → … → validate; the report says whether the graph may be stored. A file over `limit`
    bytes is refused (stage read)."""
    source = _run(path.name, "read", read_file, path, limit)
    return document_graph(extract_record(path, source), source)


def ingest_file(store: Store, path: Path, limit: int = MAX_BYTES) -> DocumentEntry:
    """Every stage for one file, the store's write included."""
    return store_document(store, build(path, limit))


def _run(name: str, stage: str, step: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run one stage; an unexpected ValueError becomes an IngestError naming file and stage."""
    try:
        return step(*args, **kwargs)
    except IngestError:
        raise
    except ValueError as error:
        raise IngestError(name, stage, str(error)) from error
