"""`/dump`: the whole store as N-Quads, streamed, for mirrors and bulk users."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from itertools import islice

import pyoxigraph as ox
from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from service.deps import SettingsDep
from service.errors import ERROR_RESPONSE, Unavailable

router = APIRouter(tags=["service"])

BATCH = 5000


@router.get("/dump", response_class=StreamingResponse, responses={
    200: {"description": "Every quad of the store.", "content": {"application/n-quads": {
        "example": '<https://w3id.org/policykg/id/…> <http://data.europa.eu/eli/ontology#title> "…"@zh '
                   "<https://w3id.org/policykg/id/…/graph> .\n"}}},
    503: ERROR_RESPONSE})
async def dump(settings: SettingsDep) -> StreamingResponse:
    """Stream every quad of the store as N-Quads, read from a snapshot taken when the request came."""
    try:
        store = await asyncio.to_thread(ox.Store.read_only, str(settings.store_path))
    except OSError as error:
        raise Unavailable(f"the store at {settings.store_path} cannot be opened: {error}") from error
    return StreamingResponse(nquads(store), media_type="application/n-quads",
                             headers={"Content-Disposition": 'attachment; filename="policykg.nq"'})


def nquads(store: ox.Store) -> Iterator[bytes]:
    """The store in N-Quads, a batch at a time (Starlette iterates it in a thread)."""
    quads = store.quads_for_pattern(None, None, None, None)
    while batch := list(islice(quads, BATCH)):
        yield ox.serialize(batch, format=ox.RdfFormat.N_QUADS) or b""
