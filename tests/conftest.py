"""Session fixtures over the real parts: the corpus, its document graphs, ingested stores, SPARQL servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from oxigraph_server import oxigraph_server
from virtuoso_server import virtuoso_server

from ingest.ontology import load_ontology
from ingest.pipeline import build, ingest_file
from ingest.store.embedded import EmbeddedStore
from ingest.write import DocumentGraph

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="session")
def corpus_graphs(corpus_files: list[Path]) -> dict[str, DocumentGraph]:
    """Every corpus document through extract → graph → validate, by file name."""
    return {path.name: build(path) for path in corpus_files}


@pytest.fixture(scope="session")
def ingested_store(tmp_path_factory: pytest.TempPathFactory,
                   corpus_files: list[Path]) -> Iterator[EmbeddedStore]:
    """An on-disk embedded store holding the whole corpus; read it, do not change it."""
    store = EmbeddedStore(tmp_path_factory.mktemp("store") / "oxigraph")
    for path in corpus_files:
        ingest_file(store, path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def corpus_store_path(tmp_path_factory: pytest.TempPathFactory, corpus_files: list[Path]) -> Path:
    """A closed on-disk store with the corpus and the vocabulary, as `policykg ingest` leaves it,
    for services under test to read (read it, do not change it)."""
    path = tmp_path_factory.mktemp("served") / "store"
    store = EmbeddedStore(path)
    for file in corpus_files:
        ingest_file(store, file)
    load_ontology(store)
    store.close()
    return path


@pytest.fixture(scope="session")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server process on disk, shared by the session: fill it the same way each time."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-server") / "data") as base:
        yield base


@pytest.fixture(scope="session")
def virtuoso_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private Virtuoso process on disk, shared by the session: fill it the same way each time."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso-server") / "data") as base:
        yield base
