"""store.lease: clients that write to one remote store at once, each a real client of a real
Oxigraph server, keep every copy they write."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from oxigraph_server import oxigraph_server
from rdflib.compare import isomorphic

from ingest.pipeline import build
from ingest.store import Solutions, connect
from ingest.store.lease import StoreBusy, lease_holders, write_lease
from ingest.store.remote import RemoteStore
from ingest.vocab import CATALOG_GRAPH
from ingest.write import DocumentGraph, store_document

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
QUANZHOU = CORPUS / "001_0fbb60d79ac4499f.txt"


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with oxigraph_server() as url:
        yield url


def _client(base: str) -> RemoteStore:
    store = connect(Path("unused"), f"{base}/query", f"{base}/update")
    assert isinstance(store, RemoteStore)
    return store


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> tuple[DocumentGraph, DocumentGraph]:
    """The 泉州 policy whole, and its first 363 bytes under another name, as a repost site cut it."""
    repost = tmp_path_factory.mktemp("repost") / "quanzhou-repost.txt"
    repost.write_bytes(QUANZHOU.read_bytes()[:363].decode("utf-8", "ignore").encode("utf-8"))
    return build(QUANZHOU), build(repost)


@pytest.mark.parametrize("round_", range(4))
def test_two_copies_ingested_at_once_both_stay(base: str, copies: tuple[DocumentGraph, DocumentGraph],
                                               round_: int) -> None:
    """Two clients store the two copies at the same moment: the whole one supplies the facts and
    the partial one is held as its copy, whichever request the server takes first."""
    full, partial = copies
    assert partial.record.partial
    clients = [_client(base), _client(base)]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def ingest(store: RemoteStore, built: DocumentGraph) -> None:
        start.wait()
        try:
            store_document(store, built)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=ingest, args=pair) for pair in zip(clients, copies, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    entries = {entry.source: entry for entry in clients[0].documents()}
    assert set(entries) == {QUANZHOU.name, "quanzhou-repost.txt"}
    assert entries[QUANZHOU.name].copy_of is None
    assert entries["quanzhou-repost.txt"].copy_of == QUANZHOU.name
    facts = clients[0].query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{full.graph_iri}> {{ ?s ?p ?o }} }}")
    assert not isinstance(facts, Solutions | bool)
    assert isomorphic(facts, full.graph)
    assert not lease_holders(clients[0])
    for name in entries:
        clients[0].remove(name)
    assert clients[0].documents() == []


def test_a_lease_left_by_a_writer_that_died_ends(base: str,
                                                copies: tuple[DocumentGraph, DocumentGraph]) -> None:
    store = _client(base)
    store.update(f"INSERT DATA {{ GRAPH <{CATALOG_GRAPH}> {{ <urn:uuid:dead> a "
                 "<https://w3id.org/policykg/def#WriteLease> ; <https://w3id.org/policykg/def#leaseUntil> "
                 '"2020-01-01T00:00:00+00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> } }')
    store_document(store, copies[0])
    assert [entry.source for entry in store.documents()] == [QUANZHOU.name]
    assert not lease_holders(store)
    store.remove(QUANZHOU.name)


def test_a_writer_waits_for_a_live_lease_then_says_so(base: str) -> None:
    holder, other = _client(base), _client(base)
    with write_lease(holder):
        with pytest.raises(StoreBusy, match="another ingest has been writing to the store"), \
                write_lease(other, wait=timedelta(seconds=1)):
            pass
        assert len(lease_holders(holder)) == 1
    assert not lease_holders(holder)
