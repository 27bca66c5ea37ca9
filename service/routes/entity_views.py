"""Readable pages for the resources of the graph, chosen by class: a policy reads like a legal
database entry, an organ shows the measures it is charged with across policies, and so on. A
resource of another class keeps the generic page of routes/entities.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

import pyoxigraph as ox
from fastapi import Response
from fastapi.responses import HTMLResponse

from ingest.vocab import PKG
from service.errors import ServiceError
from service.page_queries import select
from service.routes.fact_pages import fact_page, measure_page
from service.routes.organ_page import organ_page
from service.routes.place_pages import jurisdiction_page
from service.routes.policy_page import policy_page
from service.sparql.formats import Format
from service.sparql.runner import QueryRunner


class NoSourceText(ServiceError):
    status = 404


SOURCE_TEXT = Format("text", "text/plain")
"""A policy's source text, as stored (`?format=text`)."""

View = Callable[[QueryRunner, ox.NamedNode, Mapping[str, str]], Awaitable[HTMLResponse]]
VIEWS: dict[str, View] = {str(PKG.Policy): policy_page, str(PKG.Measure): measure_page,
                          str(PKG.Target): fact_page, str(PKG.Incentive): fact_page,
                          str(PKG.ResponsibleUnit): organ_page, str(PKG.Jurisdiction): jurisdiction_page}


async def entity_view(runner: QueryRunner, entity: ox.NamedNode,
                      params: Mapping[str, str]) -> HTMLResponse | None:
    """The page of the first class of `entity` that has a view of its own, else None (a resource
    with a class has a page of its class without asking first whether the store knows it)."""
    types = {row["type"] for row in await select(runner, "entity-types", entity=entity)}
    for class_iri, view in VIEWS.items():
        if class_iri in types:
            return await view(runner, entity, params)
    return None


async def source_text(runner: QueryRunner, policy: ox.NamedNode) -> Response:
    """The full text of a policy's source file, as a download."""
    rows = await select(runner, "policy-text", policy=policy)
    if not rows:
        raise NoSourceText(f"no source text stored for {policy.value} (re-ingest it to store its text)")
    name = policy.value.rstrip("/").rsplit("/", 1)[-1]
    return Response(rows[0]["text"], media_type="text/plain; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.txt"'})
