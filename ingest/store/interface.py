"""store.interface: what every store is and what it keeps, apart from any engine.

The `Store` protocol, the catalogue's records (DocumentEntry, DocumentWrite, Removal) and query
answers (Solutions) are here, in a module of their own, so that the engines (embedded, remote),
the SPARQL they share (base, updates, copies) and `ingest.store` itself all import them at the top.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from ingest.vocab import ELI, PKG

__all__ = ["Answer", "DocumentEntry", "DocumentWrite", "Removal", "Solutions", "Store", "StoreUnreachable",
           "select"]


class StoreUnreachable(OSError):
    """The store cannot be reached at all (connection refused or lost, no answer): unlike a
    write the engine refuses, no later request will fare better, so a batch stops here."""


@dataclass(frozen=True)
class DocumentEntry:
    """One stored document, as the catalogue graph records it."""

    graph: str
    source: str
    """File name of the source document."""
    policy: str | None
    triples: int
    ingested: datetime
    partial: str | None = None
    """Why this copy is not the whole policy, or None."""
    copy_of: str | None = None
    """When this file was added as a copy of a policy whose facts another copy supplies: that file."""
    kept_as_copies: tuple[str, ...] = ()
    """Files that supplied the policy's facts before this fuller copy came, now kept as its copies."""


@dataclass(frozen=True)
class Removal:
    """What `Store.remove` did: how many graphs went, and the copies that now supply the facts of
    a policy whose fact-bearing copy was removed."""

    graphs: int
    promoted: tuple[DocumentEntry, ...] = ()

    def __bool__(self) -> bool:
        return self.graphs > 0


@dataclass(frozen=True)
class DocumentWrite:
    """One document to put in place: its own graph, and the shared entities it describes, as
    N-Triples serialised once, where the graph was built (a worker process sends text, not a Graph)."""

    graph_iri: URIRef
    source: str
    ntriples: str
    triples: int
    policy: URIRef | None
    entities: str = ""
    """N-Triples of the entity descriptions, for the shared entities graph."""
    keys: tuple[tuple[URIRef, Literal], ...] = ()
    """The policy's (pkg:numberKey | pkg:titleKey, value): what citations of it are matched by."""
    citations: tuple[tuple[URIRef, URIRef, Literal], ...] = ()
    """(pkg:cites | pkg:repeals, key property, value) of each keyed citation the policy makes."""
    partial: str | None = None
    """Why the copy is not the whole policy (its source document's pkg:partialReason), or None."""
    issued: str | None = None
    """The policy's eli:date_document, which tells two works of one title apart."""

    @property
    def fullness(self) -> tuple[bool, int]:
        """What makes one copy of a policy fuller than another: whole before partial, then more
        triples (more measures, units, targets and incentives)."""
        return self.partial is None, self.triples

    @classmethod
    def of(cls, graph_iri: URIRef, graph: Graph, source: str, entities: Graph | None = None) -> DocumentWrite:
        policy = next((s for s in graph.subjects(RDF.type, PKG.Policy) if isinstance(s, URIRef)), None)
        keys = tuple(_keys(graph, policy)) if policy else ()
        citations = tuple((relation, key, value) for relation in CITING if policy
                          for node in graph.objects(policy, relation) for key, value in _keys(graph, node))
        partial = next((str(o) for o in graph.objects(None, PKG.partialReason)), None)
        issued = next((str(o) for o in graph.objects(policy, ELI.date_document)), None) if policy else None
        return cls(graph_iri, source, graph.serialize(format="nt"), len(graph), policy,
                   entities.serialize(format="nt") if entities is not None else "", keys, citations, partial,
                   issued)


CITING = (PKG.cites, PKG.repeals)
KEYS = (PKG.numberKey, PKG.titleKey)


def _keys(graph: Graph, node: Node) -> Iterator[tuple[URIRef, Literal]]:
    return ((key, value) for key in KEYS for value in graph.objects(node, key) if isinstance(value, Literal))


@dataclass(frozen=True)
class Solutions:
    """SELECT results as rdflib terms; unbound variables are absent from a row."""

    variables: tuple[str, ...]
    rows: tuple[dict[str, Node], ...]


Answer = Solutions | bool | Graph
"""What a store answers a query: SELECT → Solutions, ASK → bool, CONSTRUCT/DESCRIBE → Graph."""


class Store(Protocol):
    """What ingest and the service need from a store, whatever engine runs it."""

    def replace(self, graph_iri: URIRef, graph: Graph, source: str,
                entities: Graph | None = None) -> DocumentEntry:
        """Atomically put `graph` in place of this document's graph and of earlier graphs of `source`,
        adding `entities` (descriptions of shared entities) to the entities graph."""
        ...

    def replace_many(self, writes: Sequence[DocumentWrite]) -> list[DocumentEntry]:
        """`replace` of every write, in order, as one transaction: all of them land or none."""
        ...

    def remove(self, document: str) -> Removal:
        """Remove a document named by file name, graph IRI or policy IRI; how many graphs went.

        A file name or graph IRI removes that copy only: when it supplied its policy's facts, the
        fullest remaining copy supplies them from then on. A policy IRI removes every copy.
        Entity descriptions that no remaining document links to go with it."""
        ...

    def complete_catalogue(self) -> bool:
        """Give the catalogue entries of a store written by an earlier version their policy's keys,
        through which documents ingested later find the policies they cite; True when some lacked them."""
        ...

    def documents(self) -> list[DocumentEntry]:
        """Every stored document with its triple count and ingest time, by file name."""
        ...

    def load(self, path: Path, graph_iri: URIRef) -> int:
        """Replace named graph `graph_iri` with the RDF file at `path`; the number of triples."""
        ...

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> Answer:
        """Run a SPARQL query over the union of all graphs, `bindings` substituted as RDF terms.

        A bound variable must appear in the SELECT projection (SEP-0007, as Oxigraph applies it).
        """
        ...

    def close(self) -> None:
        """Release the engine (file locks, connections)."""
        ...


def select(store: Store, sparql: str, bindings: Mapping[str, Node] | None = None) -> Solutions:
    """The solutions of a SELECT query; TypeError for a query of another form."""
    result = store.query(sparql, bindings)
    if not isinstance(result, Solutions):
        raise TypeError(f"a SELECT query was expected, not one answered by {type(result).__name__}")
    return result
