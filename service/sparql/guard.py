"""What a query is and whether this endpoint will run it, decided on its parse tree, not its text.

rdflib's SPARQL grammar parses the query (expanding \\u escapes as the spec says), so a comment or
a string literal that mentions SERVICE cannot trigger a refusal and an escaped keyword cannot slip
past it. Oxigraph runs the query afterwards and remains the judge of its exact syntax.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from service.errors import BadRequest, Refused
from service.sparql.protocol import READ_ONLY

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
FORMS: dict[str, QueryForm] = {
    "SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE",
}


@dataclass(frozen=True)
class QueryPlan:
    """What the runner needs to know about an accepted query before running it."""

    form: QueryForm
    from_graphs: tuple[str, ...]
    prefixes: dict[str, str]

    @property
    def returns_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


def inspect(query: str) -> QueryPlan:
    """The plan of a read-only, closed-world query; raises BadRequest or Refused otherwise."""
    try:
        prologue, body = parseQuery(query)
    except ParseException as error:
        if _is_update(query):
            raise Refused(READ_ONLY) from error
        raise BadRequest(f"SPARQL syntax error: {error}") from error
    services = [node for node in _nodes(body) if node.name == "ServiceGraphPattern"]
    if services:
        raise Refused(f"SERVICE {_term(services[0]['term'])} is not allowed: "
                      "this endpoint answers from its own store only")
    clauses = body["datasetClause"] if "datasetClause" in body else []  # noqa: SIM401 (CompValue.get differs)
    from_graphs = tuple(str(clause[key]) for clause in clauses
                        for key in ("default", "named") if key in clause)
    prefixes = {str(decl["prefix"]) if "prefix" in decl else "": str(decl["iri"])
                for decl in prologue if isinstance(decl, CompValue) and decl.name == "PrefixDecl"}
    return QueryPlan(form=FORMS[body.name], from_graphs=from_graphs, prefixes=prefixes)


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except ParseException:
        return False
    return True


def _nodes(value: Any) -> Iterator[CompValue]:
    """Every grammar node under `value`, depth first."""
    if isinstance(value, CompValue):
        yield value
        for child in value.values():
            yield from _nodes(child)
    elif isinstance(value, list | tuple) or type(value).__name__ == "ParseResults":
        for child in value:
            yield from _nodes(child)


def _term(term: Any) -> str:
    return f"?{term}" if isinstance(term, Variable) else f"<{term}>"
