"""The page of one organ (a responsible unit): the measures it is charged with across policies,
and the organs it shares them with, each leading to the measures they share (`?with=`)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping

import pyoxigraph as ox
from fastapi.responses import HTMLResponse

from ingest.vocab import BASE
from service.page_queries import Row, select
from service.pages import html
from service.sparql.runner import QueryRunner


def measures_of(rows: list[Row], partner: str | None = None) -> list[Row]:
    """One row per measure (the first seen), only those shared with `partner` when given."""
    shared = {r["measure"] for r in rows if partner is None or r.get("partner") == partner}
    seen: dict[str, Row] = {}
    for row in rows:
        if row["measure"] in shared:
            seen.setdefault(row["measure"], row)
    return list(seen.values())


def partners(rows: list[Row]) -> list[tuple[str, str, int]]:
    """(organ, name, measures shared) for every organ charged with one of these measures too, most first."""
    pairs = {(r["measure"], r["partner"]) for r in rows if "partner" in r}
    counts = Counter(partner for _, partner in pairs)
    names = {r["partner"]: r.get("partnerName", "") for r in rows if "partner" in r}
    return sorted(((p, names[p], n) for p, n in counts.items()), key=lambda item: (-item[2], item[1]))


async def organ_page(runner: QueryRunner, organ: ox.NamedNode, params: Mapping[str, str]) -> HTMLResponse:
    head, rows = await asyncio.gather(select(runner, "organ-head", organ=organ),
                                      select(runner, "organ-measures", organ=organ))
    info = head[0] if head else {"organ": organ.value}
    partner = params.get("with") or None
    partner_iri = BASE + partner.lstrip("/") if partner else None
    names = {r["partner"]: r.get("partnerName", "") for r in rows if "partner" in r}
    return html("organ.html", active="", info=info, measures=measures_of(rows, partner_iri),
                partners=partners(rows), partner=partner_iri, partner_name=names.get(partner_iri or "", ""),
                total=len(measures_of(rows)))
