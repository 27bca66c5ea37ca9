"""HTML pages: one autoescaping Jinja2 environment over service/templates, and links that stay in the service.

Every IRI of the graph under https://w3id.org/policykg/ is served by this service at the same
path (`…/id/x` at `/id/x`, `…/def/topic/x` at `/def/topic/x`), so pages link through the
service and a user can browse; other IRIs (ELI, SKOS…) link to where they point.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import jinja2

from ingest.vocab import BASE
from service.sparql.formats import Format

__all__ = ["HTML", "href", "local_name", "render"]

HTML = Format("html", "text/html", ("application/xhtml+xml",))


def href(iri: str) -> str:
    """The service path that dereferences `iri`, or the IRI itself when it is not ours."""
    return "/" + iri[len(BASE):] if iri.startswith(BASE) else iri


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
    return env


def render(name: str, **context: object) -> str:
    """The template `name` rendered with `context` (values are escaped)."""
    return environment().get_template(name).render(**context)
