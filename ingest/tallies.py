"""tallies: per-document counts that the cross-city queries would otherwise aggregate live.

A comparison across cities ("how many measures of each city fall under each instrument and
stage", "which units co-own the most measures") joins every measure with its concepts or units,
which grows with the whole store. The counts within one document change only with the document,
so they are computed here, from the document graph, and stored in that same graph: re-ingesting or removing
a document replaces or removes its tallies with it. A query then sums a few tallies per document
instead of joining every measure. Only non-zero counts are stated.

Each tally is a pkg:Tally of its policy (pkg:hasTally) along one dimension:
an instrument and stage pair (pkg:countsInstrument, pkg:countsStage),
a responsible unit (pkg:countsUnit; with pkg:sharedCount, measures it shares with another unit,
and pkg:leadCount, measures it leads) or an organ type (pkg:countsOrganType; with pkg:countsUnit
for each unit of that type).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from ingest.vocab import PKG

__all__ = ["add_tallies"]


def add_tallies(document: Graph, entities: Graph, policy: URIRef) -> None:
    """Add to `document` the tallies of `policy`'s measures; organ types are read from `entities`."""
    measures = sorted(o for o in document.objects(policy, PKG.hasMeasure) if isinstance(o, URIRef))
    pairs: dict[tuple[Node, Node], int] = defaultdict(int)
    units: dict[Node, list[int]] = defaultdict(lambda: [0, 0, 0])
    types: dict[Node, int] = defaultdict(int)
    type_units: dict[Node, set[Node]] = defaultdict(set)
    for measure in measures:
        for instrument in set(document.objects(measure, PKG.instrument)):
            for stage in set(document.objects(measure, PKG.stage)):
                pairs[(instrument, stage)] += 1
        responsible = set(document.objects(measure, PKG.responsibleUnit))
        leads = set(document.objects(measure, PKG.leadUnit))
        for unit in responsible:
            counts = units[unit]
            counts[0] += 1
            counts[1] += len(responsible) > 1
            counts[2] += unit in leads
        for organ_type in {t for unit in responsible for t in entities.objects(unit, PKG.organType)}:
            types[organ_type] += 1
            type_units[organ_type].update(u for u in responsible if (u, PKG.organType, organ_type)
                                          in entities)
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
