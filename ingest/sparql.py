"""SPARQL kept as data: `.rq` files beside the code that runs them, read once.

A value enters a query as an RDF term, never as text: bound by the engine (pyoxigraph's
substitutions) where one value is bound, or, for a list of values, written into the query's
`VALUES ?x { UNDEF }` marker as a block of terms each serialised by its library (rdflib's `n3()`,
pyoxigraph's N-Triples form). Run as it is, a marker binds nothing, so every file is a query that
runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.resources import files

import pyoxigraph as ox
from rdflib import BNode
from rdflib.term import Identifier

__all__ = ["Term", "marker", "sparql_file", "with_values"]

Term = Identifier | ox.NamedNode | ox.Literal
"""An RDF term as rdflib or pyoxigraph holds it."""


@cache
def sparql_file(package: str, name: str) -> str:
    """The text of the file `name` (a path inside `package`: "store/documents.rq")."""
    return (files(package) / name).read_text(encoding="utf-8")


def marker(variable: str) -> str:
    """The marker of a query where a list of values of ?variable is bound."""
    return f"VALUES ?{variable} {{ UNDEF }}"


def with_values(sparql: str, variable: str, terms: Iterable[Term]) -> str:
    """`sparql` with each marker of ?variable binding `terms` (none: the block matches nothing)."""
    found = marker(variable)
    if found not in sparql:
        raise ValueError(f"the query has no `{found}` marker to bind ?{variable} in")
    return sparql.replace(found, f"VALUES ?{variable} {{ {' '.join(_written(t) for t in terms)} }}")


def _written(term: Term) -> str:
    """A term as SPARQL writes it; blank nodes cannot be bound."""
    if isinstance(term, BNode | ox.BlankNode):
        raise TypeError(f"only IRIs and literals can be bound, not the blank node {term}")
    return term.n3() if isinstance(term, Identifier) else str(term)
