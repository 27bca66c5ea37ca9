"""One policy, several copies (FRBR: the policy is the work, each ingested file a manifestation).

A copy that lost its 发文字号 is matched to its work by jurisdiction and title (same_works). A
policy's facts live in one graph, `<policy>/graph`, built from its fullest copy: a whole copy
before a partial one, then the one with more triples; on a tie the copy already there stays, so
a second copy never silently replaces a fuller one. Every other copy is catalogued with a small
graph of its own (`<policy>/copy/<key>/graph`: its file name, pkg:copyOf, its pkg:partialReason)
and keeps its whole graph in the catalogue as N-Triples text (pkg:heldTriples, pkg:heldEntities),
outside the union of facts, so that when the fact-bearing copy is removed (or a re-ingest makes
another copy the fullest) the next one takes its place with no file to read again.

This module plans a batch of writes against the copies already stored, and writes the SPARQL of
the copies; the store (base.py) reads what a plan needs and sends everything as one request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF
from rdflib.term import Node

from ingest.sparql import with_values
from ingest.store.interface import DocumentWrite
from ingest.store.updates import Selection, insert_data, query_file
from ingest.vocab import CATALOG_GRAPH, PKG, VOID, key

__all__ = ["CopyPlan", "StoredCopy", "StoredWork", "copies_query", "copy_graph", "copy_update", "plan_copies",
           "same_works", "stored_copy", "titles", "works_query"]


@dataclass(frozen=True)
class StoredCopy:
    """A copy the catalogue knows: the fact-bearing one (primary) or a held one."""

    graph: str
    source: str
    policy: str
    fullness: tuple[bool, int]
    primary: bool


@dataclass
class CopyPlan:
    """What a batch does to the copies of its policies.

    `primaries` are the writes to put in `<policy>/graph`: new documents, or a stored copy to
    promote (a StoredCopy, whose held graph the store reads first). `copies` are the copies to
    catalogue as held: new writes, or a stored primary being demoted (read first)."""

    primaries: list[DocumentWrite | StoredCopy] = field(default_factory=list)
    copies: list[DocumentWrite | StoredCopy] = field(default_factory=list)
    copy_of: dict[str, str] = field(default_factory=dict)
    """Source of a write added as a copy → source of the copy that supplies the facts."""
    kept_as_copies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Source of a write that supplies the facts → sources it took that role from."""

    @property
    def plain(self) -> bool:
        """True when the batch touches no policy with another copy: every write as before."""
        return not self.copies and all(isinstance(p, DocumentWrite) for p in self.primaries)


def plan_copies(writes: Sequence[DocumentWrite], stored: Iterable[StoredCopy]) -> CopyPlan:
    """Which copy of each policy supplies its facts after the batch, and which are held."""
    holders: dict[str, list[DocumentWrite | StoredCopy]] = {}
    before: dict[str, DocumentWrite | StoredCopy] = {}
    for copy in stored:
        holders.setdefault(copy.policy, []).append(copy)
        if copy.primary:
            before[copy.policy] = copy
    plan = CopyPlan()
    order: list[str] = []
    for write in writes:
        if write.policy is None:
            plan.primaries.append(write)
            continue
        policy = str(write.policy)
        if policy not in order:
            order.append(policy)
        before[policy] = _fullest(plan, write, holders.setdefault(policy, []), before.get(policy))
    for policy in order:
        _settle(plan, before[policy], holders[policy])
    return plan


def _fullest(plan: CopyPlan, write: DocumentWrite, holders: list[DocumentWrite | StoredCopy],
             current: DocumentWrite | StoredCopy | None) -> DocumentWrite | StoredCopy:
    """`write` joins the copies of its policy (in place of an earlier copy of its file); the copy
    that supplies the facts now, the one that did (`current`) staying on a tie."""
    holders[:] = [*(h for h in holders if _source(h) != write.source), write]
    if current is not None and _source(current) == write.source:
        current = write  # a re-ingest of the fact-bearing file keeps its role on a tie
    best = max(holders, key=lambda h: (_fullness(h), h is current))
    if best is write and current is not None and current is not write:
        plan.kept_as_copies[write.source] = (_source(current),)
    return best


def _settle(plan: CopyPlan, best: DocumentWrite | StoredCopy,
            holders: list[DocumentWrite | StoredCopy]) -> None:
    """Put the fullest copy of one policy and its other copies in the plan."""
    if not (isinstance(best, StoredCopy) and best.primary):
        plan.primaries.append(best)
    for holder in holders:
        if holder is best:
            continue
        if isinstance(holder, DocumentWrite) or holder.primary:
            plan.copies.append(holder)
        if isinstance(holder, DocumentWrite):
            plan.copy_of[holder.source] = _source(best)


