"""store.lease: one writer at a time on a store that several clients share.

Storing a batch reads the copies of its policies, then writes (base.py): two clients that ingest
two copies of one policy at once would each plan against a store without the other's copy, and the
later write would drop the earlier one. So a writer on a remote store first takes the store's write
lease, a pkg:WriteLease in the catalogue graph naming it and when the lease ends, and goes on only
when it reads back its own lease alone: two writers that took it from one snapshot both see two and
both step back, each after a random pause. The lease is given back after the write, and one left by
a writer that died ends by itself (`LEASE`); a writer that cannot get it in that time says so.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from importlib import resources

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ingest.store.base import SparqlStore
from ingest.store.interface import StoreUnreachable, select
from ingest.store.values import bind_values
from ingest.vocab import CATALOG_GRAPH

__all__ = ["LEASE", "StoreBusy", "lease_holders", "write_lease"]

LEASE = timedelta(seconds=300)
"""How long a lease lasts: as long as a remote request may (RemoteStore's timeout), so a live
writer's request ends before its lease does."""
_PAUSE = (0.05, 0.5)
"""Seconds between tries, at random in this range: two writers that stepped back try apart."""


class StoreBusy(StoreUnreachable):
    """Another writer held the store's write lease for as long as a lease lasts: like a store that
    does not answer, no other write of the batch would land either."""


@contextmanager
def write_lease(store: SparqlStore, wait: timedelta = LEASE + timedelta(seconds=30)) -> Iterator[None]:
    """Hold the store's write lease for the block; StoreBusy if another writer keeps it past `wait`."""
    holder = URIRef(uuid.uuid4().urn)
    deadline = time.monotonic() + wait.total_seconds()
    while not _taken(store, holder):
        if time.monotonic() > deadline:
            raise StoreBusy(f"another ingest has been writing to the store for over {wait.seconds} s "
                            "(its write lease has not ended): try again when it is done")
        time.sleep(random.SystemRandom().uniform(*_PAUSE))
    try:
        yield
    finally:
        _run(store, "lease-give.ru", holder=holder)


def _taken(store: SparqlStore, holder: URIRef) -> bool:
    """Try once: True when `holder` alone holds the lease, else nothing of it is left held."""
    now = datetime.now(UTC)
    _run(store, "lease-expire.ru", now=_moment(now))
    _run(store, "lease-take.ru", holder=holder, until=_moment(now + LEASE))
    holders = lease_holders(store)
    if holders == {holder}:
        return True
    if holder in holders:
        _run(store, "lease-give.ru", holder=holder)
    return False


def lease_holders(store: SparqlStore) -> set[Node]:
    """The writers holding the store's write lease now: none, one, or two that both took it."""
    held = select(store, _text("lease-holders.rq"), {"catalog": CATALOG_GRAPH})
    return {row["holder"] for row in held.rows}


def _run(store: SparqlStore, name: str, **bindings: URIRef | Literal) -> None:
    store.update(bind_values(_text(name), {"catalog": CATALOG_GRAPH, **bindings}))


def _moment(when: datetime) -> Literal:
    return Literal(when.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def _text(name: str) -> str:
    return resources.files("ingest.store").joinpath(name).read_text(encoding="utf-8")
