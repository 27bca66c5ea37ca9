"""Query bindings for engines without substitutions: serialised RDF terms joined first in the WHERE group.

pyoxigraph binds variables before evaluation (SEP-0007); a SPARQL 1.1 endpoint only takes
query text. The portable equivalent is an inline `VALUES (?a ?b) { (t1 t2) }` placed first in
the query's WHERE group, so the engine joins the bound values before anything else, as the
substitution would. A language-tagged literal goes as `BIND("…"@zh AS ?c)` there instead, the
same one-row join (nothing is in scope yet): Virtuoso 7.2 never matches a language-tagged
constant of VALUES or FILTER against a variable projected by a subquery (`"汕尾市"@zh` or
`"Science and technology"@en` alike, so not a character-set matter), but does a BIND's.
Terms are written by rdflib (`Node.n3()`), never pasted from user text.
The same tokens tell a query's form, which the protocol's content negotiation needs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node, Variable

__all__ = ["bind_values", "binding_clauses", "query_form"]

_TOKEN = re.compile(r"""
    (?P<skip> \#[^\n]*                                  # comment
      | "{3}(?:[^"\\]|\\.|"(?!""))*"{3} | '{3}(?:[^'\\]|\\.|'(?!''))*'{3}   # long strings
      | "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*'      # strings
      | <[^<>"{}|^`\\\s]*> )                            # IRIs
    | (?P<open>\{) | (?P<close>\}) | (?P<construct>(?<![\w:.?$-])(?:CONSTRUCT|INSERT|DELETE)(?![\w:.-]))
    """, re.VERBOSE | re.IGNORECASE | re.DOTALL)

_FORM = re.compile(r"(?<![\w:.?$-])(SELECT|CONSTRUCT|DESCRIBE|ASK)(?![\w:.-])", re.IGNORECASE)


def query_form(sparql: str) -> str:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the first such keyword outside comments, strings and IRIs
    (the prologue before it holds only BASE and PREFIX); SELECT when there is none: the engine refuses it."""
    bare = _TOKEN.sub(lambda token: " " if token.lastgroup == "skip" else token.group(), sparql)
    found = _FORM.search(bare)
    return found.group(1).upper() if found else "SELECT"


def binding_clauses(bindings: Mapping[str, Node]) -> str:
    """`BIND("…"@lang AS ?c)` for each language-tagged literal, then `VALUES (?a ?b) { (t1 t2) }`
    for the IRIs and other literals; blank nodes cannot be bound."""
    for name, term in bindings.items():
        if isinstance(term, BNode) or not isinstance(term, URIRef | Literal):
            raise TypeError(f"?{name}: only IRIs and literals can be bound, not {term!r}")
    tagged = {name: term for name, term in bindings.items() if isinstance(term, Literal) and term.language}
    rest = {name: term for name, term in bindings.items() if name not in tagged}
    clauses = [f"BIND({term.n3()} AS {Variable(name).n3()})" for name, term in tagged.items()]
    if rest:
        names = " ".join(Variable(name).n3() for name in rest)
        terms = " ".join(term.n3() for term in rest.values())
        clauses.append(f"VALUES ({names}) {{ ({terms}) }}")
    return " ".join(clauses)


def bind_values(sparql: str, bindings: Mapping[str, Node] | None) -> str:
    """`sparql` with `bindings` joined first in its WHERE group (the query unchanged without any)."""
    if not bindings:
        return sparql
    position = _where_group(sparql)
    return f"{sparql[:position]} {binding_clauses(bindings)}\n{sparql[position:]}"


def _where_group(sparql: str) -> int:
    """Offset just inside the `{` opening the WHERE group (after a CONSTRUCT, DELETE or INSERT
    template, if any: an update's WHERE group takes bindings as a query's does)."""
    depth, templates = 0, 0
    for token in _TOKEN.finditer(sparql):
        if token.lastgroup == "construct" and depth == 0:
            rest = sparql[token.end():].lstrip()
            templates = 0 if rest.upper().startswith("WHERE") else 1
        elif token.lastgroup == "open":
            if depth == 0 and templates == 0:
                return token.end()
            depth += 1
        elif token.lastgroup == "close":
            depth -= 1
            if depth == 0 and templates:
                templates -= 1
    raise ValueError("the query has no WHERE group to bind values in")
