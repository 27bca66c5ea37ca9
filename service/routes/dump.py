"""`/dump`: the whole store as N-Quads, streamed, for mirrors and bulk users."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Generator, Iterator
from contextlib import suppress
from itertools import islice
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from rdflib import URIRef

from ingest.sparql import sparql_file
from ingest.store import RemoteStoreError, bind_values, send_query
from service.deps import SettingsDep
from service.errors import ERROR_RESPONSE, Unavailable

router = APIRouter(tags=["service"])

BATCH = 5000
GRAPHS, GRAPH = (sparql_file("service", f"routes/dump-{name}.rq") for name in ("graphs", "graph"))


@router.get("/dump", response_class=StreamingResponse, responses={
    200: {"description": "Every quad of the store.", "content": {"application/n-quads": {
        "example": '<https://w3id.org/policykg/id/…> <http://data.europa.eu/eli/ontology#title> "…"@zh '
                   "<https://w3id.org/policykg/id/…/graph> .\n"}}},
    503: ERROR_RESPONSE})
async def dump(settings: SettingsDep) -> StreamingResponse:
    """Stream every quad of the store as N-Quads: the embedded store from a snapshot taken when
    the request came, a remote store one named graph at a time."""
    if settings.sparql_endpoint:
        endpoint, timeout = settings.sparql_endpoint, settings.query_timeout
        graphs = await asyncio.to_thread(_select, endpoint, GRAPHS, timeout)
        body = in_one_thread(remote_nquads(endpoint, [graph for graph, in graphs], timeout))
    else:
        try:
            store = await asyncio.to_thread(ox.Store.read_only, str(settings.store_path))
        except OSError as error:
            raise Unavailable(f"the store at {settings.store_path} cannot be opened: {error}") from error
        body = in_one_thread(embedded_nquads(store))
    return StreamingResponse(body, media_type="application/n-quads",
                             headers={"Content-Disposition": 'attachment; filename="policykg.nq"'})


async def in_one_thread(chunks: Generator[bytes, None, None], ahead: int = 2) -> AsyncIterator[bytes]:
    """The chunks of `chunks`, every one taken on the same thread of its own, at most `ahead` before
    the client reads them: pyoxigraph's quad iterator panics (and aborts the service) when used from
    two threads, as Starlette's thread pool would, one chunk on one thread and the next on another."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue()
    room, stop = threading.Semaphore(ahead), threading.Event()

    def deliver(item: bytes | BaseException | None) -> None:
        with suppress(RuntimeError):  # the loop has closed: nobody reads any more
            loop.call_soon_threadsafe(ready.put_nowait, item)

    def produce() -> None:
        try:
            for chunk in chunks:
                while not room.acquire(timeout=0.1):
                    if stop.is_set():
                        return
                if stop.is_set():
                    return
                deliver(chunk)
            deliver(None)
        except Exception as error:  # the reader raises it
            deliver(error)
        finally:
            chunks.close()  # on this thread too

    threading.Thread(target=produce, name="policykg-dump", daemon=True).start()
    try:
        while (item := await ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            room.release()
            yield item
    finally:
        stop.set()


def nquads(quads: Iterator[ox.Quad]) -> Iterator[bytes]:
    """Quads in N-Quads, a batch at a time."""
    while batch := list(islice(quads, BATCH)):
        yield ox.serialize(batch, format=ox.RdfFormat.N_QUADS) or b""


def embedded_nquads(store: ox.Store) -> Generator[bytes, None, None]:
    """The embedded store's quads; the generator holds the store open until the last batch."""
    yield from nquads(store.quads_for_pattern(None, None, None, None))


def remote_nquads(endpoint: str, graphs: list[ox.NamedNode], timeout: float) -> Generator[bytes, None, None]:
    """A remote store's named graphs, each fetched by one SELECT, so no answer holds the whole store."""
    for graph in graphs:
        rows = _select(endpoint, bind_values(GRAPH, {"g": URIRef(graph.value)}), timeout)
        yield from nquads(ox.Quad(s, p, o, graph) for s, p, o in rows)


def _select(endpoint: str, query: str, timeout: float) -> list[tuple[Any, ...]]:
    """The rows of a SELECT as tuples of terms (pyoxigraph's solutions may not cross threads)."""
    try:
        _, body = send_query(endpoint, query, timeout=timeout)
    except RemoteStoreError as error:
        raise Unavailable(f"the store at {endpoint} did not answer: {error}") from error
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if not isinstance(solutions, ox.QuerySolutions):
        raise Unavailable(f"the store at {endpoint} answered a SELECT without solutions")
    return [tuple(row) for row in solutions]
