"""The search index of the store: built in the background from start-up, kept up to date incrementally.

A store of 10,000 documents holds ~200,000 measures: one query over all of them runs past the
query time limit, and tokenising them all takes minutes. So the index is built document by
document: the catalogue lists each document graph with its ingest time; the measures of new or
re-ingested documents are fetched a page of documents at a time (service/search_rows.py, each page
well inside the time limit, through the query workers like any query) and tokenised in worker processes
(the event loop never runs jieba); the terms of unchanged documents are kept from the last build.
Until the first index exists, /search answers 503 with Retry-After; afterwards a rebuild never
makes a search wait: it is answered from the previous index. Each hit carries its policy's validity
on the day (ingest/validity.py), brought up to date at each build and on the first search of a new
day. The documents of the last build are
kept on disk beside an embedded store (service/search_disk.py): a restarted service, and
`policykg search`, read and tokenise only the documents that changed since.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest.processes import end_with_parent
from ingest.sparql import sparql_file
from service.errors import Unavailable
from service.search import MeasureIndex, Vocabulary, with_validity
from service.search_disk import IndexedDocument, load, save
from service.search_rows import VALIDITY, Hit, hits_of, indexed_text, queries_for, statuses
from service.search_words import term_counts
from service.sparql.runner import QueryRunner
from service.store_stamp import RowSource, Signature, StoreStamp

__all__ = ["SearchIndexCache"]

log = logging.getLogger(__name__)

PAGE_DOCUMENTS = 100
"""Documents per measures query: ~2,000 measures, a fraction of a second, far inside the time limit."""
POOL_THRESHOLD = 5_000
"""Below this many measures to tokenise, a thread does it; above, worker processes, whose start-up
is worth paying only for a large build."""
MEASURES_PER_DOCUMENT = 25
"""About how many measures a document of the genre has, to guess the work before fetching it."""
FIRST_WAIT = 3.0
"""Seconds a search waits for the first index before it is answered 503 (a small store is ready by then)."""

CATALOGUE_QUERY = sparql_file("service", "search_catalogue.rq")


@dataclass
class Progress:
    """How far the running build is, for the Retry-After of a search that came too early."""

    total: int = 0
    done: int = 0
    started: float = 0.0

    def seconds_left(self) -> int:
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if self.done and elapsed > 0 else 0.0
        guess = (self.total - self.done) / rate if rate else 10.0
        return max(1, min(600, math.ceil(guess)))


class SearchIndexCache:
    """The index of the store: built at start-up and whenever the store changes, never twice at once.

    Whether the store changed is StoreStamp's answer: checked on every search.
    """

    def __init__(self, path: Path | None, tokenisers: int | None = None, page_documents: int = PAGE_DOCUMENTS,
                 first_wait: float = FIRST_WAIT, kept: Path | None = None,
                 today: Callable[[], date] = date.today) -> None:
        """`kept`: the file where the documents of the last build are kept (service/search_disk.py);
        `today`: the day whose validity statuses the hits carry."""
        self.path, self.page_documents, self.first_wait, self.kept = path, page_documents, first_wait, kept
        self.today = today
        self.policy_dates: list[dict[str, str]] = []
        """The rows of search_validity.rq at the last build."""
        self.validity_day: date | None = None
        self.tokenisers = tokenisers or max(1, min(2, os.cpu_count() or 1))
        self.index: MeasureIndex | None = None
        self.signature: Signature = ()
        self.progress = Progress()
        self.documents: dict[str, IndexedDocument] = {}
        self.vocabulary = Vocabulary()
        self.stamp = StoreStamp(path)
        self._build: asyncio.Task[None] | None = None

    def start(self, runner: QueryRunner) -> asyncio.Task[None]:
        """Build (or rebuild) in the background, unless a build is already running."""
        if self._build is None or self._build.done():
            self._build = asyncio.create_task(self._run(runner))
        return self._build

    def close(self) -> None:
        if self._build is not None:
            self._build.cancel()

    async def latest(self, runner: QueryRunner) -> MeasureIndex:
        """The latest index; a rebuild is started when the store changed. Unavailable (503 with
        Retry-After) while there is no index yet."""
        if self.index is not None:
            if await self.stamp.signature(runner) != self.signature:
                self.start(runner)
            if self.today() != self.validity_day:
                await self._revalue(self.index)
            return self.index
        build = self.start(runner)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(build), self.first_wait)
        if self.index is None:
            progress, wait = self.progress, self.progress.seconds_left()
            raise Unavailable(f"the search index is being built ({progress.done} of {progress.total} "
                              f"documents read); retry in {wait} s", {"Retry-After": str(wait)})
        return self.index

    async def refresh(self, runner: RowSource, report: Callable[[int, int], None] | None = None,
                      ) -> MeasureIndex:
        """Build now, from what is kept on disk and the documents changed since, and return the
        index (for `policykg search`); `report(done, total)` after each page of documents. Errors raise."""
        signature = await self.stamp.signature(runner)
        await self._rebuild(runner, report)
        self.signature = signature
        if self.index is None:  # not reached: a rebuild that returns has made an index
            raise Unavailable("the search index could not be built")
        return self.index

    async def _run(self, runner: QueryRunner) -> None:
        try:
            signature = await self.stamp.signature(runner)
            async with runner.separate() as reader:
                whole = await self._rebuild(reader)
            if whole:  # else the next search builds again, reading only the documents left out
                self.signature = signature
        except asyncio.CancelledError:
            raise
        except Exception:  # the last good index stays; the next search or change retries
            log.exception("building the search index failed")

    async def _rebuild(self, runner: RowSource, report: Callable[[int, int], None] | None = None) -> bool:
        """Read what changed and make the index; whether every document listed was read."""
        if self.kept is not None and not self.documents:
            restored = await asyncio.to_thread(load, self.kept)
            if restored is not None:
                self.documents, self.vocabulary = restored
        listed = {row["graph"]: row.get("modified", "") for row in await runner.rows(CATALOGUE_QUERY)}
        stale = sorted(graph for graph, modified in listed.items()
                       if graph not in self.documents or self.documents[graph].modified != modified)
        self.progress = Progress(len(listed), len(listed) - len(stale), time.monotonic())
        if stale:
            pool = _tokeniser_pool(self.tokenisers, len(stale) * MEASURES_PER_DOCUMENT >= POOL_THRESHOLD)
            try:
                pending = []
                for first in range(0, len(stale), self.page_documents):
                    page = stale[first: first + self.page_documents]
                    read = self._read(pool, page, *await _hits(runner, page), listed, report)
                    pending.append(asyncio.create_task(read))
                await asyncio.gather(*pending)
            finally:
                pool.shutdown(wait=False, cancel_futures=True)
        whole = all(graph in self.documents and self.documents[graph].modified == listed[graph]
                    for graph in stale)
        kept = {graph: self.documents[graph] for graph in sorted(listed) if graph in self.documents}
        changed = bool(stale) or len(kept) != len(self.documents)
        self.documents = kept
        if changed and self.kept is not None:
            await asyncio.to_thread(save, self.kept, kept, self.vocabulary)
        hits = [h for document in kept.values() for h in document.hits]
        terms = [t for document in kept.values() for t in document.terms]
        self.policy_dates, day = await runner.rows(VALIDITY), self.today()
        valued = await asyncio.to_thread(with_validity, hits, statuses(self.policy_dates, day))
        self.index = await asyncio.to_thread(MeasureIndex, valued, terms, self.vocabulary)
        self.validity_day = day
        return whole

    async def _revalue(self, index: MeasureIndex) -> None:
        """On a new day, each measure's validity on it; the words are not read again."""
        day = self.today()
        self.index = await asyncio.to_thread(index.with_validity, statuses(self.policy_dates, day))
        self.validity_day = day

    async def _read(self, pool: Executor, page: Sequence[str], hits: dict[str, list[Hit]], read: set[str],
                    listed: dict[str, str], report: Callable[[int, int], None] | None) -> None:
        """Tokenise one page of documents (in the pool) and keep the measures of those `read`."""
        ordered = [h for graph in page for h in hits.get(graph, ())]
        counts = await asyncio.get_running_loop().run_in_executor(
            pool, term_counts, [indexed_text(h) for h in ordered])
        terms = iter([self.vocabulary.terms(c) for c in counts])
        for graph in (graph for graph in page if graph in read):
            found = hits.get(graph, [])
            self.documents[graph] = IndexedDocument(listed[graph], tuple(found),
                                                    tuple(next(terms) for _ in found))
        self.progress.done += len(page)
        if report is not None:
            report(self.progress.done, self.progress.total)


async def _hits(runner: RowSource, page: Sequence[str]) -> tuple[dict[str, list[Hit]], set[str]]:
    """The measures of a page of documents, and the documents read. A page whose queries the store
    does not answer in time (a loaded machine, documents of thousands of measures) is read again in
    halves; a document that alone still is not answered is left out of this index with a warning
    (it is read again at the next build) instead of holding up every other."""
    try:
        return hits_of(*[await runner.rows(query) for query in queries_for(page)]), set(page)
    except Unavailable as error:
        if len(page) == 1:
            log.warning("search index: %s left out until the next build: %s", page[0], error.message)
            return {}, set()
        half = len(page) // 2
        first, first_read = await _hits(runner, page[:half])
        second, second_read = await _hits(runner, page[half:])
        return {**first, **second}, first_read | second_read


def _tokeniser_pool(workers: int, large: bool) -> Executor:
    """Processes for a large build (jieba holds the GIL: in a thread it would slow every request),
    one thread for a small one."""
    if large:
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=end_with_parent, initargs=(os.getpid(),))
    return ThreadPoolExecutor(1, thread_name_prefix="policykg-tokens")
