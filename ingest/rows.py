"""rows: the columns a comparison across cities reads from other nodes, kept on its row at ingest.

A whole incentives-by-topic comparison (every incentive of a topic in every city) joined each row
with its measure, policy, source span, source document and responsible units, and grouped them
back into one row per incentive. Those columns change only with the document, so they are copied
here, from the document graph, onto the incentive itself under the `row:` namespace, named as the
curated query's column; the comparison then reads the incentive's node and no join or grouping.
Re-ingesting or removing a document replaces or removes them with its graph. Labels from the
vocabulary are still joined live (they change with the vocabulary, not the document). What this
gains, and why targets-by-indicator is left joining live: bench/README.md, "Comparison rows".

A row is written only where the comparison's required patterns hold (a measure with a path and a
topic, a source span, a jurisdiction), so the rows read are the rows the joins gave.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import SKOS, Graph, Literal, URIRef
from rdflib.term import Node

from ingest.vocab import ELI, PKG, PROV, ROW

__all__ = ["UNIT_SEPARATOR", "add_rows"]

UNIT_SEPARATOR = "、"
"""Between the names of a measure's responsible units in row:units."""


def add_rows(document: Graph, entities: Graph, policy: URIRef) -> None:
    """Add to `document` the row columns of `policy`'s incentives; unit names are read from
    `entities`."""
    place = document.value(policy, PKG.jurisdiction)
    source = document.value(policy, PROV.wasDerivedFrom)
    if place is None or source is None:
        return
    shared = [(ROW.place, place), *_optional(document, policy, ELI.title, ROW.title),
              *_optional(document, policy, ELI.id_local, ROW.docNumber),
              *_optional(document, source, PKG.partialReason, ROW.partial)]
    for measure in sorted(document.objects(policy, PKG.hasMeasure), key=str):
        _incentive_rows(document, entities, measure, shared)


def _incentive_rows(document: Graph, entities: Graph, measure: Node,
                    shared: list[tuple[URIRef, Node]]) -> None:
    """incentives-by-topic: each incentive of a measure with a path and a topic."""
    path = document.value(measure, PKG.path)
    topics = sorted(document.objects(measure, PKG.topic), key=str)
    if path is None or not topics:
        return
    units = _joined({name for unit in document.objects(measure, PKG.responsibleUnit)
                     for name in entities.objects(unit, SKOS.prefLabel)})
    for incentive in document.objects(measure, PKG.hasIncentive):
        span = document.value(incentive, PROV.wasDerivedFrom)
        if span is None or document.value(incentive, PKG.incentiveKind) is None:
            continue
        _add(document, incentive, [*shared, (ROW.path, path), (ROW.units, units),
                                   *((ROW.topic, topic) for topic in topics),
                                   *_optional(document, span, PKG.quote, ROW.quote)])


def _joined(names: set[Node]) -> Literal:
    """The names as GROUP_CONCAT(DISTINCT …; separator="、") gives them: tagged with their language
    when they all share one (the units' @zh names), a plain string otherwise or when there are none."""
    languages = {name.language if isinstance(name, Literal) else None for name in names}
    language = languages.pop() if len(languages) == 1 else None
    return Literal(UNIT_SEPARATOR.join(sorted(str(name) for name in names)), lang=language)


def _optional(document: Graph, node: Node, prop: URIRef, column: URIRef) -> list[tuple[URIRef, Node]]:
    return [(column, value) for value in document.objects(node, prop)]


def _add(document: Graph, row: Node, columns: Iterable[tuple[URIRef, Node]]) -> None:
    for column, value in columns:
        document.add((row, column, value))
