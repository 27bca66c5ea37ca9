"""The worker pool: workers worn by large answers are replaced, store handles worn by long evaluations
are reopened while the worker is idle; a separate pool for bulk reads, over the same store, gone when
the read ends; a query past the memory limit, or one that crashes its worker, fails alone; answers
are cut at their byte limit."""

from __future__ import annotations

import asyncio
import gc
import json
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

from service.errors import ServiceError, Unavailable
from service.search_cache import SearchIndexCache
from service.sparql import worker as worker_module
from service.sparql.formats import JSON
from service.sparql.runner import (
    INTERNAL_ROWS,
    LARGE_ANSWER,
    QueryJob,
    QueryResult,
    QueryRunner,
    WorkerLimits,
)
from service.sparql.worker import IDLE_BEFORE_REFRESH, execute

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
    runner = QueryRunner(store, 1, 30, retire_after=retire_after, spares=0)
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
            assert len(children()) == 1
            assert children() != first
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
            assert len(children()) == 1
            assert children() != first
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
            assert cache.index is not None
            assert len(cache.index) > 50
            assert children() == pool
    asyncio.run(scenario())


def test_a_worn_store_handle_is_reopened_once_the_worker_is_idle(
        corpus_store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's loop (`_serve`) in a thread of the test: a small job leaves the handle as it is, a
    job past the wear limit has it reopened after the idle pause, and the reopened handle answers."""
    refreshed: list[float] = []
    refresh = worker_module.StoreReader.refresh

    def counted(reader: worker_module.StoreReader) -> None:
        refreshed.append(reader.evaluated)
        refresh(reader)

    monkeypatch.setattr(worker_module.StoreReader, "refresh", counted)
    ours, theirs = socket.socketpair()
    worker = threading.Thread(target=worker_module.serve, args=(corpus_store_path, theirs))
    worker.start()

    def policies() -> int:
        ours.sendall(worker_module.framed(QueryJob(POLICIES, JSON, INTERNAL_ROWS)))
        reply = worker_module.read_message(ours)
        assert isinstance(reply, QueryResult)
        return len(json.loads(reply.body)["results"]["bindings"])

    try:
        assert policies() == 5
        time.sleep(4 * IDLE_BEFORE_REFRESH)
        assert refreshed == [], "a handle that has done little is kept"
        monkeypatch.setattr(worker_module, "WORN_AFTER_SECONDS", 1e-9)
        assert policies() == 5
        deadline = time.monotonic() + 10
        while not refreshed and time.monotonic() < deadline:
            time.sleep(IDLE_BEFORE_REFRESH)
        assert len(refreshed) == 1
        assert refreshed[0] > 0
        assert policies() == 5, "the reopened handle answers"
    finally:
        ours.close()
        worker.join(timeout=10)
    assert not worker.is_alive(), "the loop ends when the pool closes its pipe"


MEMORY_HOG = ("SELECT * WHERE { " + " ".join(f"VALUES ?{name} {{ {' '.join(map(str, range(200)))} }}"
                                             for name in "abcd") + " } ORDER BY DESC(?a) LIMIT 5")
"""1.6 billion rows to sort: past any worker's memory within a second or two."""
STACK_BREAKER = "ASK " + "{" * 400_000 + "}" * 400_000
"""Nested far past any stack (the guard refuses it at 64; the runner is given it directly)."""
LONG_TEXTS = ("SELECT ?text WHERE { VALUES ?i { " + " ".join(map(str, range(200))) + " } "
              + 'BIND("知识产权" AS ?t0) '
              + " ".join(f"BIND(CONCAT(?t{n}, ?t{n}) AS ?t{n + 1})" for n in range(14))
              + " BIND(?t14 AS ?text) }")
"""200 rows of 65,536 characters (192 KiB in UTF-8) each, 38 MiB, from a query of 1.4 kB."""


def test_a_query_past_the_memory_limit_fails_alone(corpus_store_path: Path) -> None:
    async def scenario() -> None:
        runner = QueryRunner(corpus_store_path, 1, 30, spares=0, limits=WorkerLimits(600 * 2**20))
        await runner.start()
        try:
            with pytest.raises(Unavailable) as raised:
                await runner.run(QueryJob(MEMORY_HOG, JSON, 100))
            assert raised.value.message.startswith(
                "the query needed more memory than a query worker may use (600 MB) and was stopped")
            assert len(await runner.rows(POLICIES)) == 5
        finally:
            runner.close()
    asyncio.run(scenario())


def test_a_crashed_worker_fails_only_its_own_query(corpus_store_path: Path) -> None:
    """Queries sent while one worker crashes are answered by the others, and by its replacement."""
    async def scenario() -> None:
        runner = QueryRunner(corpus_store_path, 2, 30, spares=1)
        await runner.start()
        try:
            crash = asyncio.create_task(runner.run(QueryJob(STACK_BREAKER, JSON, 1)))
            answers = await asyncio.gather(*(runner.rows(POLICIES) for _ in range(40)))
            with pytest.raises(ServiceError) as raised:
                await crash
            assert raised.value.status == 500
            assert raised.value.message == ("the query worker stopped (SIGSEGV) while running this query; "
                                            "it has been replaced")
            assert [len(rows) for rows in answers] == [5] * 40
            assert len(await runner.rows(POLICIES)) == 5
        finally:
            runner.close()
    asyncio.run(scenario())


def test_a_job_whose_worker_is_killed_from_outside_goes_to_another(corpus_store_path: Path) -> None:
    """An idle worker killed (by an operator, the OOM killer) takes no job; a job whose worker is
    killed while it runs is sent once more."""
    async def scenario() -> None:
        async with one_worker(corpus_store_path) as runner:
            for pid in children():
                os.kill(pid, signal.SIGKILL)
            await asyncio.sleep(0.2)
            assert len(await runner.rows(POLICIES)) == 5
            slow = asyncio.create_task(runner.rows(PAIRS))
            await asyncio.sleep(0.05)
            for pid in children():
                os.kill(pid, signal.SIGKILL)
            assert len(await slow) > 1000
    asyncio.run(scenario())


def test_an_answer_is_cut_at_its_byte_limit(corpus_store_path: Path) -> None:
    store = ox.Store.read_only(str(corpus_store_path))
    whole = execute(store, QueryJob(LONG_TEXTS, JSON, 10_000))
    cut = execute(store, QueryJob(LONG_TEXTS, JSON, 10_000), answer_bytes=2**20)
    assert not whole.truncated
    assert len(json.loads(whole.body)["results"]["bindings"]) == 200
    assert cut.truncated
    assert json.loads(cut.body)["truncated"] is True
    assert len(json.loads(cut.body)["results"]["bindings"]) == 5
    assert 2**20 - 200_000 < len(cut.body) < 2**20


CRASHED = "the query worker stopped (SIGSEGV) while running this query; it has been replaced"
OVERRUN = "the query ran past the time limit of 4 s and was stopped"
BUSY = "all 2 query workers stayed busy for 4 s; try again later"


def test_a_burst_of_failing_and_cancelled_jobs_leaves_the_pool_whole(corpus_store_path: Path) -> None:
    """Plain jobs among jobs that overrun, crash their worker or are cancelled, all at once (a paged
    comparison evaluating its parts together, a client that leaves): each failure is its own, the
    plain jobs are answered, the pool is whole again afterwards, and closing it while workers are
    being replaced leaves no error behind in the background."""
    async def scenario() -> None:
        background: list[object] = []
        asyncio.get_running_loop().set_exception_handler(
            lambda _, context: background.append(context.get("exception") or context["message"]))
        runner = QueryRunner(corpus_store_path, 2, 4, spares=1)
        await runner.start()
        try:
            for _ in range(2):
                plain = [asyncio.create_task(runner.rows(POLICIES)) for _ in range(20)]
                crashing = [asyncio.create_task(runner.run(QueryJob(STACK_BREAKER, JSON, 1))) for _ in "ab"]
                endless = [asyncio.create_task(runner.run(QueryJob(ENDLESS, JSON, 1))) for _ in "abc"]
                await asyncio.sleep(0.5)
                endless[0].cancel()
                answers = await asyncio.gather(*plain, return_exceptions=True)
                failures = await asyncio.gather(*crashing, *endless, return_exceptions=True)
                assert [len(rows) if isinstance(rows, list) else rows for rows in answers] == [5] * 20
                messages = [getattr(failure, "message", type(failure).__name__) for failure in failures]
                assert (messages[0], messages[2]) == (CRASHED, "CancelledError"), messages
                assert set(messages[1:2]) <= {CRASHED, BUSY}, messages
                assert set(messages[3:]) <= {OVERRUN, BUSY}, messages
                deadline = time.monotonic() + 60
                while len(children()) != 3 and time.monotonic() < deadline:
                    await asyncio.sleep(0.1)
                assert len(children()) == 3, "two workers and the spare, replaced"
                assert [len(rows) for rows in await asyncio.gather(
                    *(runner.rows(POLICIES) for _ in range(6)))] == [5] * 6
            leaving = asyncio.create_task(runner.run(QueryJob(ENDLESS, JSON, 1)))
            await asyncio.sleep(0.2)
            leaving.cancel()
            await asyncio.sleep(0)
        finally:
            runner.close()  # while the cancelled job's worker is being replaced
        await asyncio.sleep(1)
        gc.collect()
        assert background == []
    asyncio.run(scenario())
