"""HTML pages: one autoescaping Jinja2 environment over service/templates, links that stay in the
service, the static files the pages load, and error pages for browsers.

Every IRI of the graph under https://w3id.org/policykg/ is served by this service at the same
path (`…/id/x` at `/id/x`, `…/def/topic/x` at `/def/topic/x`), so pages link through the
service and a user can browse; other IRIs (ELI, SKOS…) link to where they point.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from urllib.parse import urlsplit

import jinja2
from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

from ingest.vocab import BASE
from service.concepts import concept_label
from service.errors import ServiceError, describe, handle_error
from service.sparql.formats import Format, negotiate

__all__ = ["HTML", "handle_error_page", "href", "html", "item_path", "local_name", "render", "static_files",
           "wants_html"]

HTML = Format("html", "text/html", ("application/xhtml+xml",))
_JSON = Format("json", "application/json")


def href(iri: str) -> str:
    """The service path that dereferences `iri`, the IRI itself when it is another site's http(s) IRI,
    or "" (no link) for any other scheme: a `javascript:` or `data:` IRI in the data never becomes a
    link to follow."""
    if iri.startswith(BASE):
        return "/" + iri[len(BASE):]
    return iri if urlsplit(iri).scheme.lower() in ("http", "https") else ""


def local_name(iri: str) -> str:
    """The last segment of an IRI (WellKnownBrand, 2-1-5): a short link text in tables."""
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri


def _template(name: str) -> str | None:
    resource = files("service") / "templates" / name
    return resource.read_text(encoding="utf-8") if resource.is_file() else None


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FunctionLoader(_template), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["href"] = href
    env.filters["local_name"] = local_name
    env.filters["label"] = _concept_label
    env.filters["item"] = item_path
    env.filters["comparator"] = lambda sign: COMPARATORS.get(sign or "=", sign)
    return env


COMPARATORS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "", "eq": ""}
"""A target's comparator as a page writes it before the value (≥ 10项); equality says nothing."""


_SECTION = re.compile(r"[一二三四五六七八九十百]+")


def item_path(path: str | None) -> str:
    """A measure's item path (pkg:path, 二/（二）/14) as a reader cites it: 二、（二）第14条; a path of
    articles (第三章/第十条) reads as it is written: 第三章第十条."""
    parts = [part for part in (path or "").split("/") if part]
    if any(part.isdigit() for part in parts[:-1]):  # 4/3/9: numbered sections
        return ".".join(parts)
    shown = [part + "、" if _SECTION.fullmatch(part) and at < len(parts) - 1 else part
             for at, part in enumerate(parts)]
    if shown and shown[-1].isdigit():
        shown[-1] = f"第{shown[-1]}条"
    return "".join(shown)


def _concept_label(iri: str | None) -> str:
    """A concept's Chinese label, else the last segment of its IRI."""
    return concept_label(iri) or (local_name(iri) if iri else "")


def render(name: str, **context: object) -> str:
    """The template `name` rendered with `context` (values are escaped)."""
    return environment().get_template(name).render(**context)


def html(name: str, status: int = 200, **context: object) -> HTMLResponse:
    """A page, varying by Accept (the same path gives RDF or JSON to other clients)."""
    return HTMLResponse(render(name, **context), status_code=status, headers={"Vary": "Accept"})


def static_files() -> StaticFiles:
    """service/static (style sheets, page scripts, vendored libraries), found as package data."""
    return StaticFiles(packages=[("service", "static")])


def wants_html(accept: str | None) -> bool:
    """A browser: text/html named in Accept and preferred to JSON (API clients send */* or JSON)."""
    if not accept or "text/html" not in accept:
        return False
    try:
        return negotiate(accept, (_JSON, HTML)) == HTML
    except ServiceError:
        return False


async def handle_error_page(request: Request, error: Exception) -> Response:
    """The error handler: a page in Chinese with a way back for a browser, the one JSON shape for
    every other client."""
    if not wants_html(request.headers.get("accept")):
        return await handle_error(request, error)
    status, message, headers = describe(error)
    page = render("error.html", status=status, message=message)
    return HTMLResponse(page, status_code=status, headers={**headers, "Vary": "Accept"})
