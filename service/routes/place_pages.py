"""Pages of a jurisdiction (its policies, targets, topics and money), an indicator (the targets
set for it across places, charted) and a topic (the places that take it up, and their measures)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import pyoxigraph as ox
from fastapi.responses import HTMLResponse

from service.money import money
from service.page_queries import select
from service.pages import html
from service.sparql.runner import QueryRunner

TOPIC_PAGE = 100


async def jurisdiction_page(runner: QueryRunner, place: ox.NamedNode, _: Mapping[str, str]) -> HTMLResponse:
    head, policies, targets, topics = await asyncio.gather(*(
        select(runner, name, place=place) for name in
        ("jurisdiction-head", "jurisdiction-policies", "compare-targets", "compare-topics")))
    info = head[0] if head else {"place": place.value}
    return html("jurisdiction.html", active="", info=info, policies=policies, targets=targets,
                topics=sorted(topics, key=lambda r: -int(r.get("measures", "0"))), money=money)


async def indicator_page(runner: QueryRunner, indicator: ox.NamedNode, label: str,
                         definition: str) -> HTMLResponse:
    rows = await select(runner, "indicator-targets", indicator=indicator)
    numbers = [r for r in rows if _is_number(r.get("value", ""))]
    chart = {"labels": [f"{r.get('placeLabel', '')} {r.get('year', '')}".strip() for r in numbers],
             "series": [{"name": label, "values": [float(r["value"]) for r in numbers]}]} if numbers else None
    return html("indicator.html", active="/def", iri=indicator.value, label=label, definition=definition,
                rows=rows, chart=chart)


async def topic_page(runner: QueryRunner, topic: ox.NamedNode, label: str, definition: str,
                     params: Mapping[str, str]) -> HTMLResponse:
    page = max(int(params.get("page", "1")) if params.get("page", "1").isdigit() else 1, 1)
    places, measures = await asyncio.gather(
        select(runner, "topic-places", topic=topic),
        select(runner, "topic-measures", topic=topic, limit=TOPIC_PAGE + 1, offset=(page - 1) * TOPIC_PAGE))
    drawn = places[:30]
    chart = {"labels": [r.get("placeLabel", "") for r in drawn],
             "series": [{"name": "措施数", "values": [int(r["measures"]) for r in drawn]}]} if drawn else None
    return html("topic.html", active="/def", iri=topic.value, label=label, definition=definition,
                places=places, measures=measures[:TOPIC_PAGE], page=page, more=len(measures) > TOPIC_PAGE,
                chart=chart)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
