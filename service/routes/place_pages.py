"""Pages of a jurisdiction (its policies, targets, topics and money), an indicator (the targets
set for it across places, charted) and a topic (the places that take it up, and their measures)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import HTMLResponse

from service.comparison_table import chart, table
from service.money import money
from service.page_queries import select
from service.pages import html, local_name
from service.routes.queries import run
from service.search import Query as SearchQuery
from service.search_facets import Filters
from service.sparql.runner import QueryRunner

TOPIC_PAGE = 100
INDICATOR_ROWS = 100


async def jurisdiction_page(runner: QueryRunner, place: ox.NamedNode, _: Mapping[str, str]) -> HTMLResponse:
    head, policies, targets, topics = await asyncio.gather(*(
        select(runner, name, place=place) for name in
        ("jurisdiction-head", "jurisdiction-policies", "compare-targets", "compare-topics")))
    info = head[0] if head else {"place": place.value}
    return html("jurisdiction.html", active="", info=info, policies=policies, targets=targets,
                topics=sorted(topics, key=lambda r: -int(r.get("measures", "0"))), money=money)


async def indicator_page(request: Request, runner: QueryRunner, indicator: ox.NamedNode, label: str,
                         definition: str) -> HTMLResponse:
    """The targets set for the indicator across places: the first page of the curated comparison."""
    query = request.app.state.curated["targets-by-indicator"]
    raw = {"indicator": indicator.value, "limit": str(INDICATOR_ROWS)}
    page = await run(runner, query, raw, INDICATOR_ROWS, request.app.state.jurisdictions)
    shown = table(page.columns, page.rows)
    return html("indicator.html", active="/def", iri=indicator.value, label=label, definition=definition,
                shown=shown, chart=chart(shown), more=page.more)


async def topic_page(request: Request, runner: QueryRunner, topic: ox.NamedNode, label: str,
                     definition: str) -> HTMLResponse:
    """The places that take the topic up (counted by the search index) and its measures, paged."""
    given = request.query_params.get("page", "1")
    page = max(int(given), 1) if given.isdigit() else 1
    index = await request.app.state.search.latest(runner)
    found = await asyncio.to_thread(index.search, SearchQuery(
        "", Filters(topic=local_name(topic.value)), TOPIC_PAGE, (page - 1) * TOPIC_PAGE))
    places = dict(found.facets.get("jurisdiction", []))
    drawn = list(places.items())[:30]
    chart_data = {"labels": [name for name, _ in drawn],
                  "series": [{"name": "措施数", "values": [count for _, count in drawn]}]} if drawn else None
    return html("topic.html", active="/def", iri=topic.value, label=label, definition=definition,
                places=places, measures=found.hits, total=found.total, page=page,
                more=page * TOPIC_PAGE < found.total, chart=chart_data)
