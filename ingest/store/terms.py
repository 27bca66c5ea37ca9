"""store.terms: the one bridge between the two term models, rdflib's and pyoxigraph's.

Ingest builds and reads graphs with rdflib; the embedded engine and the service's query workers
hold pyoxigraph terms, which they serialise without a copy. A term crosses between them here only.
"""

from __future__ import annotations

from typing import overload

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

__all__ = ["to_oxigraph", "to_rdflib"]


def to_rdflib(term: object) -> Node:
    """A pyoxigraph IRI, blank node or literal as rdflib's."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported RDF term: {term!r}")


@overload
def to_oxigraph(term: URIRef | Literal) -> ox.NamedNode | ox.Literal: ...
@overload
def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal: ...
def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib IRI, blank node or literal as pyoxigraph's (a plain literal is an xsd:string)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise TypeError(f"unsupported RDF term: {term!r}")
