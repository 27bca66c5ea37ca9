"""tallies: per-document counts that the cross-city queries would otherwise aggregate live.

A comparison across cities ("how many measures of each city fall under each instrument and
stage", "which units co-own the most measures") joins every measure with its concepts or units,
which grows with the whole store. The counts within one document change only with the document,
so they are computed here, from the record, as a stage of their own, and stored in the document's
graph: re-ingesting or removing a document replaces or removes its tallies with it. A query then
sums a few tallies per document instead of joining every measure. Only non-zero counts are stated.

Each tally is a pkg:Tally of its policy (pkg:hasTally) along one dimension:
an instrument and stage pair (pkg:countsInstrument, pkg:countsStage),
a responsible unit (pkg:countsUnit; with pkg:sharedCount, measures it shares with another unit,
and pkg:leadCount, measures it leads) or an organ type (pkg:countsOrganType; with pkg:countsUnit
for each unit of that type).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from ingest.nodes import measure_nodes, organ_node
from ingest.record import PolicyRecord
from ingest.tripleset import triple_graph
from ingest.vocab import INSTRUMENT, ORGAN_TYPE, PKG, STAGE, policy_iri

__all__ = ["tallies"]


@dataclass
class _Counted:
    """What one measure node counts under: two measures the text numbers alike share a node."""

    instruments: set[URIRef] = field(default_factory=set)
    stages: set[URIRef] = field(default_factory=set)
    responsible: set[URIRef] = field(default_factory=set)
    leads: set[URIRef] = field(default_factory=set)


def tallies(record: PolicyRecord) -> Graph:
    """The tallies of the record's measures, as triples of its policy."""
    policy, where = policy_iri(record), record.jurisdiction
    types: dict[URIRef, set[URIRef]] = defaultdict(set)
    """The organ types of every organ the document names (its issuer too): one organ, one node."""
    for name in [*([record.issuer] if record.issuer else []),
                 *(unit.name for m in record.measures for unit in m.responsible_units)]:
        node = organ_node(name, where)
        types[node.iri].update([ORGAN_TYPE[node.organ.organ_type]] if node.organ.organ_type else [])
    counted: dict[URIRef, _Counted] = defaultdict(_Counted)
    for iri, measure in zip(measure_nodes(policy, record.measures), record.measures, strict=True):
        into = counted[iri]
        into.instruments.update(INSTRUMENT[name] for name in measure.instruments)
        into.stages.update(STAGE[name] for name in measure.stages)
        for unit in measure.responsible_units:
            organ = organ_node(unit.name, where).iri
            into.responsible.add(organ)
            if unit.lead:
                into.leads.add(organ)
    graph = triple_graph()
    _add_tallies(graph, policy, [counted[iri] for iri in sorted(counted)], types)
    return graph


def _add_tallies(document: Graph, policy: URIRef, measures: list[_Counted],
                 organ_types: dict[URIRef, set[URIRef]]) -> None:
    pairs: dict[tuple[URIRef, URIRef], int] = defaultdict(int)
    units: dict[URIRef, list[int]] = defaultdict(lambda: [0, 0, 0])
    types: dict[URIRef, int] = defaultdict(int)
    type_units: dict[URIRef, set[URIRef]] = defaultdict(set)
    for measure in measures:
        for instrument in measure.instruments:
            for stage in measure.stages:
                pairs[(instrument, stage)] += 1
        responsible, leads = measure.responsible, measure.leads
        for unit in responsible:
            counts = units[unit]
            counts[0] += 1
            counts[1] += len(responsible) > 1
            counts[2] += unit in leads
        for organ_type in {t for unit in responsible for t in organ_types[unit]}:
            types[organ_type] += 1
            type_units[organ_type].update(u for u in responsible if organ_type in organ_types[u])
    for (instrument, stage), count in pairs.items():
        _tally(document, policy, ("instrument-stage", _local(instrument), _local(stage)), count,
               ((PKG.countsInstrument, instrument), (PKG.countsStage, stage)))
    for position, unit in enumerate(sorted(units, key=str), start=1):
        measured, shared, led = units[unit]
        tally = _tally(document, policy, ("unit", str(position)), measured, ((PKG.countsUnit, unit),))
        document.add((tally, PKG.sharedCount, Literal(shared)))
        document.add((tally, PKG.leadCount, Literal(led)))
    for organ_type, count in types.items():
        _tally(document, policy, ("organ-type", _local(organ_type)), count,
               ((PKG.countsOrganType, organ_type),
                *((PKG.countsUnit, unit) for unit in sorted(type_units[organ_type], key=str))))


def _tally(document: Graph, policy: URIRef, key: tuple[str, ...], count: int,
           dimensions: Iterable[tuple[URIRef, Node]]) -> URIRef:
    tally = URIRef(f"{policy}/tally/{'/'.join(key)}")
    document.add((policy, PKG.hasTally, tally))
    document.add((tally, RDF.type, PKG.Tally))
    document.add((tally, PKG.measureCount, Literal(count)))
    for prop, value in dimensions:
        document.add((tally, prop, value))
    return tally


def _local(concept: Node) -> str:
    """The local name of a scheme concept, the last segment of its IRI."""
    return str(concept).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
