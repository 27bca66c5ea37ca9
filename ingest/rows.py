"""rows: the columns a comparison across cities reads from other nodes, kept on its row at ingest.

A whole incentives-by-topic comparison (every incentive of a topic in every city) joined each row
with its measure, policy, source span, source document and responsible units, and grouped them
back into one row per incentive. Those columns change only with the document, so this stage writes
them from the record onto the incentive itself, under the `row:` namespace, named as the curated
query's column; the comparison then reads the incentive's node and no join or grouping.
Re-ingesting or removing a document replaces or removes them with its graph. Labels from the
vocabulary are still joined live (they change with the vocabulary, not the document). What this
gains, and why targets-by-indicator is left joining live: bench/README.md, "Comparison rows".

A row is written only where the comparison's required patterns hold (a measure with a path and a
topic, a source span, a jurisdiction), so the rows read are the rows the joins gave.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ingest.nodes import incentive_node, measure_nodes, organ_node
from ingest.read import SourceText
from ingest.record import PolicyRecord
from ingest.tripleset import triple_graph
from ingest.vocab import ROW, TOPIC, jurisdiction_iri, policy_iri

__all__ = ["UNIT_SEPARATOR", "rows"]

UNIT_SEPARATOR = "、"
"""Between the names of a measure's responsible units in row:units."""


@dataclass
class _Columns:
    """The columns of one measure node's incentives: two measures the text numbers alike share a
    node, and their incentives of the same position one incentive node."""

    path: str
    topics: set[URIRef] = field(default_factory=set)
    units: set[Literal] = field(default_factory=set)
    quotes: dict[URIRef, set[str]] = field(default_factory=lambda: defaultdict(set))


def rows(record: PolicyRecord, source: SourceText | None) -> Graph:
    """The row columns of the record's incentives; quotes are cut from `source` when given."""
    graph = triple_graph()
    place = jurisdiction_iri(record.jurisdiction)
    if place is None:
        return graph
    shared: list[tuple[URIRef, Node]] = [(ROW.place, place)]
    for column, text in ((ROW.title, record.title), (ROW.docNumber, record.doc_number),
                         (ROW.partial, record.partial)):
        if text:
            shared.append((column, Literal(text)))
    for columns in _measures(record, source):
        if columns.topics:
            units = _joined(columns.units)
            for incentive, quotes in columns.quotes.items():
                for column, value in [*shared, (ROW.path, Literal(columns.path)), (ROW.units, units),
                                      *((ROW.topic, topic) for topic in columns.topics),
                                      *((ROW.quote, Literal(quote)) for quote in quotes)]:
                    graph.add((incentive, column, value))
    return graph


def _measures(record: PolicyRecord, source: SourceText | None) -> list[_Columns]:
    """The columns of each measure node."""
    measures: dict[URIRef, _Columns] = {}
    nodes = measure_nodes(policy_iri(record), record.measures)
    for iri, measure in zip(nodes, record.measures, strict=True):
        columns = measures.setdefault(iri, _Columns("/".join(measure.path)))
        columns.topics.update(TOPIC[name] for name in measure.topics)
        columns.units.update(Literal(organ_node(unit.name, record.jurisdiction).organ.name, lang="zh")
                             for unit in measure.responsible_units)
        for position, incentive in enumerate(measure.incentives, start=1):
            quotes = columns.quotes[incentive_node(iri, position)]
            span = incentive.span or measure.span
            if span is not None and source is not None and (quote := source.original[span[0]:span[1]]):
                quotes.add(quote)
    return list(measures.values())


def _joined(names: set[Literal]) -> Literal:
    """The names as GROUP_CONCAT(DISTINCT …; separator="、") gives them: tagged with their language
    when they all share one (the units' @zh names), a plain string otherwise or when there are none."""
    languages = {name.language for name in names}
    language = languages.pop() if len(languages) == 1 else None
    return Literal(UNIT_SEPARATOR.join(sorted(str(name) for name in names)), lang=language)
