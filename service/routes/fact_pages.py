"""Pages of a measure (its text, place in its policy, units, targets and incentives) and of a target
or an incentive (what it says, the quote it was read from, its measure and policy)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping

import pyoxigraph as ox
from fastapi.responses import HTMLResponse

from service.money import incentive_text, money, percent
from service.page_queries import Row, select
from service.pages import html
from service.routes.policy_page import measure_links
from service.sparql.runner import QueryRunner


async def measure_page(runner: QueryRunner, measure: ox.NamedNode, _: Mapping[str, str]) -> HTMLResponse:
    found, links, incentives = await asyncio.gather(*(
        select(runner, name, measure=measure)
        for name in ("policy-measures", "policy-links", "policy-incentives")))
    row = found[0] if found else {"measure": measure.value}
    policy = ox.NamedNode(row["policy"]) if "policy" in row else None
    head, targets, order = await asyncio.gather(
        select(runner, "policy-head", policy=policy) if policy else _none(),
        select(runner, "policy-targets", policy=policy) if policy else _none(),
        select(runner, "policy-measures", policy=policy) if policy else _none())
    facts: dict[str, list[Row]] = defaultdict(list)
    for link in measure_links(links):
        facts[link["kind"]].append(link)
    number = next((i for i, m in enumerate(order, start=1) if m["measure"] == measure.value), 0)
    return html("measure.html", active="/policies", m=row, info=head[0] if head else {}, facts=facts,
                incentives=incentives, targets=[t for t in targets if t.get("measure") == measure.value],
                number=number, money=money, percent=percent, incentive_text=incentive_text)


async def fact_page(runner: QueryRunner, fact: ox.NamedNode, _: Mapping[str, str]) -> HTMLResponse:
    rows = await select(runner, "fact", fact=fact)
    row = rows[0] if rows else {"fact": fact.value}
    return html("fact.html", active="/policies", f=row, money=money, percent=percent,
                incentive_text=incentive_text)


async def _none() -> list[Row]:
    return []
