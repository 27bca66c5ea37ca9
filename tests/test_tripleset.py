"""tripleset: every lookup answers what rdflib's default store answers for the same triples."""

from __future__ import annotations

import pickle
from itertools import product

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ingest.tripleset import triple_graph, union_graph
from ingest.write import DocumentGraph

A, B, C = URIRef("urn:x:甲"), URIRef("urn:x:乙"), URIRef("urn:x:丙")
TRIPLES = [(A, B, C), (A, B, Literal("专利")), (C, B, A), (A, C, Literal("1", datatype=URIRef("urn:x:n"))),
           (B, B, B), (A, B, C)]


def _patterns(graph: Graph) -> list[tuple[Node | None, Node | None, Node | None]]:
    terms: list[Node | None] = [None, *{t for triple in graph for t in triple}, URIRef("urn:x:absent")]
    return [(s, p, o) for s, p, o in product(terms, repeat=3) if not isinstance(p, Literal)]


@pytest.mark.parametrize("triples", [TRIPLES, TRIPLES[:1], []])
def test_lookups_match_the_default_store(triples: list[tuple[URIRef, URIRef, URIRef | Literal]]) -> None:
    ours, reference = triple_graph(None, triples), Graph()
    for triple in triples:
        reference.add(triple)
    assert len(ours) == len(reference) == len(set(triples))
    for pattern in _patterns(reference):
        assert set(ours.triples(pattern)) == set(reference.triples(pattern)), pattern


def test_remove_and_pickle() -> None:
    graph = triple_graph(URIRef("urn:x:g"), TRIPLES)
    graph.remove((A, B, None))
    assert set(graph) == {(C, B, A), (A, C, Literal("1", datatype=URIRef("urn:x:n"))), (B, B, B)}
    copy = pickle.loads(pickle.dumps(graph))
    assert set(copy) == set(graph)
    assert len(copy) == 3
    assert copy.identifier == URIRef("urn:x:g")


def test_corpus_graph_lookups(corpus_graphs: dict[str, DocumentGraph]) -> None:
    """A real document graph answers every (s, p, None) and (None, p, o) lookup like Memory."""
    for built in corpus_graphs.values():
        reference = Graph()
        for triple in built.graph:
            reference.add(triple)
        for s, p, o in list(reference)[::7]:
            for pattern in ((s, p, None), (None, p, o), (None, None, o), (s, None, None)):
                assert set(built.graph.triples(pattern)) == set(reference.triples(pattern))


def test_union_reads_disjoint_graphs_as_one() -> None:
    first, second = triple_graph(None, TRIPLES[:2]), triple_graph(None, TRIPLES[2:5])
    union, reference = union_graph(first, second), Graph()
    for triple in TRIPLES:
        reference.add(triple)
    assert len(union) == len(reference) == 5
    for pattern in _patterns(reference):
        assert sorted(union.triples(pattern)) == sorted(reference.triples(pattern)), pattern


@pytest.mark.parametrize(("graphs", "error"), [
    ((triple_graph(None, TRIPLES[:3]), triple_graph(None, TRIPLES[2:])), "disjoint"),
    ((triple_graph(None, TRIPLES), Graph()), "triple_graph"),
])
def test_union_refuses(graphs: tuple[Graph, ...], error: str) -> None:
    with pytest.raises((TypeError, ValueError), match=error):
        union_graph(*graphs)


def test_union_is_read_only() -> None:
    with pytest.raises(TypeError, match="read-only"):
        union_graph(triple_graph(None, TRIPLES)).add((A, B, B))
