"""One query worker process: jobs in, serialised answers out, over a socket to the service.

Each worker reads the store read-only (or sends each query to a remote SPARQL endpoint) and
answers one job at a time. What one query may take is bounded here, where the query runs: its
answer's rows and bytes (`execute`), the worker's memory (an address-space limit on its heap,
`WorkerLimits.memory_bytes`: past it the allocation fails and the worker ends, failing only that
query), and the engine's stack (queries are evaluated on a thread with a QUERY_STACK stack, far
more than the guard's limits can use). A worker ends with the service: the kernel kills it
when the thread that started it ends (PR_SET_PDEATHSIG), even while a query holds it busy.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import resource
import select
import signal
import socket
import struct
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ingest.processes import end_with_parent
from ingest.store import disk_signature
from service.errors import BadRequest, Refused, ServiceError, Unavailable
from service.sparql import formats
from service.sparql.endpoint import Endpoint
from service.sparql.formats import JSON, Format

WORN_AFTER_SECONDS = 0.1
"""Evaluation time after which a store handle counts as worn: after long evaluations (a comparison
over many cities) an open read-only store answers small lookups slower, and a handle opened afresh
does not (bench/README.md). Reopening has a cost, so a worker reopens a worn handle only once it has
been idle for IDLE_BEFORE_REFRESH seconds."""
IDLE_BEFORE_REFRESH = 0.05
HEADER = struct.Struct("!Q")
"""Each message between the service and a worker: its length, then the pickled job or reply. The
service reads replies as a stream on its event loop: no thread waits on a worker, and a large answer
arriving never holds up other requests."""
QUERY_STACK = 256 * 2**20
"""The stack of the thread that evaluates queries. The engine parses and evaluates recursively: on a
main thread's 8 MB, a few thousand nested groups or BINDs in a row overflow it (the worker dies of
SIGSEGV; limits in bench/README.md). Address space only: pages are used as touched."""
PR_SET_PDEATHSIG = 1
READY = "ready"
"""A worker's first message: it has imported what it needs and takes jobs from now on."""


@dataclass(frozen=True)
class WorkerLimits:
    """What one query may take of a worker: memory (address space, None: no limit) and answer bytes."""

    memory_bytes: int | None = 2048 * 2**20
    answer_bytes: int = 64 * 2**20


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
    written by the engine's serialiser, not term by term in Python, which is slower."""


@dataclass(frozen=True)
class QueryResult:
    """A serialised answer; `truncated` when the result cap cut it."""

    body: bytes
    media_type: str
    truncated: bool = False


@dataclass(frozen=True)
class Failure:
    """An error raised in a worker, sent back as data: exceptions do not cross processes well."""

    status: int
    message: str

    def error(self) -> ServiceError:
        kinds: dict[int, type[ServiceError]] = {400: BadRequest, 403: Refused, 503: Unavailable}
        error = kinds.get(self.status, ServiceError)(self.message)
        error.status = self.status
        return error


def out_of_memory(limits: WorkerLimits) -> str:
    """The message of a query stopped at the memory limit of its worker."""
    megabytes = (limits.memory_bytes or 0) // 2**20
    return (f"the query needed more memory than a query worker may use ({megabytes:,} MB) and was stopped; "
            "narrow it (fewer rows to sort or group, a LIMIT)")


def execute(store: ox.Store | Endpoint, job: QueryJob, answer_bytes: int = WorkerLimits.answer_bytes,
            ) -> QueryResult:
    """Run one job on an open store or an endpoint (in a worker process) and serialise its answer,
    cut after `job.result_limit` rows or about `answer_bytes` bytes of terms."""
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
        rows, truncated = _within(([solution[v] for v in variables] for solution in answer), job.result_limit,
                                  answer_bytes)
        body = formats.write_solutions(variables, rows, job.fmt, truncated)
        return QueryResult(body, job.fmt.media_type, truncated)
    triples, truncated = _within(([triple] for triple in answer), job.result_limit, answer_bytes)
    body = formats.write_triples([triple for triple, in triples], job.fmt, job.prefixes)
    return QueryResult(body, job.fmt.media_type, truncated)


