"""Queries run in a small pool of worker processes, each reading the store read-only.

pyoxigraph has no query timeout, and a thread cannot be stopped, so a query over the time limit is
stopped by killing its process; a fresh worker takes its place, as it does for a worker that has
sent large answers (RETIRE_AFTER_BYTES). The event loop reads the workers' replies as streams, so a
slow query never stalls other requests. Each worker reopens the store when the
files on disk change, so it sees what `policykg ingest` wrote after the server started, and when
idle after long evaluations (WORN_AFTER_SECONDS), which leave a handle slower on small lookups.

Over a remote store (`endpoint`) the workers send each query to the SPARQL endpoint instead, and
parse its answer back into the same terms, so limits, errors and formats do not depend on the engine;
killing a worker abandons the request (the engine's own timeout should stop its side).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import pickle
import select
import socket
import struct
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from service.errors import BadRequest, Refused, ServiceError, Unavailable
from service.sparql import formats
from service.sparql.endpoint import Endpoint
from service.sparql.formats import JSON, Format

INTERNAL_ROWS = 10_000_000
"""Result cap of the service's own queries; far above any store this service is meant for."""
LARGE_ANSWER = 2**20
RETIRE_AFTER_BYTES = 8 * 2**20
"""A request worker whose answers of LARGE_ANSWER bytes or more add up to this is replaced by a
fresh one: after large answers a worker stays slower on small queries (policy-overview at 1,000
documents: 1.31× after 9 MB of answers, 1.48× after 46 MB), and a fresh process is not. Small
answers (a curated page is ~50 kB) do not wear a worker; thousands of them leave it as fast.
The cause is CPython's small-object allocator: under PYTHONMALLOC=malloc a worker does not slow
down, but writes a 10,000-row answer 35 % slower (158 → 212 ms), so workers keep pymalloc."""
WORN_AFTER_SECONDS = 0.1
"""Evaluation time after which a store handle counts as worn: after long evaluations (a comparison
over many cities) an open read-only store answers small lookups 1.3-1.4× slower, and a handle opened
afresh does not (policy-overview at 1,000 documents, eight policies). Reopening takes 10-25 ms, so
a worker reopens a worn handle only once it has been idle for IDLE_BEFORE_REFRESH seconds."""
IDLE_BEFORE_REFRESH = 0.05
HEADER = struct.Struct("!Q")
"""Each message between the service and a worker: its length, then the pickled job or reply. The
service reads replies as a stream on its event loop: no thread waits on a worker, and a large answer
arriving never holds up other requests."""


@dataclass(frozen=True)
class QueryJob:
    """Everything a worker needs: the query, its dataset, its output format and the limits."""

    query: str
    fmt: Format
    result_limit: int
    base_iri: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    protocol_dataset: bool = False
    from_graphs: tuple[str, ...] = ()
    prefixes: dict[str, str] = field(default_factory=dict)
    substitutions: tuple[tuple[str, ox.NamedNode | ox.Literal], ...] = ()
    """Variables of the SELECT projection bound to RDF terms (curated query parameters)."""
    bounded: bool = False
    """The query's own LIMIT is at most `result_limit`, so nothing can be cut: a JSON answer is then
    written by the engine's serialiser, not term by term in Python (about 1 ms per 1,000 cells)."""


@dataclass(frozen=True)
class QueryResult:
    """A serialised answer; `truncated` when the result cap cut it."""

    body: bytes
    media_type: str
    truncated: bool = False


@dataclass(frozen=True)
class _Failure:
    """An error raised in a worker, sent back as data: exceptions do not cross processes well."""

    status: int
    message: str

    def error(self) -> ServiceError:
        kinds: dict[int, type[ServiceError]] = {400: BadRequest, 403: Refused, 503: Unavailable}
        return kinds.get(self.status, ServiceError)(self.message)


