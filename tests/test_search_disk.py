"""The search index kept on disk beside an embedded store: a new build (a restarted service,
`policykg search`) reads and tokenises only the documents ingested since the last one."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from ingest.pipeline import ingest_file
from ingest.store import Solutions
from ingest.store.embedded import EmbeddedStore
from service.search import Query
from service.search_cache import SearchIndexCache
from service.search_disk import load, path_for


class CountingRows:
    """The store's answers, counting the queries that read measures."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store, self.measure_reads = store, 0

    async def rows(self, query: str) -> list[dict[str, str]]:
        self.measure_reads += "pkg:hasMeasure" in query
        result = self.store.query(query)
        assert isinstance(result, Solutions)
        return [{name: str(value) for name, value in row.items()} for row in result.rows]


def build(path: Path, store: EmbeddedStore) -> tuple[list[tuple[str, float]], int]:
    """The hits of one query from a fresh cache over the store, and how many measure reads it made."""
    source = CountingRows(store)
    index = asyncio.run(SearchIndexCache(path, kept=path_for(path)).refresh(source))
    hits = index.search(Query("知识产权质押融资贴息", limit=5)).hits
    return [(hit.measure, hit.score) for hit in hits], source.measure_reads


def test_a_new_build_reads_only_the_documents_ingested_since(corpus_files: list[Path],
                                                              tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    for file in corpus_files[:2]:
        ingest_file(store, file)
    first, page_reads = build(path, store)
    assert page_reads > 0
    assert path_for(path).is_file()
    assert first
    again, reads = build(path, store)
    assert reads == 0
    assert again == first
    ingest_file(store, corpus_files[2])
    _, reads = build(path, store)
    assert reads == page_reads, "one page: the new document"
    kept = load(path_for(path))
    assert kept is not None
    assert len(kept[0]) == 3
    store.close()


def test_the_kept_measures_read_back_as_they_were(corpus_files: list[Path], tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    ingest_file(store, next(f for f in corpus_files if f.name.startswith("001")))
    cache = SearchIndexCache(path, kept=path_for(path))
    asyncio.run(cache.refresh(CountingRows(store)))
    kept = load(path_for(path))
    assert kept is not None
    documents, vocabulary = kept
    assert {g: d.hits for g, d in documents.items()} == {g: d.hits for g, d in cache.documents.items()}
    hits = [hit for d in documents.values() for hit in d.hits]
    assert any(hit.money for hit in hits)
    assert any(unit.lead for hit in hits for unit in hit.units)
    assert vocabulary.ids == cache.vocabulary.ids
    for graph, document in documents.items():
        for term, original in zip(document.terms, cache.documents[graph].terms, strict=True):
            assert term.length == original.length
            assert (term.ids == original.ids).all()
            assert (term.counts == original.counts).all()
    store.close()


def test_a_kept_index_that_does_not_read_is_rebuilt(corpus_files: list[Path], tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    ingest_file(store, corpus_files[0])
    path_for(path).write_bytes(b"not an index")
    with caplog.at_level(logging.WARNING):
        hits, reads = build(path, store)
    assert reads > 0
    assert hits
    assert "does not read" in caplog.text
    assert load(path_for(path)) is not None
    store.close()


def test_a_remote_store_keeps_nothing_on_disk() -> None:
    assert path_for(None) is None
