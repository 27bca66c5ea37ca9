"""build: one corpus file → its validated document graph, and into a store.

The stages after the record (graph, validate, store) named like the extract stages, so a
failure anywhere is one IngestError saying which file, which stage and why. Documents are
built in parallel processes and written by the parent in batches (one store transaction per
batch), falling back to one transaction per document when a batch fails. A worker that builds
for the store sends back what the writer needs, serialised once (N-Triples text, the report):
pickling rdflib Graphs and serialising them again in the single writer cost it more than the write.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TypeVar

from rdflib import Graph, URIRef

from ingest.errors import IngestError
from ingest.graph import policy_graphs
from ingest.pipeline import extract_record
from ingest.processes import end_with_parent
from ingest.read import MAX_BYTES, SourceText, read_file
from ingest.record import PolicyRecord
from ingest.store import DocumentEntry, DocumentWrite, Store, StoreUnreachable
from ingest.validate import ValidationReport, validate

__all__ = ["BATCH", "DocumentGraph", "StorableDocument", "build", "build_all", "build_batches",
           "default_jobs", "document_graph", "ingest_all", "ingest_file", "store_document", "store_documents"]

BATCH = 50
"""Documents written in one store transaction at most: the per-request cost is paid once per batch."""
AHEAD = 2
"""Batches built ahead of the writer at most: when the store is the slower side, finished documents
wait in a bounded queue instead of all of them in the writer's memory."""
WORKER_NICENESS = 5
"""Builders yield the CPU to the single writer, the slower side: they only need to stay ahead of it."""
_REFUSED = (OSError, SyntaxError, ValueError)
"""What a store raises when it refuses or fails a write (I/O, a term the engine cannot parse)."""


@dataclass(frozen=True)
class DocumentGraph:
    record: PolicyRecord
    graph_iri: URIRef
    graph: Graph
    """The document's own named graph."""
    entities: Graph
    """Descriptions of the jurisdictions and organs it links to, for the shared entities graph."""
    report: ValidationReport

    def write(self) -> DocumentWrite:
        return DocumentWrite.of(self.graph_iri, self.graph, self.record.source, self.entities)

    def storable(self) -> StorableDocument:
        return StorableDocument(self.write(), self.report, self.record.warnings)


@dataclass(frozen=True)
class StorableDocument:
    """What the writer needs of a built document: the serialised write, and whether it may land."""

    write: DocumentWrite
    report: ValidationReport
    warnings: tuple[str, ...] = ()
    """What the record warns of (a metadata field that disagrees with the text)."""


Built = TypeVar("Built", DocumentGraph, StorableDocument)
"""What a worker sends back: the graphs themselves, or only what the store needs of them."""


def build(path: Path, limit: int = MAX_BYTES) -> DocumentGraph:
    """read → extract → graph → validate; the report says whether the graph may be stored.
    A file over `limit` bytes is refused (stage read)."""
    source = read_file(path, limit)
    return document_graph(extract_record(path, source), source)


def document_graph(record: PolicyRecord, source: SourceText | None) -> DocumentGraph:
    """graph → validate for a record already extracted."""
    try:
        graphs = policy_graphs(record, source)
    except ValueError as error:
        raise IngestError(record.source, "graph", str(error)) from error
    iri = graphs.document.identifier
    if not isinstance(iri, URIRef):
        raise IngestError(record.source, "graph", "the document graph has no IRI")
    return DocumentGraph(record, iri, graphs.document, graphs.entities,
                         validate(graphs.merged()))


def store_document(store: Store, built: DocumentGraph | StorableDocument) -> DocumentEntry:
    """Put the graph in place of the document's earlier one, only when it conforms."""
    ready = built.storable() if isinstance(built, DocumentGraph) else built
    source = ready.write.source
    if not ready.report.conforms:
        raise IngestError(source, "validate", ready.report.summary())
    try:
        return store.replace_many([ready.write])[0]
    except StoreUnreachable:
        raise
    except _REFUSED as error:
        raise IngestError(source, "store", str(error)) from error


def store_documents(store: Store, built: Sequence[DocumentGraph | StorableDocument | IngestError],
                    strict: bool = False) -> list[DocumentEntry | IngestError]:
    """store_document() of each, in order, the conforming ones in one transaction; with `strict`,
    a partial copy (cut mid-sentence, abridged) is refused instead of kept and marked.

    When the store refuses the batch, each document is written on its own, so one bad document
    never keeps the others out, and each is still whole or absent. A store that cannot be reached
    at all (StoreUnreachable) ends the batch: no other write would land either.
    """
    ready = [_refused_if_partial(b.storable() if isinstance(b, DocumentGraph) else b, strict) for b in built]
    valid = [b.write for b in ready if isinstance(b, StorableDocument) and b.report.conforms]
    try:
        entries = iter(store.replace_many(valid))
    except StoreUnreachable:
        raise
    except _REFUSED:
        return [_store_or_error(store, b) for b in ready]
    return [next(entries) if isinstance(b, StorableDocument) and b.report.conforms
            else _store_or_error(store, b) for b in ready]


