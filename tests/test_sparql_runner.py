"""The worker pool: workers worn by large answers are replaced, store handles worn by long evaluations
are reopened while the worker is idle; a separate pool for bulk reads, over the same store, gone when
the read ends."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import socket
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from service.search_cache import SearchIndexCache
from service.sparql import runner as runner_module
from service.sparql.formats import JSON
from service.sparql.runner import (
    IDLE_BEFORE_REFRESH,
    INTERNAL_ROWS,
    LARGE_ANSWER,
    QueryJob,
    QueryResult,
    QueryRunner,
)

POLICIES = "SELECT ?policy WHERE { ?policy a <https://w3id.org/policykg/def#Policy> } ORDER BY ?policy"
PAIRS = """SELECT ?a ?b WHERE { ?a a <https://w3id.org/policykg/def#Measure> .
                                ?b a <https://w3id.org/policykg/def#Measure> }"""
"""Every pair of measures: a large answer from the small corpus store."""
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"VALUES ?v{i} {{ {' '.join(map(str, range(40)))} }}" for i in range(8)) + " }"
"""40^8 solutions to count: runs far past any test."""


def children() -> set[int]:
    return {process.pid for process in multiprocessing.active_children() if process.pid is not None}


@asynccontextmanager
async def one_worker(store: Path, retire_after: int | None = None) -> AsyncIterator[QueryRunner]:
    runner = QueryRunner(store, 1, 30, retire_after=retire_after)
    await runner.start()
    try:
        yield runner
    finally:
        runner.close()


def test_a_worker_worn_by_large_answers_is_replaced(corpus_store_path: Path) -> None:
    async def scenario() -> None:
        async with one_worker(corpus_store_path, retire_after=1) as runner:
            first = children()
            assert len(await runner.rows(POLICIES)) == 5
            assert children() == first, "a small answer keeps the worker"
            assert len((await runner.run(QueryJob(PAIRS, JSON, INTERNAL_ROWS))).body) >= LARGE_ANSWER
            assert len(await runner.rows(POLICIES)) == 5, "the fresh worker answers"
            assert len(children()) == 1 and children() != first
    asyncio.run(scenario())


def test_a_cancelled_request_has_its_worker_replaced(corpus_store_path: Path) -> None:
    """A request cancelled while its worker evaluates (a server shutting down) would leave the
    worker's reply to be read as the next job's: the worker is stopped and a fresh one answers."""
    async def scenario() -> None:
        async with one_worker(corpus_store_path) as runner:
            first = children()
            endless = asyncio.create_task(runner.run(QueryJob(ENDLESS, JSON, INTERNAL_ROWS)))
            await asyncio.sleep(0.2)
            endless.cancel()
            with pytest.raises(asyncio.CancelledError):
                await endless
            assert len(await runner.rows(POLICIES)) == 5
            assert len(children()) == 1 and children() != first
    asyncio.run(scenario())


def test_a_separate_pool_reads_the_same_store_and_ends_with_the_read(corpus_store_path: Path) -> None:
    async def scenario() -> None:
        async with one_worker(corpus_store_path) as runner:
            pool = children()
            async with runner.separate() as reader:
                assert len(children() - pool) == 1
                assert await reader.rows(POLICIES) == await runner.rows(POLICIES)
                assert len(await runner.rows(POLICIES)) == 5
            assert children() == pool
    asyncio.run(scenario())


def test_the_search_index_is_read_outside_the_request_pool(corpus_store_path: Path) -> None:
    """The build's process is gone once the index is there; the pool's worker is the one it was."""
    async def scenario() -> None:
        async with one_worker(corpus_store_path) as runner:
            pool = children()
            cache = SearchIndexCache(corpus_store_path)
            building = cache.start(runner)
            seen: set[int] = set()
            while not building.done():
                seen |= children() - pool
                await asyncio.sleep(0.01)
            assert seen, "the build runs in a process of its own"
            assert cache.index is not None and len(cache.index) > 50
            assert children() == pool
    asyncio.run(scenario())


def test_a_worn_store_handle_is_reopened_once_the_worker_is_idle(
        corpus_store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's loop (`_serve`) in a thread of the test: a small job leaves the handle as it is, a
    job past the wear limit has it reopened after the idle pause, and the reopened handle answers."""
    refreshed: list[float] = []
    refresh = runner_module._StoreReader.refresh

    def counted(reader: runner_module._StoreReader) -> None:
        refreshed.append(reader.evaluated)
        refresh(reader)

    monkeypatch.setattr(runner_module._StoreReader, "refresh", counted)
    ours, theirs = socket.socketpair()
    worker = threading.Thread(target=runner_module._serve, args=(corpus_store_path, theirs))
    worker.start()

    def policies() -> int:
        ours.sendall(runner_module.framed(QueryJob(POLICIES, JSON, INTERNAL_ROWS)))
        reply = runner_module.read_message(ours)
        assert isinstance(reply, QueryResult)
        return len(json.loads(reply.body)["results"]["bindings"])

    try:
        assert policies() == 5
        time.sleep(4 * IDLE_BEFORE_REFRESH)
        assert refreshed == [], "a handle that has done little is kept"
        monkeypatch.setattr(runner_module, "WORN_AFTER_SECONDS", 1e-9)
        assert policies() == 5
        deadline = time.monotonic() + 10
        while not refreshed and time.monotonic() < deadline:
            time.sleep(IDLE_BEFORE_REFRESH)
        assert len(refreshed) == 1 and refreshed[0] > 0
        assert policies() == 5, "the reopened handle answers"
    finally:
        ours.close()
        worker.join(timeout=10)
    assert not worker.is_alive(), "the loop ends when the pool closes its pipe"
