"""Queries run in a small pool of worker processes (service.sparql.worker), each reading the store read-only.

pyoxigraph has no query timeout, and a thread cannot be stopped, so a query over the time limit is
stopped by killing its process; a fresh worker takes its place, as it does for a worker that has
sent large answers (RETIRE_AFTER_BYTES) or died. The event loop reads the workers' replies as
streams, so a slow query never stalls other requests. Each worker reopens the store when the files
on disk change, so it sees what `policykg ingest` wrote after the server started.

Capacity is kept for short requests: when every regular worker is busy (two heavy queries), a
request runs on a spare worker, which gives it SPARE_SECONDS; past that the spare is replaced and
the request waits for a regular worker like the others. A worker that dies fails only the query it
was running; a job that never reached a live worker goes to another.

Over a remote store (`endpoint`) the workers send each query to the SPARQL endpoint instead, and
parse its answer back into the same terms, so limits, errors and formats do not depend on the engine.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import pickle
import signal
import socket
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path

from service.errors import ServiceError, Unavailable
from service.sparql import worker as worker_process
from service.sparql.endpoint import Endpoint
from service.sparql.formats import JSON
from service.sparql.worker import (
    HEADER,
    READY,
    Failure,
    QueryJob,
    QueryResult,
    WorkerLimits,
    framed,
    out_of_memory,
)

__all__ = ["INTERNAL_ROWS", "LARGE_ANSWER", "QueryJob", "QueryResult", "QueryRunner", "WorkerLimits"]

INTERNAL_ROWS = 10_000_000
"""Result cap of the service's own queries; far above any store this service is meant for."""
LARGE_ANSWER = 2**20
RETIRE_AFTER_BYTES = 8 * 2**20
"""A request worker whose answers of LARGE_ANSWER bytes or more add up to this is replaced by a
fresh one: after large answers a worker stays slower on small queries, and a fresh process is
not; small answers (a curated page) do not wear a worker. The cause is CPython's small-object
allocator; the system allocator (PYTHONMALLOC=malloc) avoids the slow-down but writes large answers
slower, so workers keep pymalloc (figures in bench/README.md)."""
SPARE_SECONDS = 1.0
"""What a query gets on the spare worker, which answers while every regular worker is busy."""
DEFAULT_LIMITS = WorkerLimits()
CRASHES = {-signal.SIGSEGV, -signal.SIGBUS, -signal.SIGILL, -signal.SIGFPE}
"""Exit statuses of a worker that the query it ran brought down (an abort is its memory limit)."""


class _Overrun:
    """The query ran past the time it had on its worker, which was killed."""


class _Lost:
    """The worker was gone: before the job reached it (`delivered` False), or while it ran it."""

    def __init__(self, delivered: bool, exitcode: int | None) -> None:
        self.delivered, self.exitcode = delivered, exitcode


def _innocent(lost: _Lost) -> bool:
    """Whether the worker was stopped from outside (killed, exited) rather than by its query."""
    return lost.exitcode not in CRASHES and lost.exitcode != -signal.SIGABRT


@dataclass
class _Worker:
    process: BaseProcess
    replies: asyncio.StreamReader
    jobs: asyncio.StreamWriter
    spare: bool = False
    sent: int = 0
    """Bytes of large answers sent so far."""


