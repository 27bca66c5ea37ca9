"""measure: the instruments of the benchmark — an HTTP client, wall time, latency statistics,
process-tree memory, and the rdflib reference engine in a child process whose queries can be stopped.

Memory is read from /proc (Linux), summed over a process and all its descendants, because
both ingest and the service do their work in pools of worker processes.
"""

from __future__ import annotations

import ctypes
import gc
import http.client
import multiprocessing
import os
import signal
import statistics
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

__all__ = ["Answer", "KeepAlive", "Latency", "MemoryPeak", "ReferenceEngine", "Reply", "RequestFailed",
           "Rows", "ending_with", "latency", "timed"]

PR_SET_PDEATHSIG = 1
try:
    _PRCTL: Callable[..., int] | None = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux: children outlive a killed benchmark
    _PRCTL = None


def ending_with(parent: int) -> Callable[[], None] | None:
    """A `preexec_fn` that has a child sent SIGTERM when `parent` ends, even killed by SIGKILL (a
    test's timeout), so that no service or ingest of the benchmark is left running (Linux). prctl
    is looked up here, before the fork: the child only calls it."""
    if _PRCTL is None:
        return None
    prctl = _PRCTL

    def end_with_parent() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent ended before the request took effect
            os._exit(1)
    return end_with_parent



class RequestFailed(Exception):
    """An answer other than 2xx; the message is its status and the start of its body."""


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def checked(self) -> Reply:
        if not self.ok:
            raise RequestFailed(f"HTTP {self.status}: {self.body[:120].decode('utf-8', 'replace')}")
        return self


class KeepAlive:
    """GET requests over one kept-alive HTTP/1.1 connection: the standard library's client.

    The client's own time is part of every latency measured, and not the service's: the standard
    library's client spends a third of what httpx does per curated page (bench/README.md).
    The service closes a connection idle for 5 s (uvicorn's keep-alive timeout), as it is between
    two queries while rdflib runs; a GET that finds its connection closed goes again on a new one.
    """

    def __init__(self, base_url: str, timeout: float = 120) -> None:
        url = urlsplit(base_url)
        self.base_url = base_url
        self._connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=timeout)

    def get(self, path: str, params: Mapping[str, str] | None = None,
            accept: str = "application/json") -> Reply:
        target = f"{path}?{urlencode(params)}" if params else path
        try:
            return self._exchange(target, accept)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            return self._exchange(target, accept)

    def post(self, path: str, body: bytes, content_type: str, accept: str = "application/json") -> Reply:
        """A POST (a SPARQL query as `application/sparql-query`), sent again on a closed connection."""
        try:
            return self._exchange(path, accept, body, content_type)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            return self._exchange(path, accept, body, content_type)

    def _exchange(self, target: str, accept: str, body: bytes | None = None, content_type: str = "") -> Reply:
        headers = {"Accept": accept, **({"Content-Type": content_type} if body is not None else {})}
        try:
            self._connection.request("GET" if body is None else "POST", target, body=body, headers=headers)
            response = self._connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        except (OSError, http.client.HTTPException):
            self._connection.close()  # the next request opens a new connection, whatever this one's state
            raise

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> KeepAlive:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


@dataclass(frozen=True)
class Latency:
    """Milliseconds over the repeated runs (after warm-up)."""

    median: float
    p95: float
    runs: int

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        ms = sorted(s * 1000 for s in seconds)
        return cls(statistics.median(ms), ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))], len(ms))


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def latency(call: Callable[[], object], repeats: int, warmup: int) -> Latency:
    """Median and p95 of `repeats` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        call()
    return Latency.of([timed(call) for _ in range(repeats)])


def tree_rss(pid: int) -> int:
    """Resident bytes of process `pid` and all its descendants (0 when it is gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        proc = Path(f"/proc/{current}")
        try:
            status = (proc / "status").read_text()
            for task in (proc / "task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += next((int(line.split()[1]) * 1024 for line in status.splitlines()
                       if line.startswith("VmRSS:")), 0)
    return total


class MemoryPeak:
    """Samples the RSS of a process tree every `interval` seconds while the block runs."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> MemoryPeak:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop.wait(self.interval)


Rows = list[tuple[str, ...]]
Answer = tuple[float, Rows] | str
"""Seconds and rows of one rdflib run, or why there are none."""


def _reference_worker(nquads: Path, connection: Connection) -> None:
    """Child process: load the data into an rdflib Dataset, then answer (query, bindings, seconds)
    messages, each in a forked child of its own, so that a query past its time limit is stopped
    without loading the data again (about a minute at 1,000 documents)."""
    from rdflib import Dataset

    dataset = Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    _answer(dataset, "ASK {}", {})  # the first query imports rdflib's SPARQL plugin and builds its grammar:
    # done here once, or every forked child would pay it again in its timed run (bench/README.md)
    gc.freeze()  # forked children then share the loaded pages instead of copying what the collector touches
    connection.send(len(dataset))
    while True:
        message = connection.recv()
        if message is None:
            return
        sparql, bindings, timeout = message
        connection.send(_answer_in_child(dataset, sparql, bindings, timeout))


def _answer_in_child(dataset: Any, sparql: str, bindings: Mapping[str, object], timeout: float) -> Answer:
    receiver, sender = multiprocessing.Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:
        receiver.close()
        try:
            sender.send(_answer(dataset, sparql, bindings))
        finally:
            os._exit(0)
    sender.close()
    try:
        if not receiver.poll(timeout):
            os.kill(pid, signal.SIGKILL)
            return f"over {timeout:,.0f} s"
        try:
            answer: Answer = receiver.recv()
        except EOFError:
            return "rdflib ended without an answer"
        return answer
    finally:
        receiver.close()
        os.waitpid(pid, 0)


def _answer(dataset: Any, sparql: str, bindings: Mapping[str, object]) -> Answer:
    start = time.perf_counter()
    try:
        result = dataset.query(sparql, initBindings=bindings)
        rows = [tuple(_lexical(row.get(v)) for v in result.vars or []) for row in result.bindings]
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return time.perf_counter() - start, rows


def _lexical(term: object) -> str:
    return "" if term is None else str(term)


class ReferenceEngine:
    """rdflib over the same data, in a child process that keeps the loaded data while each query
    runs in a child of its own, stopped at its time limit."""

    SLACK = 60.0
    """Seconds the engine may take beyond a query's limit before it is taken for hung and stopped."""

    def __init__(self, nquads: Path, timeout: float) -> None:
        self.nquads, self.timeout = nquads, timeout
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_reference_worker, args=(nquads, child), daemon=True)
        self._process.start()
        self.quads: int = self._connection.recv()

    def run(self, sparql: str, bindings: Mapping[str, object], timeout: float | None = None) -> Answer:
        """Seconds and rows of one run, or why there are none: rdflib's error, or the time limit
        (`timeout`, by default the engine's)."""
        limit = self.timeout if timeout is None else timeout
        self._connection.send((sparql, dict(bindings), limit))
        if self._connection.poll(limit + self.SLACK):
            answer: Answer = self._connection.recv()
            return answer
        self.close()
        return f"over {limit:,.0f} s"

    @property
    def alive(self) -> bool:
        return self._process.is_alive()

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