def _within(rows: Any, most: int, most_bytes: int) -> tuple[list[list[Any]], bool]:
    """The first rows within `most` rows and `most_bytes` bytes, and whether any were left out."""
    kept: list[list[Any]] = []
    size = 0
    for row in islice(rows, most + 1):
        size += sum(_size(term) for term in row)
        if len(kept) == most or size > most_bytes:
            return kept, True
        kept.append(row)
    return kept, False


def _size(term: object) -> int:
    """About the bytes a term takes in an answer (its text in UTF-8, its datatype, some syntax)."""
    if isinstance(term, ox.Triple):
        return _size(term.subject) + _size(term.predicate) + _size(term.object)
    if isinstance(term, ox.Literal):
        return _utf8_length(term.value) + len(term.datatype.value) + 8
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return _utf8_length(term.value) + 8
    return 0


def _utf8_length(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode())


def store_signature(path: Path) -> tuple[tuple[str, int, int], ...]:
    """The embedded store's signature (ingest.store.disk_signature); Unavailable when unreadable."""
    try:
        return disk_signature(path)
    except OSError as error:
        raise Unavailable(f"the store at {path} cannot be read: {error.strerror}") from error


class StoreReader:
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

    def handle(self) -> ox.Store:
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
            self.handle()


def main(source: Path | Endpoint, channel: socket.socket, parent: int, limits: WorkerLimits) -> None:
    """The worker process: bound to its parent and its limits, then the job loop on a large stack."""
    _end_with(parent)
    if limits.memory_bytes is not None:
        resource.setrlimit(resource.RLIMIT_DATA, (limits.memory_bytes, limits.memory_bytes))
    threading.stack_size(QUERY_STACK)
    try:
        channel.sendall(framed(READY))
    except BrokenPipeError:  # the pool closed while this worker started
        return
    loop = threading.Thread(target=serve, args=(source, channel, limits), name="policykg-query")
    loop.start()
    loop.join()


def _end_with(parent: int) -> None:
    """Be killed when the thread that started this process ends (Linux), or exit when the parent is
    gone (elsewhere, checked every second by a thread, which a query holding the GIL delays)."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        end_with_parent(parent)
        return
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before the request took effect
        os._exit(1)


def serve(source: Path | Endpoint, channel: socket.socket, limits: WorkerLimits | None = None) -> None:
    """The job loop of a worker: a job in, a QueryResult or a Failure out, until the channel closes
    (or the worker runs out of memory: it answers that job, then ends)."""
    limits = limits or WorkerLimits()
    reader = source if isinstance(source, Endpoint) else StoreReader(source)
    store = reader if isinstance(reader, StoreReader) else None
    while True:
        if store is not None and store.worn and not select.select([channel], [], [], IDLE_BEFORE_REFRESH)[0]:
            store.refresh()
        try:
            job: QueryJob = read_message(channel)
        except EOFError:
            return
        reply: QueryResult | Failure
        started = time.perf_counter()
        try:
            reply = execute(reader.handle(), job, limits.answer_bytes)
        except ServiceError as error:
            reply = Failure(error.status, error.message)
        except SyntaxError as error:
            reply = Failure(400, f"SPARQL syntax error: {error}")
        except MemoryError:
            channel.sendall(framed(Failure(503, out_of_memory(limits))))
            return
        except (OSError, RuntimeError, ValueError, TypeError) as error:
            reply = Failure(500, f"the query failed: {error}")
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
    # the socket joins a worker to the service that started it; nothing else writes to it
    return pickle.loads(_read_exactly(channel, size))  # noqa: S301


def _read_exactly(channel: socket.socket, size: int) -> bytearray:
    data = bytearray(size)
    view, got = memoryview(data), 0
    while got < size:
        received = channel.recv_into(view[got:])
        if not received:
            raise EOFError
        got += received
    return data