@dataclass(frozen=True)
class StoredWork:
    """A stored policy as the catalogue keys it: for a copy without a 发文字号 to find its work."""

    policy: str
    title: str
    number: str | None
    issued: str | None
    source: str
    """The file the stored work was read from: a batch that re-ingests it may make it another work."""

    def takes(self, write: DocumentWrite, title: str | None, number: str | None) -> bool:
        """True when `write` is a copy of this work: another IRI in the same jurisdiction, the same
        title, and no 发文字号 or issue date that contradicts this one's (one of two missing)."""
        scope = str(write.policy).rsplit("/", 1)[0] + "/"
        return (self.policy != str(write.policy) and self.policy.startswith(scope) and self.title == title
                and (self.number is None or number is None or self.number == number)
                and _compatible(self.issued, write.issued))


def _compatible(one: str | None, other: str | None) -> bool:
    """Two issue dates of one work: either unknown, or one the other to less precision (2022-09)."""
    return one is None or other is None or one.startswith(other) or other.startswith(one)


def same_works(writes: Sequence[DocumentWrite], stored: Iterable[StoredWork]) -> list[DocumentWrite]:
    """The writes, each on the policy already stored (or earlier in the batch) that it is a copy of.

    A policy's IRI comes from its 发文字号, or its title where the copy has none, so a repost that
    lost the number would be a second work: it is a copy of a policy of the same jurisdiction and
    title whose number it does not contradict (one of the two has none). The first stored names the
    work; the write is moved onto that IRI (every IRI of a document graph starts with its policy's).
    A work whose file the batch ingests again is no longer known: that file may now be another work."""
    again = {write.source for write in writes}
    known = [work for work in stored if work.source not in again]
    out = []
    for write in writes:
        known = [work for work in known if work.source != write.source]
        title, number = _key(write, PKG.titleKey), _key(write, PKG.numberKey)
        if write.policy is None or title is None:
            out.append(write)
            continue
        work = next((w for w in known if w.takes(write, title, number)), None)
        moved = _moved(write, work.policy) if work is not None else write
        out.append(moved)
        known.append(StoredWork(str(moved.policy), title, number, write.issued, write.source))
    return out


def works_query(titles: Iterable[str]) -> str:
    """SELECT the stored policies keyed by these titles."""
    return with_values(query_file("works.rq"), "title", [Literal(title) for title in titles])


def titles(writes: Sequence[DocumentWrite]) -> set[str]:
    """The title keys of the writes' policies."""
    return {title for write in writes if (title := _key(write, PKG.titleKey)) is not None}


def _key(write: DocumentWrite, prop: URIRef) -> str | None:
    return next((str(value) for key, value in write.keys if key == prop), None)


def _moved(write: DocumentWrite, policy: str) -> DocumentWrite:
    old = str(write.policy)
    ntriples = write.ntriples.replace(f"<{old}>", f"<{policy}>").replace(f"<{old}/", f"<{policy}/")
    return replace(write, graph_iri=URIRef(f"{policy}/graph"), ntriples=ntriples, policy=URIRef(policy))


def _source(holder: DocumentWrite | StoredCopy) -> str:
    return holder.source


def _fullness(holder: DocumentWrite | StoredCopy) -> tuple[bool, int]:
    return holder.fullness


def copy_graph(policy: str, source: str) -> URIRef:
    """The graph that catalogues one held copy of a policy."""
    return URIRef(f"{policy}/copy/{key(source)}/graph")


def copy_update(write: DocumentWrite, when: Literal) -> list[str]:
    """Operations that catalogue `write` as a held copy of its policy: its earlier graphs go, its
    description graph and its catalogue entry (with the whole graph as text) come."""
    if write.policy is None:
        raise ValueError(f"{write.source}: a copy is held for its policy, and this document has none")
    graph = copy_graph(str(write.policy), write.source)
    node = URIRef(str(graph).removesuffix("/graph"))
    partial = [(PKG.partialReason, Literal(write.partial))] if write.partial else []
    description = [(node, RDF.type, PKG.SourceDocument), (node, PKG.fileName, Literal(write.source)),
                   (node, PKG.copyOf, write.policy), *((node, p, o) for p, o in partial)]
    entry = [(RDF.type, PKG.DocumentGraph), (DCTERMS.source, Literal(write.source)),
             (FOAF.primaryTopic, write.policy), (PKG.factsIn, URIRef(f"{write.policy}/graph")),
             (VOID.triples, Literal(len(description))), (PKG.factTriples, Literal(write.triples)), *partial,
             (PKG.heldTriples, Literal(write.ntriples)), (PKG.heldEntities, Literal(write.entities)),
             (DCTERMS.modified, when)]
    return [Selection.of(write.source).bind(query_file("drop-documents.ru")),
            insert_data({graph: description, CATALOG_GRAPH: [(graph, p, o) for p, o in entry]})]


def copies_query(policies: Iterable[str]) -> str:
    """SELECT every catalogued copy of the given policies."""
    return with_values(query_file("copies.rq"), "policy", [URIRef(policy) for policy in policies])


def stored_copy(row: Mapping[str, Node]) -> StoredCopy:
    """A StoredCopy from a row of copies_query (rdflib terms)."""
    graph, policy = str(row["graph"]), str(row["policy"])
    triples = int(str(row.get("factTriples", row["triples"])))
    return StoredCopy(graph, str(row["source"]), policy, ("partial" not in row, triples),
                      graph == f"{policy}/graph")

