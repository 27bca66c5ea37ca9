"""write: the store stage, documents that passed validation into the store.

A conforming document replaces the document's earlier graph; a batch goes in one transaction, and
when the store refuses it each document is written on its own, so one bad document never keeps the
others out and each is whole or absent. A worker that builds for the store sends back what the
writer needs, serialised once (`StorableDocument`: N-Triples text, the report), because pickling
rdflib graphs and serialising them again in the single writer cost it more than the write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import Graph, URIRef

from ingest.errors import IngestError
from ingest.record import PolicyRecord
from ingest.store import DocumentEntry, DocumentWrite, Store, StoreUnreachable
from ingest.validate import ValidationReport

__all__ = ["DocumentGraph", "StorableDocument", "store_document", "store_documents"]

_REFUSED = (OSError, SyntaxError, ValueError)
"""What a store raises when it refuses or fails a write (I/O, a term the engine cannot parse)."""


@dataclass(frozen=True)
class DocumentGraph:
    """One document through the validate stage, as the store stage takes it."""

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
