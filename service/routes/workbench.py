"""The SPARQL workbench a browser gets at `GET /sparql`: YASGUI with the vocabulary's prefixes and
the curated queries, each bound to its defaults (or to the first value the data offers for a
required parameter), as examples."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from ingest.vocab import PREFIXES
from service.curated import CuratedQuery, ParameterError, shown
from service.pages import html

Choices = dict[tuple[str, str], list[tuple[str, str]]]
"""The values the data offers, by (query, parameter): (value, label) pairs."""


def example(query: CuratedQuery, choices: Choices) -> dict[str, str] | None:
    """A curated query as the editor shows it, runnable as it is; None when a required value is missing."""
    values = {}
    for parameter in query.parameters:
        offered = choices.get((query.name, parameter.name)) or []
        if parameter.default:
            values[parameter.name] = parameter.default
        elif parameter.required and offered:
            values[parameter.name] = offered[0][0]
    try:
        return {"title": query.title_zh, "sparql": shown(query.sparql, query.bind(values))}
    except ParameterError:
        return None


def workbench(request: Request) -> HTMLResponse:
    state = request.app.state
    examples = [found for q in state.curated.values() if (found := example(q, state.curated_choices))]
    return html("sparql.html", active="/sparql", prefixes=PREFIXES, examples=examples, start="")
