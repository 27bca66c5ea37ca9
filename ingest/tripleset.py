"""tripleset: a plain in-memory rdflib Store for the graph of one document.

rdflib's default Memory store keeps every triple's contexts and fires an event per add; for
the triples of one document that was most of the graph stage and a third of SHACL validation
(its lookups; bench/README.md). A document graph has one context and is only built, read and
serialised, so three dictionary indexes (s → p → {o}, p → o → {s}, o → s → {p}) are enough.
The store says it is context- and graph-aware because pyshacl wraps its data graph in a Dataset;
every lookup answers from the one set of triples, whatever the context.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from typing import Any

from rdflib import Graph
from rdflib.store import Store
from rdflib.term import Node, URIRef

__all__ = ["TripleSet", "TripleUnion", "triple_graph", "union_graph"]

Triple = tuple[Node, Node, Node]
_Index = dict[Node, dict[Node, set[Node]]]
"""first position → second position → third positions; plain dicts, so a built graph pickles."""


class TripleSet(Store):
    """The triples of one graph, indexed from each position."""

    context_aware = True
    graph_aware = True

    def __init__(self) -> None:
        super().__init__()
        self._spo: _Index = {}
        self._pos: _Index = {}
        self._osp: _Index = {}
        self._size = 0

    def add(self, triple: Triple, context: Any = None, quoted: bool = False) -> None:
        s, p, o = triple
        objects = self._spo.setdefault(s, {}).setdefault(p, set())
        if o in objects:
            return
        objects.add(o)
        self._pos.setdefault(p, {}).setdefault(o, set()).add(s)
        self._osp.setdefault(o, {}).setdefault(s, set()).add(p)
        self._size += 1

    def remove(self, triple: Any, context: Any = None) -> None:
        for s, p, o in list(self._match(*triple)):
            self._spo[s][p].discard(o)
            self._pos[p][o].discard(s)
            self._osp[o][s].discard(p)
            self._size -= 1

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[tuple[Triple, Iterator[Any]]]:
        for triple in self._match(*triple_pattern):
            yield triple, iter(())

    def __len__(self, context: Any = None) -> int:
        return self._size

    def contains(self, triple: Triple) -> bool:
        s, p, o = triple
        return o in self._spo.get(s, {}).get(p, ())

    def contexts(self, triple: Any = None) -> Generator[Graph, None, None]:
        yield from ()

    def _match(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[Triple]:
        """Triples matching a pattern (None is any), from the index of its first bound position."""
        if s is not None:
            return self._match_subject(s, p, o)
        if p is not None:
            return self._match_predicate(p, o)
        if o is not None:
            return self._match_object(o)
        return self._all()

    def _match_subject(self, s: Node, p: Node | None, o: Node | None) -> Iterator[Triple]:
        by_predicate: Mapping[Node, set[Node]] = self._spo.get(s, {})
        for pred in ((p,) if p is not None else tuple(by_predicate)):
            for obj in tuple(by_predicate.get(pred, ())):
                if o is None or obj == o:
                    yield s, pred, obj

    def _match_predicate(self, p: Node, o: Node | None) -> Iterator[Triple]:
        by_object: Mapping[Node, set[Node]] = self._pos.get(p, {})
        for obj in ((o,) if o is not None else tuple(by_object)):
            for subj in tuple(by_object.get(obj, ())):
                yield subj, p, obj

    def _match_object(self, o: Node) -> Iterator[Triple]:
        for subj, predicates in tuple(self._osp.get(o, {}).items()):
            for pred in tuple(predicates):
                yield subj, pred, o

    def _all(self) -> Iterator[Triple]:
        for subj, by_predicate in tuple(self._spo.items()):
            for pred, objects in tuple(by_predicate.items()):
                for obj in tuple(objects):
                    yield subj, pred, obj


def triple_graph(identifier: URIRef | None = None, triples: Iterable[Triple] = ()) -> Graph:
    """An rdflib Graph on a TripleSet, holding `triples`."""
    graph = Graph(store=TripleSet(), identifier=identifier)
    for triple in triples:
        graph.add(triple)
    return graph


class TripleUnion(Store):
    """Disjoint TripleSets read as one graph, without copying them. Read-only."""

    context_aware = True
    graph_aware = True

    def __init__(self, parts: Sequence[TripleSet]) -> None:
        super().__init__()
        self._parts = tuple(parts)

    def add(self, triple: Triple, context: Any = None, quoted: bool = False) -> None:
        raise TypeError("a union of graphs is read-only: add to one of its graphs")

    def remove(self, triple: Any, context: Any = None) -> None:
        raise TypeError("a union of graphs is read-only: remove from one of its graphs")

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[tuple[Triple, Iterator[Any]]]:
        for part in self._parts:
            for triple in part._match(*triple_pattern):
                yield triple, iter(())

    def __len__(self, context: Any = None) -> int:
        return sum(len(part) for part in self._parts)

    def contexts(self, triple: Any = None) -> Generator[Graph, None, None]:
        yield from ()


def union_graph(*graphs: Graph) -> Graph:
    """`graphs` (each on a TripleSet, no triple in two) as one read-only Graph, without copying:
    what SHACL checks of a document and its entities. A copy costs more than the lookups through
    the union cost SHACL (bench/README.md)."""
    parts = [graph.store for graph in graphs if isinstance(graph.store, TripleSet)]
    if len(parts) != len(graphs):
        raise TypeError("union_graph reads graphs made by triple_graph()")
    for index, part in enumerate(parts):
        earlier = parts[:index]
        shared = next((t for t in part._match(None, None, None) if any(o.contains(t) for o in earlier)), None)
        if shared is not None:
            raise ValueError(f"union_graph reads disjoint graphs; {shared} is in two")
    return Graph(store=TripleUnion(parts))
