"""store: where document graphs live. One small interface, an embedded and a remote engine.

Every write is a single SPARQL 1.1 Update request (see `updates`), which both Oxigraph and
any SPARQL server run as one transaction: replacing a document's graph, its catalogue entry,
its citation links and the descriptions of the entities it shares with other documents
(vocab.ENTITIES_GRAPH) either happens whole or not at all. `replace_many` writes several
documents in one such request, to pay the per-request cost once.
"""

from __future__ import annotations

from pathlib import Path

from ingest.store.embedded import EmbeddedStore, disk_signature
from ingest.store.interface import (
    Answer,
    DocumentEntry,
    DocumentWrite,
    Removal,
    Solutions,
    Store,
    StoreUnreachable,
    select,
)
from ingest.store.remote import RESULTS_JSON, QueryRejected, RemoteStore, RemoteStoreError, send_query
from ingest.store.terms import to_oxigraph, to_rdflib
from ingest.store.values import bind_values

__all__ = ["RESULTS_JSON", "Answer", "DocumentEntry", "DocumentWrite", "QueryRejected", "RemoteStoreError",
           "Removal", "Solutions", "Store", "StoreUnreachable", "bind_values", "connect", "disk_signature",
           "select", "send_query", "to_oxigraph", "to_rdflib"]


def connect(path: Path, endpoint: str | None = None, update_endpoint: str | None = None) -> Store:
    """The remote store when an endpoint is given, else the embedded store at `path`."""
    if endpoint:
        return RemoteStore(endpoint, update_endpoint)
    return EmbeddedStore(path)
