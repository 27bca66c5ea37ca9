"""SPARQL kept as data: `.rq` files beside the code that runs them, read once.

A value enters a query as an RDF term, never as text: bound by the engine (pyoxigraph's
substitutions) where one value is bound, or, for a list of values and in updates (which take no
substitutions), written into the file's marker `VALUES ?x { UNDEF }` (`VALUES (?x ?y) { (UNDEF
UNDEF) }` for rows) as a block of terms each serialised by its library (rdflib's `n3()`,
pyoxigraph's N-Triples form). Run as it is, a marker binds nothing, so every file parses and runs;
the code binds every marker of a file it runs (`with_values` refuses a file without the marker).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from importlib.resources import files

import pyoxigraph as ox
from rdflib import BNode
from rdflib.term import Identifier

__all__ = ["Term", "is_iri", "marker", "request", "sparql_file", "with_rows", "with_values"]

Term = Identifier | ox.NamedNode | ox.Literal
"""An RDF term as rdflib or pyoxigraph holds it."""

_IRI = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\]+")


def is_iri(text: str) -> bool:
    """An absolute IRI that can be written between <> in SPARQL without escaping."""
    return bool(_IRI.fullmatch(text))


@cache
def sparql_file(package: str, name: str) -> str:
    """The text of the file `name` (a path inside `package`: "store/documents.rq")."""
    return (files(package) / name).read_text(encoding="utf-8")


def marker(*variables: str) -> str:
    """The marker of a query where a list of values of ?variable (rows of ?variables) is bound."""
    if len(variables) == 1:
        return f"VALUES ?{variables[0]} {{ UNDEF }}"
    return f"VALUES ({' '.join('?' + v for v in variables)}) {{ ({' '.join('UNDEF' for _ in variables)}) }}"


def with_values(sparql: str, variable: str, terms: Iterable[Term]) -> str:
    """`sparql` with each marker of ?variable binding `terms` (none: the block matches nothing)."""
    return _bound(sparql, (variable,), f"VALUES ?{variable} {{ {' '.join(_written(t) for t in terms)} }}")


def with_rows(sparql: str, variables: Sequence[str], rows: Iterable[Sequence[Term]]) -> str:
    """`sparql` with each marker of `variables` binding `rows`, one term per variable in order."""
    written = []
    for row in rows:
        if len(row) != len(variables):
            raise ValueError(f"a row of {len(row)} terms for {len(variables)} variables")
        written.append(f"({' '.join(_written(t) for t in row)})")
    names = " ".join("?" + v for v in variables)
    return _bound(sparql, tuple(variables), f"VALUES ({names}) {{ {' '.join(written)} }}")


def request(*operations: str) -> str:
    """One SPARQL Update request of several operations (files' texts or data blocks): their PREFIX
    lines once, first (an engine need not take a prologue after `;`), then each body in order."""
    prefixes: dict[str, str] = {}
    bodies = []
    for text in operations:
        lines = text.strip().splitlines()
        while lines and _is_head(lines[0]):
            if declared := _PREFIX.match(lines.pop(0)):
                name, iri = declared.groups()
                if prefixes.setdefault(name, iri) != iri:
                    raise ValueError(f"the prefix {name}: stands for both <{prefixes[name]}> and <{iri}>")
        bodies.append("\n".join(lines))
    prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())
    return prologue + " ;\n".join(bodies)


_PREFIX = re.compile(r"\s*PREFIX\s+([\w.-]*):\s*<([^>]*)>\s*$", re.IGNORECASE)


def _is_head(line: str) -> bool:
    """A line of a file's head: a comment, a PREFIX declaration or blank."""
    return not line.strip() or line.lstrip().startswith("#") or bool(_PREFIX.match(line))


def _bound(sparql: str, variables: tuple[str, ...], values: str) -> str:
    found = marker(*variables)
    if found not in sparql:
        raise ValueError(f"the query has no `{found}` marker to bind the values in")
    return sparql.replace(found, values)


def _written(term: Term) -> str:
    """A term as SPARQL writes it; blank nodes cannot be bound."""
    if isinstance(term, BNode | ox.BlankNode):
        raise TypeError(f"only IRIs and literals can be bound, not the blank node {term}")
    return term.n3() if isinstance(term, Identifier) else str(term)