def execute(store: ox.Store | Endpoint, job: QueryJob) -> QueryResult:
    """Run one job on an open store or an endpoint (in a worker process) and serialise its answer."""
    missing = [iri for iri in job.from_graphs if not store.contains_named_graph(ox.NamedNode(iri))]
    if missing:
        raise Refused(f"FROM <{missing[0]}>: this endpoint does not fetch graphs; "
                      "FROM and FROM NAMED may name only graphs in the store")
    if job.protocol_dataset:
        dataset: dict[str, object] = {
            "default_graph": [ox.NamedNode(iri) for iri in job.default_graphs],
            "named_graphs": [ox.NamedNode(iri) for iri in job.named_graphs]}
    else:
        dataset = {"use_default_graph_as_union": not job.from_graphs}
    dataset["substitutions"] = {ox.Variable(name): term for name, term in job.substitutions}
    answer = store.query(job.query, base_iri=job.base_iri, **dataset)  # type: ignore[arg-type]
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(formats.write_boolean(bool(answer), job.fmt), job.fmt.media_type)
    if isinstance(answer, ox.QuerySolutions) and job.bounded and job.fmt == JSON:
        return QueryResult(answer.serialize(format=ox.QueryResultsFormat.JSON) or b"", job.fmt.media_type)
    if isinstance(answer, ox.QuerySolutions):
        variables = [variable.value for variable in answer.variables]
        rows = [[solution[variable] for variable in variables]
                for solution in islice(answer, job.result_limit + 1)]
        truncated = len(rows) > job.result_limit
        body = formats.write_solutions(variables, rows[: job.result_limit], job.fmt, truncated)
        return QueryResult(body, job.fmt.media_type, truncated)
    triples = list(islice(answer, job.result_limit + 1))
    truncated = len(triples) > job.result_limit
    body = formats.write_triples(triples[: job.result_limit], job.fmt, job.prefixes)
    return QueryResult(body, job.fmt.media_type, truncated)


