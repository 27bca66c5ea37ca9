"""Whether the store changed since a cache of it was made: the search index and the page keys ask.

An embedded store has changed when its files have (a directory listing, cheap enough to check on
every request); a remote store when its catalogue has, asked at most every STAMP_INTERVAL seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from ingest.sparql import sparql_file
from service.sparql.runner import QueryRunner
from service.sparql.worker import store_signature

__all__ = ["STAMP_INTERVAL", "KeptValue", "RowSource", "Signature", "StoreStamp"]

STAMP_INTERVAL = 10.0
"""Seconds between two looks at a remote store's catalogue for changes."""
STAMP_QUERY = sparql_file("service", "store-stamp.rq")

Signature = tuple[object, ...]


class RowSource(Protocol):
    """What answers the service's own SELECTs: the query runner, or a store read in process."""

    async def rows(self, query: str) -> list[dict[str, str]]: ...


class StoreStamp:
    """The signature of the store at `path`, or of the remote store the runner queries when None."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._asked: tuple[float, Signature] = (-STAMP_INTERVAL, ())

    async def signature(self, runner: RowSource) -> Signature:
        if self.path is not None:
            return await asyncio.to_thread(store_signature, self.path)
        asked, stamp = self._asked
        if time.monotonic() - asked >= STAMP_INTERVAL:
            rows = await runner.rows(STAMP_QUERY)
            stamp = tuple(sorted(rows[0].items())) if rows else ()
            self._asked = (time.monotonic(), stamp)
        return stamp


Value = TypeVar("Value")


class KeptValue(Generic[Value]):
    """Something read from the store (by `read`), read again only when the store has changed."""

    def __init__(self, stamp: StoreStamp, read: Callable[[QueryRunner], Awaitable[Value]]) -> None:
        self.stamp, self.read = stamp, read
        self._kept: tuple[Signature, Value] | None = None
        self._reading = asyncio.Lock()
        """Requests that find the value out of date wait for one read instead of each reading."""

    async def value(self, runner: QueryRunner) -> Value:
        signature = await self.stamp.signature(runner)
        if self._kept is None or self._kept[0] != signature:
            async with self._reading:
                if self._kept is None or self._kept[0] != signature:
                    self._kept = (signature, await self.read(runner))
        return self._kept[1]
