"""build: many files through the pipeline (ingest/pipeline.py), in parallel, into a store.

Documents are built (read → … → validate) in parallel processes, each independent of the others,
and written by the parent, the single writer, in batches (the store stage, ingest/write.py: one
transaction per batch, one per document when a batch fails).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TypeVar

from ingest.errors import IngestError
from ingest.pipeline import build
from ingest.processes import end_with_parent
from ingest.read import MAX_BYTES
from ingest.store import DocumentEntry, Store
from ingest.write import DocumentGraph, StorableDocument, store_documents

__all__ = ["BATCH", "build_all", "build_batches", "default_jobs", "ingest_all"]

BATCH = 50
"""Documents written in one store transaction at most: the per-request cost is paid once per batch."""
AHEAD = 2
"""Batches built ahead of the writer at most: when the store is the slower side, finished documents
wait in a bounded queue instead of all of them in the writer's memory."""
WORKER_NICENESS = 5
"""Builders yield the CPU to the single writer, the slower side: they only need to stay ahead of it."""

Built = TypeVar("Built", DocumentGraph, StorableDocument)
"""What a worker sends back: the graphs themselves, or only what the store needs of them."""


def ingest_all(store: Store, paths: Sequence[Path], jobs: int = 1, limit: int = MAX_BYTES,
               warn: Callable[[str, str], None] | None = None, strict: bool = False
               ) -> Iterator[DocumentEntry | IngestError]:
    """Build every path (in parallel with jobs > 1) and store them batch by batch, in path order;
    `warn(file name, warning)` hears each document's warnings; `strict` refuses partial copies.
    StoreUnreachable from the store ends it: the caller says how far it got."""
    store.complete_catalogue()
    for batch in _batches(paths, jobs, BATCH, partial(_storable_in_worker, limit=limit)):
        for built in batch:
            if warn is not None and isinstance(built, StorableDocument):
                for warning in built.warnings:
                    warn(built.write.source, warning)
        yield from store_documents(store, batch, strict)


def default_jobs() -> int:
    """The CPUs this process may run on: documents are independent, so one worker each."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def build_all(paths: Sequence[Path], jobs: int = 1, limit: int = MAX_BYTES
              ) -> Iterator[DocumentGraph | IngestError]:
    """build() of each path, in path order; with jobs > 1 in a pool of processes.

    Extraction, graph and SHACL validation are pure per document, so they run in parallel; the
    caller writes to the store (a single writer) as results arrive. A failed document yields its
    IngestError instead of stopping the others.
    """
    for batch in build_batches(paths, jobs, limit=limit):
        yield from batch


def build_batches(paths: Sequence[Path], jobs: int = 1, size: int = BATCH, limit: int = MAX_BYTES
                  ) -> Iterator[list[DocumentGraph | IngestError]]:
    """build_all() in runs of consecutive finished documents (at most `size`), ready to write.

    A run ends where the next document is not built yet, so the writer never waits to fill a
    batch: when it is faster than the builders, batches stay small and documents land early.
    """
    return _batches(paths, jobs, size, partial(_build_in_worker, limit=limit))


def _batches(paths: Sequence[Path], jobs: int, size: int, work: Callable[[Path], Built | tuple[str, str, str]]
             ) -> Iterator[list[Built | IngestError]]:
    """build_batches() with `work` run on each path, in a pool of processes when jobs > 1."""
    if jobs <= 1 or len(paths) < 2:
        yield from ([_or_error(work(path))] for path in paths)
        return
    waiting = iter(paths)
    workers = min(jobs, len(paths))
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(os.getpid(),)) as pool:
        pending = deque(pool.submit(work, path) for path in islice(waiting, AHEAD * size))
        try:
            while pending:
                batch = [_or_error(pending.popleft().result())]
                while pending and len(batch) < size and pending[0].done():
                    batch.append(_or_error(pending.popleft().result()))
                pending.extend(pool.submit(work, path) for path in islice(waiting, len(batch)))
                yield batch
        finally:
            for future in pending:
                future.cancel()


def _start_worker(parent: int) -> None:
    """Builders yield to the writer, and end when it dies: a killed ingest leaves no orphans
    (a pool process whose parent is gone would otherwise wait for work forever)."""
    os.nice(WORKER_NICENESS)
    end_with_parent(parent)


def _or_error(result: Built | tuple[str, str, str]) -> Built | IngestError:
    return IngestError(*result) if isinstance(result, tuple) else result


def _build_or_error(path: Path, limit: int) -> DocumentGraph | IngestError:
    try:
        return build(path, limit)
    except IngestError as error:
        return error


def _build_in_worker(path: Path, limit: int = MAX_BYTES) -> DocumentGraph | tuple[str, str, str]:
    """build() in a pool process; an IngestError comes back as its fields (it does not pickle)."""
    result = _build_or_error(path, limit)
    return (result.source, result.stage, result.reason) if isinstance(result, IngestError) else result


def _storable_in_worker(path: Path, limit: int = MAX_BYTES) -> StorableDocument | tuple[str, str, str]:
    """_build_in_worker(), serialised for the store where it was built."""
    result = _build_in_worker(path, limit)
    return result.storable() if isinstance(result, DocumentGraph) else result