def store_signature(path: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, size and mtime of every file of the store: it changes whenever a writer commits.

    Cheap enough to check on every request, so readers (workers, the search index) know when
    to reopen or rebuild.
    """
    try:
        return tuple(sorted((entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
                            for entry in os.scandir(path)))
    except OSError as error:
        raise Unavailable(f"the store at {path} cannot be read: {error.strerror}") from error


class _StoreReader:
    """A read-only store handle, reopened whenever the store's files change, or when worn
    (WORN_AFTER_SECONDS) and the worker is idle."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.signature: tuple[tuple[str, int, int], ...] = ()
        self.store: ox.Store | None = None
        self.evaluated = 0.0
        """Seconds spent answering jobs since the handle was opened."""

    @property
    def worn(self) -> bool:
        return self.evaluated >= WORN_AFTER_SECONDS

    def current(self) -> ox.Store:
        signature = store_signature(self.path)
        if self.store is None or signature != self.signature:
            self.store = None
            try:
                self.store = ox.Store.read_only(str(self.path))
            except OSError as error:
                raise Unavailable(f"the store at {self.path} cannot be opened: {error}") from error
            self.signature, self.evaluated = signature, 0.0
        return self.store

    def refresh(self) -> None:
        """Drop the handle and open a fresh one now, before the next job needs it."""
        self.store, self.evaluated = None, 0.0
        with suppress(Unavailable):  # the next job reports it
            self.current()


def _serve(source: Path | Endpoint, channel: socket.socket) -> None:
    """The loop of one worker process: a job in, a QueryResult or a _Failure out."""
    reader = source if isinstance(source, Endpoint) else _StoreReader(source)
    store = reader if isinstance(reader, _StoreReader) else None
    while True:
        if store is not None and store.worn and not select.select([channel], [], [], IDLE_BEFORE_REFRESH)[0]:
            store.refresh()
        try:
            job: QueryJob = read_message(channel)
        except EOFError:
            return
        reply: QueryResult | _Failure
        started = time.perf_counter()
        try:
            reply = execute(reader.current(), job)
        except ServiceError as error:
            reply = _Failure(error.status, error.message)
        except SyntaxError as error:
            reply = _Failure(400, f"SPARQL syntax error: {error}")
        except (OSError, RuntimeError, ValueError, TypeError) as error:
            reply = _Failure(500, f"the query failed: {error}")
        if store is not None:
            store.evaluated += time.perf_counter() - started
        channel.sendall(framed(reply))


def framed(message: object) -> bytes:
    """A job or a reply as sent between the service and a worker (HEADER)."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def read_message(channel: socket.socket) -> Any:
    """The next framed message on a blocking socket; EOFError once the other side has closed it."""
    (size,) = HEADER.unpack(_read_exactly(channel, HEADER.size))
    return pickle.loads(_read_exactly(channel, size))


def _read_exactly(channel: socket.socket, size: int) -> bytearray:
    data = bytearray(size)
    view, got = memoryview(data), 0
    while got < size:
        received = channel.recv_into(view[got:])
        if not received:
            raise EOFError
        got += received
    return data


@dataclass
class _Worker:
    process: BaseProcess
    replies: asyncio.StreamReader
    jobs: asyncio.StreamWriter
    sent: int = 0
    """Bytes of large answers sent so far."""


class QueryRunner:
    """A pool of query worker processes over the store at `path` (or at a remote SPARQL `endpoint`),
    with a time limit per query; a worker is replaced once its large answers add up to `retire_after`."""

    def __init__(self, path: Path, workers: int, timeout: float, endpoint: str | None = None,
                 retire_after: int | None = RETIRE_AFTER_BYTES) -> None:
        self.path, self.size, self.timeout, self.endpoint = path, workers, timeout, endpoint
        self.retire_after = retire_after
        self.source: Path | Endpoint = Endpoint(endpoint, timeout) if endpoint else path
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: list[_Worker] = []
        self._replacements: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Start the workers (in threads: spawning imports pyoxigraph in each)."""
        for worker in await asyncio.gather(*(self._spawn() for _ in range(self.size))):
            self._idle.put_nowait(worker)

    @asynccontextmanager
    async def separate(self, workers: int = 1) -> AsyncIterator[QueryRunner]:
        """A pool of its own over the same store, for the time of a bulk read (the search index).

        Bulk answers would wear out the request workers (see RETIRE_AFTER_BYTES) or have them
        replaced again and again; this pool's workers are not replaced, they end with the read.
        """
        runner = QueryRunner(self.path, workers, self.timeout, self.endpoint, retire_after=None)
        await runner.start()
        try:
            yield runner
        finally:
            runner.close()

    def close(self) -> None:
        """Stop every worker."""
        for worker in self._all:
            worker.jobs.close()
            worker.process.kill()
            worker.process.join()
        self._all.clear()

    async def run(self, job: QueryJob) -> QueryResult:
        """The answer to `job`, or Unavailable when it overruns the time limit or no worker frees up."""
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError as error:
            raise Unavailable(f"all {self.size} query workers stayed busy for {self.timeout:g} s; "
                              "try again later", {"Retry-After": "1"}) from error
        try:
            reply = await self._exchange(worker, job)
        except BaseException:  # cancelled: its reply may still come, so the worker cannot take another job
            worker.process.kill()
            self._replacements.add(asyncio.create_task(self._replace(worker)))
            raise
        if isinstance(reply, QueryResult) and len(reply.body) >= LARGE_ANSWER:
            worker.sent += len(reply.body)
        worn = self.retire_after is not None and worker.sent >= self.retire_after
        if worker.process.is_alive() and not worn:
            self._idle.put_nowait(worker)
        else:
            self._replacements.add(asyncio.create_task(self._replace(worker)))
        if reply is None:
            raise Unavailable(f"the query ran past the time limit of {self.timeout:g} s and was stopped")
        if isinstance(reply, _Failure):
            raise reply.error()
        return reply

    async def rows(self, query: str) -> list[dict[str, str]]:
        """The plain values of every row of a SELECT of the service's own (no result cap that matters)."""
        result = await self.run(QueryJob(query=query, fmt=JSON, result_limit=INTERNAL_ROWS))
        bindings = json.loads(result.body)["results"]["bindings"]
        return [{name: term["value"] for name, term in binding.items()} for binding in bindings]

    async def _exchange(self, worker: _Worker, job: QueryJob) -> QueryResult | _Failure | None:
        """Send a job and wait for its reply; None (after killing the worker) past the time limit."""
        try:
            async with asyncio.timeout(self.timeout):
                worker.jobs.write(framed(job))
                await worker.jobs.drain()
                (size,) = HEADER.unpack(await worker.replies.readexactly(HEADER.size))
                reply: QueryResult | _Failure = pickle.loads(await worker.replies.readexactly(size))
                return reply
        except TimeoutError:
            worker.process.kill()
            await asyncio.to_thread(worker.process.join)
            return None
        except (asyncio.IncompleteReadError, ConnectionError):
            return _Failure(500, "the query worker died")

    async def _replace(self, worker: _Worker) -> None:
        """Stop `worker` (dead, or worn by large answers) and put a fresh one in its place."""
        worker.jobs.close()
        worker.process.kill()
        await asyncio.to_thread(worker.process.join)
        self._all.remove(worker)
        self._idle.put_nowait(await self._spawn())
        self._replacements.discard(asyncio.current_task())

    async def _spawn(self) -> _Worker:
        """Start a worker (in a thread: spawning imports pyoxigraph) and open the stream to it."""
        ours, theirs = socket.socketpair()
        process = self._context.Process(target=_serve, args=(self.source, theirs), daemon=True,
                                        name="policykg-query")
        await asyncio.to_thread(process.start)
        theirs.close()
        replies, jobs = await asyncio.open_connection(sock=ours, limit=LARGE_ANSWER)
        worker = _Worker(process, replies, jobs)
        self._all.append(worker)
        return worker
