"""What every store does the same way, given a query and an update operation: the document
lifecycle (replace, remove, list, load) as single SPARQL Update requests of `updates`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node
from rdflib.util import guess_format

from ingest.sparql import request
from ingest.store.copies import (
    CopyPlan,
    StoredCopy,
    StoredWork,
    copies_query,
    copy_graph,
    copy_update,
    plan_copies,
    same_works,
    stored_copy,
    titles,
    works_query,
)
from ingest.store.interface import Answer, DocumentEntry, DocumentWrite, Removal, Solutions, select
from ingest.store.updates import (
    RESERVED_GRAPHS,
    catalogue_keys_update,
    load_update,
    query_file,
    remove_update,
    removed_query,
    replace_update,
)

__all__ = ["SparqlStore"]


class SparqlStore(ABC):
    """A store is an engine that answers SPARQL queries and applies SPARQL Update requests,
    each request as one transaction; everything else follows from those two."""

    @abstractmethod
    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> Answer:
        """Run a query over the union of all graphs, `bindings` bound as RDF terms."""

    @abstractmethod
    def update(self, request: str) -> None:
        """Apply one SPARQL Update request as one transaction."""

    @abstractmethod
    def close(self) -> None:
        """Release the engine (file locks, connections)."""

    def replace(self, graph_iri: URIRef, graph: Graph, source: str,
                entities: Graph | None = None) -> DocumentEntry:
        return self.replace_many([DocumentWrite.of(graph_iri, graph, source, entities)])[0]

    def replace_many(self, writes: Sequence[DocumentWrite]) -> list[DocumentEntry]:
        """Every write in one request; a write of a policy stored from another file is held as a
        copy unless it is fuller, when the copy that supplied the facts is held instead (copies.py)."""
        ingested = datetime.now(UTC).replace(microsecond=0)
        if not writes:
            return []
        writes = same_works(writes, self._works(titles(writes)))
        plan = plan_copies(writes, self._copies({str(w.policy) for w in writes if w.policy}))
        if plan.plain:
            self.update(request(*replace_update(writes, ingested)))
        else:
            self.update(self._copies_update(plan, ingested))
        return [self._entry(write, plan, ingested) for write in writes]

    def remove(self, document: str) -> Removal:
        found = self._select(removed_query(document)).rows
        removed = {str(row["old"]) for row in found}
        if not removed:
            return Removal(0)
        policies = {str(row["policy"]) for row in found if "policy" in row}
        left = [c for c in self._copies(policies) if c.graph not in removed]
        promoted = [self._held(max(copies, key=lambda c: c.fullness)) for policy in sorted(policies)
                    if f"{policy}/graph" in removed and (copies := [c for c in left if c.policy == policy])]
        ingested = datetime.now(UTC).replace(microsecond=0)
        promotions = replace_update(promoted, ingested) if promoted else []
        self.update(request(*remove_update(document), *promotions))
        return Removal(len(removed), tuple(self._entry(w, CopyPlan(), ingested) for w in promoted))

    def complete_catalogue(self) -> bool:
        if self.query(query_file("keyless.rq")) is not True:
            return False
        self.update(catalogue_keys_update())
        return True

    def documents(self) -> list[DocumentEntry]:
        return [
            DocumentEntry(
                graph=str(row["graph"]), source=str(row["source"]),
                policy=str(row["policy"]) if "policy" in row else None,
                triples=int(str(row["triples"])),
                ingested=datetime.fromisoformat(str(row["ingested"])),
                partial=str(row["partial"]) if "partial" in row else None,
                copy_of=str(row["copyOf"]) if "copyOf" in row else None,
            )
            for row in self._select(query_file("documents.rq")).rows
        ]

    def load(self, path: Path, graph_iri: URIRef) -> int:
        if graph_iri in RESERVED_GRAPHS:
            raise ValueError(f"{graph_iri} is kept by the store itself")
        graph = Graph().parse(path, format=guess_format(str(path)) or "turtle")
        self.update(load_update(graph_iri, graph.serialize(format="nt")))
        return len(graph)

    def _copies(self, policies: set[str]) -> list[StoredCopy]:
        """The catalogued copies of these policies."""
        if not policies:
            return []
        return [stored_copy(row) for row in self._select(copies_query(sorted(policies))).rows]

    def _works(self, keys: set[str]) -> list[StoredWork]:
        """The stored policies keyed by these titles."""
        if not keys:
            return []
        rows = self._select(works_query(sorted(keys))).rows
        return [StoredWork(str(r["policy"]), str(r["title"]), str(r["number"]) if "number" in r else None,
                           str(r["issued"]) if "issued" in r else None, str(r["source"])) for r in rows]

    def _copies_update(self, plan: CopyPlan, ingested: datetime) -> str:
        """One request for a plan: the fact-bearing writes, then the held copies (read first
        where the plan promotes a held copy or holds the copy that supplied the facts)."""
        primaries = [p if isinstance(p, DocumentWrite) else self._held(p) for p in plan.primaries]
        held = [c if isinstance(c, DocumentWrite) else self._fact_bearing(c) for c in plan.copies]
        parts = replace_update(primaries, ingested) if primaries else []
        when = Literal(ingested.isoformat(), datatype=XSD.dateTime)
        return request(*parts, *(operation for write in held for operation in copy_update(write, when)))

    def _held(self, copy: StoredCopy) -> DocumentWrite:
        """The write that makes a held copy the fact-bearing one, from the text it keeps."""
        row = select(self, query_file("held.rq"), {"graph": URIRef(copy.graph)}).rows[0]
        graph_iri = URIRef(f"{copy.policy}/graph")
        graph = Graph(identifier=graph_iri).parse(data=str(row["held"]), format="nt")
        entities = Graph().parse(data=str(row["entities"]), format="nt")
        return DocumentWrite.of(graph_iri, graph, copy.source, entities)

    def _fact_bearing(self, copy: StoredCopy) -> DocumentWrite:
        """The write of the copy that supplies the facts now, read back to be held."""
        bound = {"graph": URIRef(copy.graph)}
        graph = self.query(query_file("fact-graph.rq"), bound)
        entities = self.query(query_file("fact-entities.rq"), bound)
        if not isinstance(graph, Graph) or not isinstance(entities, Graph):
            raise TypeError(f"{copy.graph}: the store answered a CONSTRUCT with no graph")
        return DocumentWrite.of(URIRef(copy.graph), graph, copy.source, entities)

    @staticmethod
    def _entry(write: DocumentWrite, plan: CopyPlan, ingested: datetime) -> DocumentEntry:
        """The catalogue entry a write got: the fact-bearing graph, or its held copy's."""
        copy_of = plan.copy_of.get(write.source)
        held = copy_of is not None and write.policy is not None
        graph = copy_graph(str(write.policy), write.source) if held else write.graph_iri
        return DocumentEntry(str(graph), write.source, str(write.policy) if write.policy else None,
                             3 + bool(write.partial) if held else write.triples, ingested, write.partial,
                             copy_of, plan.kept_as_copies.get(write.source, ()))

    def _select(self, sparql: str) -> Solutions:
        return select(self, sparql)