def _refused_if_partial(built: StorableDocument | IngestError, strict: bool
                        ) -> StorableDocument | IngestError:
    partial = built.write.partial if isinstance(built, StorableDocument) else None
    if strict and isinstance(built, StorableDocument) and partial:
        return IngestError(built.write.source, "segment", f"partial copy refused (--strict): {partial}")
    return built


def _store_or_error(store: Store, built: StorableDocument | IngestError) -> DocumentEntry | IngestError:
    if isinstance(built, IngestError):
        return built
    try:
        return store_document(store, built)
    except IngestError as error:
        return error


def ingest_file(store: Store, path: Path, limit: int = MAX_BYTES) -> DocumentEntry:
    return store_document(store, build(path, limit))


def ingest_all(store: Store, paths: Sequence[Path], jobs: int = 1, limit: int = MAX_BYTES,
               warn: Callable[[str, str], None] | None = None, strict: bool = False
               ) -> Iterator[DocumentEntry | IngestError]:
    """Build every path (in parallel with jobs > 1) and store them batch by batch, in path order;
    `warn(file name, warning)` hears each document's warnings; `strict` refuses partial copies.
    StoreUnreachable from the store ends it: the caller says how far it got."""
    store.complete_catalogue()
    for batch in _batches(paths, jobs, BATCH, partial(_storable_in_worker, limit=limit)):
        for built in batch:
            if warn is not None and isinstance(built, StorableDocument):
                for warning in built.warnings:
                    warn(built.write.source, warning)
        yield from store_documents(store, batch, strict)


def default_jobs() -> int:
    """The CPUs this process may run on: documents are independent, so one worker each."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def build_all(paths: Sequence[Path], jobs: int = 1, limit: int = MAX_BYTES
              ) -> Iterator[DocumentGraph | IngestError]:
    """build() of each path, in path order; with jobs > 1 in a pool of processes.

    Extraction, graph and SHACL validation are pure per document, so they run in parallel; the
    caller writes to the store (a single writer) as results arrive. A failed document yields its
    IngestError instead of stopping the others.
    """
    for batch in build_batches(paths, jobs, limit=limit):
        yield from batch


def build_batches(paths: Sequence[Path], jobs: int = 1, size: int = BATCH, limit: int = MAX_BYTES
                  ) -> Iterator[list[DocumentGraph | IngestError]]:
    """build_all() in runs of consecutive finished documents (at most `size`), ready to write.

    A run ends where the next document is not built yet, so the writer never waits to fill a
    batch: when it is faster than the builders, batches stay small and documents land early.
    """
    return _batches(paths, jobs, size, partial(_build_in_worker, limit=limit))


def _batches(paths: Sequence[Path], jobs: int, size: int, work: Callable[[Path], Built | tuple[str, str, str]]
             ) -> Iterator[list[Built | IngestError]]:
    """build_batches() with `work` run on each path, in a pool of processes when jobs > 1."""
    if jobs <= 1 or len(paths) < 2:
        yield from ([_or_error(work(path))] for path in paths)
        return
    waiting = iter(paths)
    workers = min(jobs, len(paths))
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(os.getpid(),)) as pool:
        pending = deque(pool.submit(work, path) for path in islice(waiting, AHEAD * size))
        try:
            while pending:
                batch = [_or_error(pending.popleft().result())]
                while pending and len(batch) < size and pending[0].done():
                    batch.append(_or_error(pending.popleft().result()))
                pending.extend(pool.submit(work, path) for path in islice(waiting, len(batch)))
                yield batch
        finally:
            for future in pending:
                future.cancel()


def _start_worker(parent: int) -> None:
    """Builders yield to the writer, and end when it dies: a killed ingest leaves no orphans
    (a pool process whose parent is gone would otherwise wait for work forever)."""
    os.nice(WORKER_NICENESS)
    end_with_parent(parent)


def _or_error(result: Built | tuple[str, str, str]) -> Built | IngestError:
    return IngestError(*result) if isinstance(result, tuple) else result


def _build_or_error(path: Path, limit: int) -> DocumentGraph | IngestError:
    try:
        return build(path, limit)
    except IngestError as error:
        return error


def _build_in_worker(path: Path, limit: int = MAX_BYTES) -> DocumentGraph | tuple[str, str, str]:
    """build() in a pool process; an IngestError comes back as its fields (it does not pickle)."""
    result = _build_or_error(path, limit)
    return (result.source, result.stage, result.reason) if isinstance(result, IngestError) else result


def _storable_in_worker(path: Path, limit: int = MAX_BYTES) -> StorableDocument | tuple[str, str, str]:
    """_build_in_worker(), serialised for the store where it was built."""
    result = _build_in_worker(path, limit)
    return result.storable() if isinstance(result, DocumentGraph) else result
