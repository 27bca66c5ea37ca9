"""The page of one policy, read like an entry of a legal database: its head (title, 发文字号, issuing
organ, dates, validity, place, document type), a table of contents of its measures in order, each
measure with its text, responsible units, targets and incentives, the full source text with every
fact highlighted where it was read, what it cites and what cites it, and downloads."""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from functools import cache
from importlib.resources import files

import pyoxigraph as ox
from fastapi.responses import HTMLResponse

from service.concepts import concept_label
from service.money import incentive_text, money, percent
from service.page_queries import Row, select
from service.pages import html
from service.source_text import Span, normalised, segments
from service.sparql.runner import QueryRunner
from service.validity import BADGES, repealed_from, validity

_TRAILING_NOTE = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")
"""A parenthesised note ending a title: （2022-2025年）, （试行）."""
CITED_BY = 50
"""Citing policies listed on a policy's page (a national plan may be cited by thousands)."""


@cache
def document_types() -> tuple[str, ...]:
    """The endings of routes/document-types.txt, longest first."""
    lines = (files("service") / "routes" / "document-types.txt").read_text(encoding="utf-8").splitlines()
    words = (w.strip() for w in lines if w.strip() and not w.startswith("#"))
    return tuple(sorted(words, key=len, reverse=True))


def document_type(title: str) -> str:
    """The kind of document its title ends with (…实施方案, …若干意见, …管理办法), or ''."""
    bare = title.strip()
    while (shorter := _TRAILING_NOTE.sub("", bare)) != bare:
        bare = shorter
    return next((kind for kind in document_types() if bare.endswith(kind)), "")


def measure_links(rows: list[Row]) -> list[Row]:
    """The rows of policy-links.rq ready to show: each labelled, units marked lead or not (the lead
    rows folded into them), the lead units first, then by name."""
    leads = {(row["measure"], row["value"]) for row in rows if row["kind"] == "lead"}
    shown = []
    for row in rows:
        if row["kind"] == "lead":
            continue
        row["label"] = row.get("name") or concept_label(row["value"])
        if row["kind"] == "unit":
            row["lead"] = "true" if (row["measure"], row["value"]) in leads else "false"
        shown.append(row)
    return sorted(shown, key=lambda r: (r["measure"], r["kind"], r.get("lead") != "true", r["label"],
                                        r["value"]))


async def policy_page(runner: QueryRunner, policy: ox.NamedNode, params: Mapping[str, str]) -> HTMLResponse:
    """The page; its full text is the normalised simplified text, or as printed with `?text=printed`."""
    head, measures, links, incentives, targets, citations, text, copies, cited_by = await asyncio.gather(*(
        select(runner, name, policy=policy) for name in (
            "policy-head", "policy-measures", "policy-links", "policy-incentives", "policy-targets",
            "policy-citations", "policy-text", "policy-copies")),
        select(runner, "policy-cited-by", limit=CITED_BY + 1, offset=0, policy=policy))
    info = head[0] if head else {"policy": policy.value}
    repealed = repealed_from(row for row in cited_by if row["relation"] == "repeals")
    status = validity(info | ({"repealedFrom": repealed} if repealed else {}))
    by_measure: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for row in measure_links(links):
        by_measure[row["measure"]][row["kind"]].append(row)
    for row in incentives:
        by_measure[row["measure"]]["incentive"].append(row)
    for row in targets:
        if "measure" in row:
            by_measure[row["measure"]]["target"].append(row)
    found = (("measure", measures), ("target", targets), ("incentive", incentives))
    anchor = {r[kind]: f"src-{kind}-{n}" for kind, rows in found for n, r in enumerate(rows, start=1)}
    spans = [Span(int(r["start"]), int(r["end"]), kind, anchor[r[kind]])
             for kind, rows in found for r in rows if "start" in r and "end" in r]
    for side in ("inForce", "until"):
        if f"{side}Start" in info and f"{side}End" in info:
            anchor[side] = f"src-validity-{side}"
            spans.append(Span(int(info[f"{side}Start"]), int(info[f"{side}End"]), "validity", anchor[side]))
    printed = params.get("text") == "printed"
    full_text = text[0]["text"] if text else ""
    if full_text and not printed:
        full_text, spans = normalised(full_text, spans)
    return html("policy.html", active="/policies", info=info, measures=measures, facts=by_measure,
                targets=targets, incentives=incentives, citations=citations, anchor=anchor,
                cited_by=cited_by[:CITED_BY], more_cited_by=len(cited_by) > CITED_BY,
                document_type=document_type(info.get("title", "")), validity=status, badges=BADGES,
                repealed_from=repealed, today=date.today().isoformat(), copies=copies,
                source=segments(full_text, spans) if full_text else [], printed=printed, money=money,
                percent=percent, incentive_text=incentive_text)