class QueryRunner:
    """A pool of query worker processes over the store at `path` (or at a remote SPARQL `endpoint`),
    with a time limit per query; a worker is replaced once its large answers add up to `retire_after`."""

    def __init__(self, path: Path, workers: int, timeout: float, endpoint: str | None = None,
                 retire_after: int | None = RETIRE_AFTER_BYTES, spares: int = 1,
                 limits: WorkerLimits = DEFAULT_LIMITS) -> None:
        self.path, self.size, self.timeout, self.endpoint = path, workers, timeout, endpoint
        self.retire_after, self.spares, self.limits = retire_after, spares, limits
        self.source: Path | Endpoint = Endpoint(endpoint, timeout) if endpoint else path
        self._context = multiprocessing.get_context("spawn")
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="policykg-spawn")
        """Starts every worker: a worker is killed when this thread ends (worker._end_with)."""
        self._idle: list[_Worker] = []
        self._idle_spares: list[_Worker] = []
        self._freed = asyncio.Condition()
        self._all: list[_Worker] = []
        self._replacements: set[asyncio.Task[None]] = set()
        self._closed = False

    async def start(self) -> None:
        """Start the workers and the spares."""
        kinds = [False] * self.size + [True] * self.spares
        for worker in await asyncio.gather(*(self._spawn(spare) for spare in kinds)):
            (self._idle_spares if worker.spare else self._idle).append(worker)

    @asynccontextmanager
    async def separate(self, workers: int = 1) -> AsyncIterator[QueryRunner]:
        """A pool of its own over the same store, for the time of a bulk read (the search index).

        Bulk answers would wear out the request workers (see RETIRE_AFTER_BYTES) or have them
        replaced again and again; this pool's workers are not replaced, they end with the read.
        """
        runner = QueryRunner(self.path, workers, self.timeout, self.endpoint, retire_after=None, spares=0,
                             limits=self.limits)
        await runner.start()
        try:
            yield runner
        finally:
            runner.close()

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        for worker in self._all:
            worker.jobs.close()
            worker.process.kill()
            worker.process.join()
        self._all.clear()
        self._spawner.shutdown(wait=False)

    async def run(self, job: QueryJob) -> QueryResult:
        """The answer to `job`; Unavailable when it overruns the time limit or no worker frees up."""
        spare_allowed, retried = True, False
        while True:
            worker = await self._take(spare_allowed)
            outcome = await self._on(worker, job)
            if isinstance(outcome, _Overrun) and worker.spare:
                spare_allowed = False
                continue
            if isinstance(outcome, _Overrun):
                raise Unavailable(f"the query ran past the time limit of {self.timeout:g} s and was stopped")
            if isinstance(outcome, _Lost) and (not outcome.delivered or (_innocent(outcome) and not retried)):
                retried = retried or outcome.delivered  # a job the worker took is tried once more only
                continue
            if isinstance(outcome, _Lost):
                raise self._lost(outcome)
            if isinstance(outcome, Failure):
                raise outcome.error()
            return outcome

    async def rows(self, query: str) -> list[dict[str, str]]:
        """The plain values of every row of a SELECT of the service's own (no result cap that matters)."""
        result = await self.run(QueryJob(query=query, fmt=JSON, result_limit=INTERNAL_ROWS))
        bindings = json.loads(result.body)["results"]["bindings"]
        return [{name: term["value"] for name, term in binding.items()} for binding in bindings]

    async def _take(self, spare_allowed: bool) -> _Worker:
        """An idle regular worker, else an idle spare (when allowed), waiting at most the time limit."""
        def available() -> bool:
            return bool(self._idle or (spare_allowed and self._idle_spares))

        try:
            async with asyncio.timeout(self.timeout), self._freed:
                await self._freed.wait_for(available)
                return self._idle.pop() if self._idle else self._idle_spares.pop()
        except TimeoutError as error:
            raise Unavailable(f"all {self.size} query workers stayed busy for {self.timeout:g} s; "
                              "try again later", {"Retry-After": "1"}) from error

    async def _on(self, worker: _Worker, job: QueryJob) -> QueryResult | Failure | _Overrun | _Lost:
        """`job` run on `worker`, which then goes back to the pool or is replaced."""
        try:
            outcome = await self._exchange(worker, job, SPARE_SECONDS if worker.spare else self.timeout)
        except BaseException:  # cancelled: its reply may still come, so the worker cannot take another job
            worker.process.kill()
            self._replace(worker)
            raise
        if isinstance(outcome, QueryResult) and len(outcome.body) >= LARGE_ANSWER:
            worker.sent += len(outcome.body)
        worn = self.retire_after is not None and worker.sent >= self.retire_after
        if isinstance(outcome, QueryResult | Failure) and not worn and worker.process.exitcode is None:
            await self._give_back(worker)
        else:
            self._replace(worker)
        return outcome

    async def _exchange(self, worker: _Worker, job: QueryJob, seconds: float,
                        ) -> QueryResult | Failure | _Overrun | _Lost:
        """Send a job and wait `seconds` for its reply; the worker is killed past them."""
        if worker.process.exitcode is not None or worker.replies.at_eof():
            return _Lost(delivered=False, exitcode=worker.process.exitcode)
        try:
            worker.jobs.write(framed(job))
            await worker.jobs.drain()
        except ConnectionError:
            return _Lost(delivered=False, exitcode=worker.process.exitcode)
        try:
            async with asyncio.timeout(seconds):
                reply = await _message(worker)
            if not isinstance(reply, QueryResult | Failure):
                raise TypeError(f"a query worker replied with {type(reply).__name__}")
            return reply
        except TimeoutError:
            worker.process.kill()
            return _Overrun()
        except (asyncio.IncompleteReadError, ConnectionError):
            await asyncio.to_thread(worker.process.join, 5)
            return _Lost(delivered=True, exitcode=worker.process.exitcode)

    def _lost(self, lost: _Lost) -> ServiceError:
        if lost.exitcode == -signal.SIGABRT:
            return Unavailable(out_of_memory(self.limits))
        cause = signal.Signals(-lost.exitcode).name if lost.exitcode and lost.exitcode < 0 else "an exit"
        return ServiceError(f"the query worker stopped ({cause}) while running this query; "
                            "it has been replaced")

    async def _give_back(self, worker: _Worker) -> None:
        async with self._freed:
            (self._idle_spares if worker.spare else self._idle).append(worker)
            self._freed.notify_all()

    def _replace(self, worker: _Worker) -> None:
        """Stop `worker` (dead, overrun, cancelled or worn) and put a fresh one in its place.

        It leaves the pool here, before anything awaits: a pool closed meanwhile (the server stopping
        while a cancelled request's worker is replaced) has nothing left to remove or to replace."""
        worker.jobs.close()
        worker.process.kill()
        if self._closed:
            return
        self._all.remove(worker)
        task = asyncio.create_task(self._replacement(worker))
        self._replacements.add(task)
        task.add_done_callback(self._replacements.discard)

    async def _replacement(self, worker: _Worker) -> None:
        await asyncio.to_thread(worker.process.join)
        if not self._closed:
            await self._give_back(await self._spawn(worker.spare))

    async def _spawn(self, spare: bool = False) -> _Worker:
        """Start a worker (on the spawner thread, which it ends with) and open the stream to it."""
        ours, theirs = socket.socketpair()
        process = self._context.Process(target=worker_process.main, daemon=True, name="policykg-query",
                                        args=(self.source, theirs, os.getpid(), self.limits))
        await asyncio.get_running_loop().run_in_executor(self._spawner, process.start)
        theirs.close()
        if self._closed:  # while it started: it is stopped like the others, and its first job says so
            process.kill()
        replies, jobs = await asyncio.open_connection(sock=ours, limit=LARGE_ANSWER)
        worker = _Worker(process, replies, jobs, spare)
        self._all.append(worker)
        with suppress(asyncio.IncompleteReadError, ConnectionError):  # if it died, its first job says so
            if await _message(worker) != READY:  # it takes jobs at once, not after its imports
                raise RuntimeError("a query worker did not say it was ready")
        return worker


async def _message(worker: _Worker) -> object:
    """The next message from `worker`."""
    (size,) = HEADER.unpack(await worker.replies.readexactly(HEADER.size))
    # the socket joins the service to a worker process it started; nothing else writes to it
    return pickle.loads(await worker.replies.readexactly(size))  # noqa: S301
