"""nodes: the IRIs of what a record becomes, minted one way for every stage that writes about it.

The tallies, rows and graph stages each write triples about a policy's measures, incentives, source
spans and organs; they name those nodes here, so that their triples meet on the same IRIs.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from ingest import organs
from ingest.record import Jurisdiction, Measure
from ingest.vocab import jurisdiction_iri, measure_iri, named_jurisdiction_iri, organ_iri

__all__ = ["OrganNode", "incentive_node", "measure_nodes", "organ_node", "source_node", "span_node"]


@dataclass(frozen=True)
class OrganNode:
    """A unit name resolved to its organ, the organ's IRI and the jurisdiction it belongs to."""

    iri: URIRef
    organ: organs.Organ
    scope: URIRef | None


def measure_nodes(policy: URIRef, measures: tuple[Measure, ...]) -> list[URIRef]:
    """The IRI of each measure, in order: from its path, with its position added when an earlier
    measure of the same path holds that IRI (a text that numbers two items alike)."""
    taken: dict[tuple[str, ...], URIRef] = {}
    nodes = []
    for order, measure in enumerate(measures, start=1):
        iri = measure_iri(policy, measure.path)
        if iri in taken.values():
            iri = URIRef(f"{iri}-{order}")
        taken[measure.path] = iri
        nodes.append(iri)
    return nodes


def incentive_node(measure: URIRef, position: int) -> URIRef:
    return URIRef(f"{measure}/incentive/{position}")


def source_node(policy: URIRef) -> URIRef:
    """The source document (the file) a policy was read from."""
    return URIRef(f"{policy}/source")


def span_node(entity: URIRef) -> URIRef:
    """The source span a measure, incentive or target is derived from."""
    return URIRef(f"{entity}/source")


def organ_node(name: str, where: Jurisdiction) -> OrganNode:
    """The canonical organ a surface name denotes in a document of `where`, scoped to the
    jurisdiction the organ belongs to (the document's own, its parent city or another)."""
    organ = organs.resolve(name, where)
    if organ.jurisdiction in (None, where.name):
        scope = jurisdiction_iri(where)
    elif organ.jurisdiction == where.parent:
        scope = named_jurisdiction_iri(organ.jurisdiction, where.province)
    else:
        scope = named_jurisdiction_iri(organ.jurisdiction, where.province, where.parent)
    return OrganNode(organ_iri(scope, organ.key), organ, scope)
