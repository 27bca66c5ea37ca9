"""The home page `/` (what the store holds, a search box, the ways in for each kind of user, the
latest documents) and `/policies`, the list of stored documents."""

from __future__ import annotations

import asyncio
from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from service.deps import RunnerDep
from service.page_queries import Row, select
from service.pages import html
from service.sparql.runner import QueryRunner
from service.store_stamp import KeptValue, StoreStamp

router = APIRouter(include_in_schema=False)
RECENT = 8
PAGE = 50


def store_counts(stamp: StoreStamp) -> KeptValue[Row]:
    """The counts of the home page, counted again only when the store has changed."""
    async def count(runner: QueryRunner) -> Row:
        rows = await select(runner, "home-counts", limit=1)
        return rows[0] if rows else {}
    return KeptValue(stamp, count)


async def listed(runner: QueryRunner, limit: int, offset: int) -> list[Row]:
    """A page of the stored policies, the latest ingested first, each with its summary: the order is
    read alone (a sort of catalogue entries), then each listed policy's title, number, date, place."""
    page = await select(runner, "policies", limit=limit, offset=offset)
    summaries = await asyncio.gather(*(select(runner, "policy-summary", policy=ox.NamedNode(row["policy"]))
                                       for row in page))
    return [found[0] if found else row for row, found in zip(page, summaries, strict=True)]


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, runner: RunnerDep) -> HTMLResponse:
    """The home page for drafters, analysts and researchers."""
    counts = await request.app.state.store_counts.current(runner)
    recent = await listed(runner, RECENT, 0)
    return html("home.html", active="/", counts=counts, recent=recent,
                queries=list(request.app.state.curated.values()))


@router.get("/policies", response_class=HTMLResponse)
async def policies(runner: RunnerDep, page: Annotated[int, Query(ge=1, le=10_000)] = 1) -> HTMLResponse:
    """Every stored policy, the latest ingested first, a page at a time."""
    rows = await listed(runner, PAGE + 1, (page - 1) * PAGE)
    return html("policies.html", active="/policies", rows=rows[:PAGE], page=page, more=len(rows) > PAGE)
