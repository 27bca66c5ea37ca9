"""The search page over `/search` (whose JSON is the search API's): a form in which any field may be
left empty, filters by choosing with the count of each value, result cards with the quoted measure
(matching words marked), its place, policy, 发文字号, date, item path, money and units, paging, a
permalink, and a CSV export of the results."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from ingest.schemes import concept_labels
from ingest.vocab import INCENTIVE_KIND
from service.deps import RunnerDep
from service.errors import BadRequest
from service.money import incentive_text
from service.pages import html
from service.search import Query as SearchQuery
from service.search_facets import Filters
from service.source_text import Span, segments
from service.sparql.formats import csv_lines
from service.validity import BADGES

router = APIRouter(include_in_schema=False)
EXPORT_LIMIT = 1000
"""Most results in one CSV export."""
EXPORT_COLUMNS = ("地区", "政策文件", "发文字号", "日期", "条目", "措施", "原文", "资金奖补", "责任单位",
                  "措施 IRI")
FILTERS = ("jurisdiction", "topic", "year_from", "year_to", "type", "validity")


@cache
def kind_labels() -> dict[str, str]:
    """Incentive kind (subsidy, interest_subsidy …) → its Chinese label."""
    return {name: label for label, name in concept_labels("policykg.ttl", str(INCENTIVE_KIND), "zh",
                                                           ("prefLabel",))}


def money_lines(money: list[Any]) -> list[str]:
    """Each incentive of a hit as drafters write it: 贴息 按 30%，最高 20万元（每家企业每年）."""
    return [incentive_text({"kindLabel": kind_labels().get(m.kind, ""), "amount": _text(m.amount),
                            "rate": _text(m.rate), "cap": _text(m.cap), "per": m.per}) for m in money]


def _text(number: float | None) -> str:
    return "" if number is None else repr(number)


def marked(quote: str, spans: list[tuple[int, int]]) -> list[Any]:
    """The quote cut where the query's words match, for <mark>."""
    return segments(quote, [Span(start, end, "match", "") for start, end in spans])


async def search_page(request: Request, runner: RunnerDep, query: SearchQuery, answer: Any,
                      topics: list[tuple[str, str]]) -> HTMLResponse:
    """The page for `query`; `answer` (the JSON answer's model) is None when nothing was asked yet."""
    params = {k: v for k, v in request.query_params.items() if v and k != "offset"}
    facets = {name: {f.value: f.count for f in values}
              for name, values in (answer.facets.items() if answer else ())}
    places = [name for name, _ in await request.app.state.jurisdictions.value(runner)]
    hits = [{"hit": hit, "money": money_lines(hit.money), "quote": marked(hit.quote, hit.highlights)}
            for hit in (answer.hits if answer else [])]
    step = query.limit
    links = {"export": f"/search/export.csv?{urlencode(params)}",
             "permalink": f"/search?{urlencode(params | ({'offset': query.offset} if query.offset else {}))}",
             "previous": f"/search?{urlencode(params | {'offset': max(query.offset - step, 0)})}",
             "next": f"/search?{urlencode(params | {'offset': query.offset + step})}"}
    chosen = {name: request.query_params.get(name, "") for name in FILTERS}
    if request.query_params.get("year"):
        chosen["year_from"] = chosen["year_to"] = request.query_params["year"]
    offered = _with_chosen(facets.get("jurisdiction") or dict.fromkeys(places, 0), chosen["jurisdiction"])
    years = {*facets.get("year", {}), *(y for y in (chosen["year_from"], chosen["year_to"]) if y)}
    return html("search.html", active="/search", query=query, answer=answer, hits=hits, topics=topics,
                places=offered, facets=facets, chosen=chosen, links=links,
                years=sorted(years, reverse=True), badges=BADGES)


def _with_chosen(counts: Mapping[str, int], chosen: str) -> dict[str, int]:
    """The values offered, the chosen one kept even when the other filters leave it no result."""
    return {**({chosen: 0} if chosen and chosen not in counts else {}), **counts}


def filters_from(params: Mapping[str, str]) -> Filters:
    """The search API's filters from a page's address (empty fields are no filter)."""
    given = {k: params[k].strip() for k in (*FILTERS, "year", "province") if params.get(k, "").strip()}
    years = {k: given[k] for k in ("year", "year_from", "year_to") if k in given}
    if any(not (v.isdigit() and 1900 <= int(v) <= 2200) for v in years.values()):
        raise BadRequest(f"year: {', '.join(years.values())} is not a year")
    first = int(years.get("year") or years.get("year_from") or 0) or None
    last = int(years.get("year") or years.get("year_to") or 0) or None
    return Filters(given.get("jurisdiction"), given.get("province"), given.get("topic"), first, last,
                   given.get("type"), given.get("validity"))


@router.get("/search/export.csv")
async def export(request: Request, runner: RunnerDep) -> Response:
    """The results of a search as CSV (UTF-8 with BOM, for Excel), up to EXPORT_LIMIT rows."""
    params = dict(request.query_params)
    filters = filters_from(params)
    text = params.get("q", "")
    if not text.strip() and filters == Filters():
        raise BadRequest("give the query text `q` or a filter")
    index = await request.app.state.search.latest(runner)
    result = await asyncio.to_thread(index.search, SearchQuery(text, filters, EXPORT_LIMIT, 0))
    rows = ([hit.jurisdiction, hit.policy_title, hit.doc_number, hit.date, hit.path, hit.title, hit.quote,
             "；".join(money_lines(list(hit.money))), "、".join(u.name for u in hit.units), hit.measure]
            for hit in result.hits)
    return Response(("\ufeff" + csv_lines([EXPORT_COLUMNS, *rows])).encode("utf-8"),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="search.csv"'})
