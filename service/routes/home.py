"""The home page `/` (what the store holds, a search box, the ways in for each kind of user, the
latest documents) and `/policies`, the list of stored documents. Both change only with the store:
its counts and its list of policies are read once per change and kept."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from service.deps import RunnerDep
from service.page_queries import Row, select
from service.pages import html
from service.sparql.runner import INTERNAL_ROWS, QueryRunner
from service.store_stamp import KeptValue, StoreStamp
from service.validity import BADGES, STATUSES, validity

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
        repeals = await select(runner, "repeals", limit=INTERNAL_ROWS)
        repealed = {row["policy"]: row["repealedFrom"] for row in repeals if "repealedFrom" in row}
        first = {row["policy"]: row for row in reversed(rows)}  # a policy catalogued twice: its latest entry
        return [row | ({"repealedFrom": repealed[row["policy"]]} if row["policy"] in repealed else {})
                for row in rows if first[row["policy"]] is row]
    return KeptValue(stamp, read)


def with_validity(rows: list[Row], on: date) -> list[Row]:
    """The rows, each with its status on `on` (the kept rows stay as they are: the day changes)."""
    return [row | {"validity": validity(row, on)} for row in rows]


class DayView:
    """The policy list with each status on a day, and the filter counts asked of it, made once per
    list and day: both change only with the store or the date."""

    MOST_COUNTS = 256

    def __init__(self) -> None:
        self._made: tuple[list[Row], date, list[Row]] | None = None
        self._counts: dict[tuple[tuple[str, str], ...], dict[str, dict[str, int]]] = {}

    def rows(self, listed: list[Row], on: date) -> list[Row]:
        if self._made is None or self._made[0] is not listed or self._made[1] != on:
            self._made, self._counts = (listed, on, with_validity(listed, on)), {}
        return self._made[2]

    def counts(self, rows: list[Row], chosen: dict[str, str]) -> dict[str, dict[str, int]]:
        key = tuple(sorted(chosen.items()))
        if key not in self._counts:
            if len(self._counts) >= self.MOST_COUNTS:
                self._counts.clear()
            self._counts[key] = facet_counts(rows, chosen)
        return self._counts[key]


FACETS: dict[str, Callable[[Row], str]] = {
    "validity": lambda row: row["validity"],
    "place": lambda row: row.get("place", ""),
    "year": lambda row: row.get("date", "")[:4],
}
"""What /policies filters by: validity, place and year of issue (成文日期)."""


def narrowed(rows: list[Row], chosen: dict[str, str], but: str | None = None) -> list[Row]:
    """The rows that have every chosen value (but the one of `but`)."""
    wanted = [(FACETS[name], value) for name, value in chosen.items() if name != but]
    return [row for row in rows if all(facet(row) == value for facet, value in wanted)]


def facet_counts(rows: list[Row], chosen: dict[str, str]) -> dict[str, dict[str, int]]:
    """For each filter, its values and how many rows each would leave with the other filters kept."""
    counts = {name: Counter(facet(row) for row in narrowed(rows, chosen, but=name))
              for name, facet in FACETS.items()}
    return {"validity": {status: counts["validity"][status] for status in STATUSES},
            "place": dict(sorted((k, n) for k, n in counts["place"].items() if k)),
            "year": dict(sorted(((k, n) for k, n in counts["year"].items() if k), reverse=True))}


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, runner: RunnerDep) -> HTMLResponse:
    """The home page for drafters, analysts and researchers."""
    counts = await request.app.state.store_counts.value(runner)
    recent = with_validity((await request.app.state.policy_list.value(runner))[:RECENT], date.today())
    return html("home.html", active="/", counts=counts, recent=recent, badges=BADGES,
                queries=list(request.app.state.curated.values()))


@router.get("/policies", response_class=HTMLResponse)
async def policies(request: Request, runner: RunnerDep,
                   page: Annotated[int, Query(ge=1, le=10_000)] = 1,
                   validity: Annotated[str, Query(max_length=10)] = "",
                   place: Annotated[str, Query(max_length=50)] = "",
                   year: Annotated[str, Query(max_length=4)] = "") -> HTMLResponse:
    """Every stored policy, the latest ingested first, a page at a time; filtered by validity
    (today), place and year of issue, with the count each filter value would leave."""
    today = date.today()
    view: DayView = request.app.state.policy_days
    rows = view.rows(await request.app.state.policy_list.value(runner), today)
    given = {"validity": validity, "place": place, "year": year}
    chosen = {name: value for name, value in given.items() if value}
    shown = narrowed(rows, chosen)
    start = (page - 1) * PAGE

    def link(number: int) -> str:
        return "/policies?" + urlencode({**chosen, "page": number})
    return html("policies.html", active="/policies", rows=shown[start:start + PAGE], page=page,
                more=len(shown) > start + PAGE, total=len(rows), found=len(shown), chosen=chosen,
                counts=view.counts(rows, chosen), badges=BADGES, today=today.isoformat(),
                previous=link(page - 1), next=link(page + 1))
