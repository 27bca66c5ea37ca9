"""`/compare`: two or more places side by side, as a drafter asks "what does 泉州 do that 福州 does
not": targets by indicator, topics covered and not covered (with the money granted), and the kinds
of organ charged with measures. Each place is queried on its own, bound as an RDF term."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from service.deps import RunnerDep
from service.money import money
from service.page_queries import Row, select
from service.pages import html
from service.sparql.runner import QueryRunner

router = APIRouter(include_in_schema=False)
MOST_PLACES = 6


@dataclass
class Side:
    """What each chosen place says about one row key (an indicator, a topic, a kind of organ)."""

    key: str
    label: str
    link: str
    by_place: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))


@router.get("/compare", response_class=HTMLResponse)
async def compare(request: Request, runner: RunnerDep,
                  city: Annotated[list[str] | None, Query(max_length=50)] = None) -> HTMLResponse:
    """Pick places; with two or more, their targets, topics and organs side by side."""
    known = dict(await request.app.state.jurisdictions.value(runner))
    chosen = [name for name in dict.fromkeys(c for c in (city or []) if c) if name in known][:MOST_PLACES]
    context: dict[str, Any] = {"places": sorted(known), "chosen": chosen, "money": money}
    if len(chosen) >= 1:
        found = await asyncio.gather(*(_place(runner, name, known[name]) for name in chosen))
        rows = dict(zip(chosen, found, strict=True))
        topics = _sides(rows, "topics", "topic", "topicLabel", "topic")
        context |= {
            "targets": _sides(rows, "targets", "indicator", "indicatorLabel", "indicatorText"),
            "topics": topics, "only": only(chosen, topics),
            "units": _sides(rows, "units", "organType", "organTypeLabel", "organType"),
        }
    return html("compare.html", active="/compare", **context)


async def _place(runner: QueryRunner, name: str, places: tuple[str, ...]) -> dict[str, list[Row]]:
    """The three answers for every jurisdiction IRI that bears the name."""
    kinds = ("targets", "topics", "units")
    asked = [(kind, ox.NamedNode(place)) for place in places for kind in kinds]
    found = await asyncio.gather(*(select(runner, f"compare-{kind}", place=term) for kind, term in asked))
    out: dict[str, list[Row]] = {kind: [] for kind in kinds}
    for (kind, _), rows in zip(asked, found, strict=True):
        out[kind] += rows
    return out


def only(chosen: list[str], topics: list[Side]) -> list[tuple[str, str, list[Side]]]:
    """For each ordered pair of places (A, B), the topics A takes up and B does not."""
    return [(a, b, [side for side in topics if side.by_place.get(a) and not side.by_place.get(b)])
            for a in chosen for b in chosen if a != b]


def _sides(rows: dict[str, dict[str, list[Row]]], kind: str, key: str, label: str,
           fallback: str) -> list[Side]:
    """One Side per key (rows without the key keyed by their text), in label order."""
    sides: dict[str, Side] = {}
    for name, answers in rows.items():
        for row in answers[kind]:
            row_key = row.get(key) or row.get(fallback, "")
            text = row.get(label) or row.get(fallback, "")
            side = sides.setdefault(row_key, Side(row_key, text, row.get(key, "")))
            side.by_place[name].append(row)
    return sorted(sides.values(), key=lambda s: s.label)
