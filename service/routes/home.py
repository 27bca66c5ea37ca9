"""The home page `/` (what the store holds, a search box, the ways in for each kind of user, the
latest documents) and `/policies`, the list of stored documents. Both change only with the store:
its counts and its list of policies are read once per change and kept."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from service.deps import RunnerDep
from service.page_queries import Row, select
from service.pages import html
from service.sparql.runner import INTERNAL_ROWS, QueryRunner
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


def policy_list(stamp: StoreStamp) -> KeptValue[list[Row]]:
    """Every stored policy, the latest ingested first, read again only when the store has changed."""
    async def read(runner: QueryRunner) -> list[Row]:
        rows = await select(runner, "policies", limit=INTERNAL_ROWS)
        first = {row["policy"]: row for row in reversed(rows)}  # a policy catalogued twice: its latest entry
        return [row for row in rows if first[row["policy"]] is row]
    return KeptValue(stamp, read)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, runner: RunnerDep) -> HTMLResponse:
    """The home page for drafters, analysts and researchers."""
    counts = await request.app.state.store_counts.current(runner)
    recent = (await request.app.state.policy_list.current(runner))[:RECENT]
    return html("home.html", active="/", counts=counts, recent=recent,
                queries=list(request.app.state.curated.values()))


@router.get("/policies", response_class=HTMLResponse)
async def policies(request: Request, runner: RunnerDep,
                   page: Annotated[int, Query(ge=1, le=10_000)] = 1) -> HTMLResponse:
    """Every stored policy, the latest ingested first, a page at a time."""
    rows = await request.app.state.policy_list.current(runner)
    start = (page - 1) * PAGE
    return html("policies.html", active="/policies", rows=rows[start:start + PAGE], page=page,
                more=len(rows) > start + PAGE, total=len(rows))
