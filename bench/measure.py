"""measure: the instruments of the benchmark — wall time, latency statistics, process-tree
memory, and the rdflib reference engine in a child process that can be stopped.

Memory is read from /proc (Linux), summed over a process and all its descendants, because
both ingest and the service do their work in pools of worker processes.
"""

from __future__ import annotations

import multiprocessing
import statistics
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

__all__ = ["Latency", "MemoryPeak", "ReferenceEngine", "latency", "timed"]


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


def _reference_worker(nquads: Path, connection: Connection) -> None:
    """Child process: load the data into an rdflib Dataset, then answer (query, bindings) pairs."""
    from rdflib import Dataset

    dataset = Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    connection.send(len(dataset))
    while True:
        message = connection.recv()
        if message is None:
            return
        sparql, bindings = message
        start = time.perf_counter()
        try:
            result = dataset.query(sparql, initBindings=bindings)
            rows = [tuple(_lexical(row.get(v)) for v in result.vars or []) for row in result.bindings]
        except Exception as error:
            connection.send(f"{type(error).__name__}: {error}")
            continue
        connection.send((time.perf_counter() - start, rows))


def _lexical(term: object) -> str:
    return "" if term is None else str(term)


class ReferenceEngine:
    """rdflib over the same data, in a child process so a query past its time can be stopped."""

    def __init__(self, nquads: Path, timeout: float) -> None:
        self.nquads, self.timeout = nquads, timeout
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_reference_worker, args=(nquads, child), daemon=True)
        self._process.start()
        self.quads: int = self._connection.recv()

    def run(self, sparql: str, bindings: Mapping[str, object]) -> tuple[float, Rows] | str:
        """Seconds and rows of one run, or why there are none: rdflib's error, or the time limit
        (then the engine is stopped, and `alive` is false)."""
        self._connection.send((sparql, dict(bindings)))
        if self._connection.poll(self.timeout):
            answer: tuple[float, Rows] | str = self._connection.recv()
            return answer
        self.close()
        return f"over {self.timeout:.0f} s"

    @property
    def alive(self) -> bool:
        return self._process.is_alive()

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
