"""graph: a PolicyRecord → the RDF of one document (its own named graph, see vocab.graph_iri).

What the document says (policy, measures, targets, incentives, citations, provenance, and its
links to jurisdictions and organs) goes into its own graph; the descriptions of the shared
jurisdictions and organs go into a second graph bound for the one entities graph
(vocab.ENTITIES_GRAPH), so that no triple is stored in two graphs.

Pure: the same record and source give the same triples, with no blank nodes, so re-ingesting
a document replaces its graph exactly. Every Measure, Target and Incentive is derived from a
SourceSpan (document, offsets into the decoded original, quoted text) so that any fact can be
checked against the page it came from.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from ingest import indicators
from ingest.nodes import incentive_node, measure_nodes, organ_node, source_node, span_node
from ingest.read import SourceText
from ingest.record import Incentive, Measure, PolicyRecord, Span, Target
from ingest.tripleset import triple_graph, union_graph
from ingest.vocab import (
    ELI,
    ENTITIES_GRAPH,
    INCENTIVE_KIND,
    INDICATOR,
    INSTRUMENT,
    ORGAN_TYPE,
    PKG,
    PROV,
    STAGE,
    TOPIC,
    graph_iri,
    jurisdiction_iri,
    named_jurisdiction_iri,
    normalise_doc_number,
    normalise_title,
    policy_iri,
)

__all__ = ["PolicyGraphs", "is_doc_number", "policy_graphs"]

_DOC_NUMBER = re.compile(r"[〔\[［【(（]\s*(19|20)\d\d\s*[〕\]］】)）]\s*\d+\s*号"
                         r"|(19|20)\d\d\s*年?\s*第?\s*\d+\s*号$")


@dataclass(frozen=True)
class PolicyGraphs:
    """One document's own graph, and the descriptions of the entities it links to."""

    document: Graph
    entities: Graph

    def merged(self) -> Graph:
        """Both as one read-only graph: what SHACL checks, so that links to entities meet their
        descriptions."""
        return union_graph(self.document, self.entities)


@dataclass(frozen=True)
class _Context:
    graph: Graph
    entities: Graph
    record: PolicyRecord
    source: SourceText | None
    policy: URIRef
    document: URIRef
    jurisdiction: URIRef | None


def policy_graphs(record: PolicyRecord, source: SourceText | None, tallies: Graph, rows: Graph
                  ) -> PolicyGraphs:
    """All a record says, as triples, with the tallies and rows stages' triples in the document's
    graph; `source` (when given) supplies the quoted original text."""
    policy = policy_iri(record)
    graph, entities = triple_graph(graph_iri(policy)), triple_graph(ENTITIES_GRAPH)
    ctx = _Context(graph, entities, record, source, policy, source_node(policy),
                   jurisdiction_iri(record.jurisdiction))
    _policy(ctx)
    nodes = measure_nodes(policy, record.measures)
    for order, (iri, measure) in enumerate(zip(nodes, record.measures, strict=True), start=1):
        _measure(ctx, iri, measure, order)
    measures = {measure.path: (iri, measure) for iri, measure in zip(nodes, record.measures, strict=True)}
    for position, target in enumerate(record.targets, start=1):
        _target(ctx, URIRef(f"{policy}/target/{position}"), target, measures)
    _citations(ctx, PKG.cites, "cites", record.cites)
    _citations(ctx, PKG.repeals, "repeals", record.repeals)
    for triple in (*tallies, *rows):
        graph.add(triple)
    return PolicyGraphs(graph, entities)


def is_doc_number(text: str) -> bool:
    """A 发文字号 (泉政文〔2021〕70号) rather than a title."""
    return bool(_DOC_NUMBER.search(text))


def _policy(ctx: _Context) -> None:
    g, record, policy = ctx.graph, ctx.record, ctx.policy
    g.add((policy, RDF.type, PKG.Policy))
    if record.title:
        g.add((policy, ELI.title, Literal(record.title)))
        g.add((policy, PKG.titleKey, Literal(normalise_title(record.title))))
    if record.doc_number:
        g.add((policy, ELI.id_local, Literal(record.doc_number)))
        g.add((policy, PKG.numberKey, Literal(normalise_doc_number(record.doc_number))))
    if record.date_issued:
        g.add((policy, ELI.date_document, _date(record.date_issued)))
    _validity(ctx)
    if record.issuer:
        g.add((policy, PKG.issuerName, Literal(record.issuer)))
        g.add((policy, ELI.passed_by, _organ(ctx, record.issuer)))
    g.add((ctx.document, RDF.type, PKG.SourceDocument))
    g.add((ctx.document, PKG.fileName, Literal(record.source)))
    if ctx.source is not None:
        g.add((ctx.document, PKG.fullText, Literal(ctx.source.original)))
    g.add((ctx.document, PKG.copyOf, policy))
    if record.partial:
        g.add((ctx.document, PKG.partialReason, Literal(record.partial)))
    g.add((policy, PROV.wasDerivedFrom, ctx.document))
    _jurisdiction(ctx)


END_BASIS = {"stated": PKG.StatedEnd, "term": PKG.StatedTerm, "period": PKG.PlanPeriod}
"""How the text gives the end of validity: the concepts of ontology/policykg.ttl."""


def _validity(ctx: _Context) -> None:
    """Entry into force and end of validity, each with the sentence that states it."""
    g, policy, validity = ctx.graph, ctx.policy, ctx.record.validity
    if validity.in_force_from:
        g.add((policy, ELI.first_date_entry_in_force, _date(validity.in_force_from.date)))
        g.add((policy, PKG.entryIntoForceStatement,
               _span(ctx, URIRef(f"{policy}/in-force/source"), validity.in_force_from.span,
                     validity.in_force_from.sentence)))
    if validity.until:
        g.add((policy, ELI.date_no_longer_in_force, _date(validity.until.date)))
        g.add((policy, PKG.endOfValidityStatement,
               _span(ctx, URIRef(f"{policy}/in-force-until/source"), validity.until.span,
                     validity.until.sentence)))
        if validity.basis:
            g.add((policy, PKG.endOfValidityBasis, END_BASIS[validity.basis]))


def _jurisdiction(ctx: _Context) -> None:
    where, place = ctx.record.jurisdiction, ctx.jurisdiction
    if place is None:
        return
    ctx.graph.add((ctx.policy, PKG.jurisdiction, place))
    g = ctx.entities
    g.add((place, RDF.type, PKG.Jurisdiction))
    if where.name:
        g.add((place, RDFS.label, Literal(where.name, lang="zh")))
    if where.level:
        g.add((place, PKG.level, Literal(where.level)))
    if where.code:
        g.add((place, PKG.divisionCode, Literal(where.code)))
    if where.province and where.province != where.name:
        province = named_jurisdiction_iri(where.province)
        g.add((place, PKG.province, province))
        g.add((province, RDF.type, PKG.Jurisdiction))
        g.add((province, RDFS.label, Literal(where.province, lang="zh")))
        g.add((province, PKG.level, Literal("province")))
    if where.parent and where.parent != where.name:
        parent = named_jurisdiction_iri(where.parent, where.province)
        g.add((place, PKG.parent, parent))
        g.add((parent, RDF.type, PKG.Jurisdiction))
        g.add((parent, RDFS.label, Literal(where.parent, lang="zh")))


def _measure(ctx: _Context, iri: URIRef, measure: Measure, order: int) -> None:
    g = ctx.graph
    g.add((ctx.policy, PKG.hasMeasure, iri))
    g.add((iri, RDF.type, PKG.Measure))
    g.add((iri, PKG.path, Literal("/".join(measure.path))))
    g.add((iri, PKG.order, Literal(order)))
    g.add((iri, DCTERMS.title, Literal(measure.title)))
    g.add((iri, PKG.text, Literal(measure.text)))
    _provenance(ctx, iri, measure.span, measure.text)
    for unit in measure.responsible_units:
        organ = _organ(ctx, unit.name)
        g.add((iri, PKG.responsibleUnit, organ))
        if unit.lead:
            g.add((iri, PKG.leadUnit, organ))
    for prop, scheme, names in ((PKG.topic, TOPIC, measure.topics),
                                (PKG.instrument, INSTRUMENT, measure.instruments),
                                (PKG.stage, STAGE, measure.stages)):
        for name in names:
            g.add((iri, prop, scheme[name]))
    if measure.topics:
        g.add((iri, PKG.primaryTopic, TOPIC[measure.topics[0]]))
    for position, incentive in enumerate(measure.incentives, start=1):
        _incentive(ctx, incentive_node(iri, position), iri, incentive, measure)


def _incentive(ctx: _Context, iri: URIRef, measure_node: URIRef, incentive: Incentive,
               measure: Measure) -> None:
    g = ctx.graph
    g.add((measure_node, PKG.hasIncentive, iri))
    g.add((iri, RDF.type, PKG.Incentive))
    g.add((iri, PKG.incentiveKind, INCENTIVE_KIND[incentive.kind]))
    for prop, number in ((PKG.amount, incentive.amount_cny), (PKG.cap, incentive.cap_cny),
                         (PKG.rate, incentive.rate)):
        if number is not None:
            g.add((iri, prop, _decimal(number)))
    for prop, text in ((PKG.condition, incentive.condition), (PKG.per, incentive.per),
                       (PKG.recipient, incentive.recipient)):
        if text:
            g.add((iri, prop, Literal(text)))
    _provenance(ctx, iri, incentive.span or measure.span, None)


def _target(ctx: _Context, iri: URIRef, target: Target,
            measures: dict[tuple[str, ...], tuple[URIRef, Measure]]) -> None:
    g = ctx.graph
    g.add((ctx.policy, PKG.hasTarget, iri))
    g.add((iri, RDF.type, PKG.Target))
    g.add((iri, PKG.indicatorText, Literal(target.indicator)))
    concept = indicators.concept_of(target.indicator)
    if concept:
        g.add((iri, PKG.indicator, INDICATOR[concept]))
    g.add((iri, PKG.value, _decimal(target.value)))
    g.add((iri, PKG.comparator, Literal(target.comparator)))
    if target.unit:
        g.add((iri, PKG.unit, Literal(target.unit)))
    if target.year is not None:
        g.add((iri, PKG.year, Literal(target.year)))
    parent = measures.get(target.measure_path) if target.measure_path else None
    if parent:
        g.add((iri, PKG.setInMeasure, parent[0]))
    _provenance(ctx, iri, target.span or (parent[1].span if parent else None), None)


def _citations(ctx: _Context, prop: URIRef, kind: str, cited: tuple[str, ...]) -> None:
    """Citation nodes keyed like policies (numberKey, titleKey) so stored ones can be linked."""
    g = ctx.graph
    for position, text in enumerate(cited, start=1):
        node = URIRef(f"{ctx.policy}/{kind}/{position}")
        g.add((ctx.policy, prop, node))
        g.add((node, RDF.type, PKG.Citation))
        if is_doc_number(text):
            g.add((node, PKG.citedNumber, Literal(text)))
            g.add((node, PKG.numberKey, Literal(normalise_doc_number(text))))
        else:
            g.add((node, PKG.citedTitle, Literal(text)))
            g.add((node, PKG.titleKey, Literal(normalise_title(text))))


def _organ(ctx: _Context, name: str) -> URIRef:
    """The canonical organ a surface name denotes, typed, with the surface name kept as altLabel."""
    node = organ_node(name, ctx.record.jurisdiction)
    iri, organ, scope = node.iri, node.organ, node.scope
    g = ctx.entities
    g.add((iri, RDF.type, PKG.ResponsibleUnit))
    g.add((iri, SKOS.prefLabel, Literal(organ.name, lang="zh")))
    if name != organ.name:
        g.add((iri, SKOS.altLabel, Literal(name, lang="zh")))
    if organ.organ_type:
        g.add((iri, PKG.organType, ORGAN_TYPE[organ.organ_type]))
    if scope is not None:
        g.add((iri, PKG.organJurisdiction, scope))
    return iri


def _provenance(ctx: _Context, entity: URIRef, span: Span | None, fallback: str | None) -> None:
    """entity prov:wasDerivedFrom a SourceSpan; the quote is the original text when we have it."""
    ctx.graph.add((entity, PROV.wasDerivedFrom, _span(ctx, span_node(entity), span, fallback)))


def _span(ctx: _Context, node: URIRef, span: Span | None, fallback: str | None) -> URIRef:
    """A SourceSpan of the document: offsets and quote (the original text when we have it)."""
    g = ctx.graph
    g.add((node, RDF.type, PKG.SourceSpan))
    g.add((node, PKG.sourceDocument, ctx.document))
    quote = fallback
    if span is not None:
        start, end = span
        g.add((node, PKG.start, Literal(start)))
        g.add((node, PKG.end, Literal(end)))
        if ctx.source is not None:
            quote = ctx.source.original[start:end]
            page = ctx.source.page_at(start)
            if page is not None:
                g.add((node, PKG.page, Literal(page, datatype=XSD.positiveInteger)))
    if quote:
        g.add((node, PKG.quote, Literal(quote)))
    return node


def _decimal(number: float) -> Literal:
    """Amounts and values as xsd:decimal: exact in SPARQL comparisons, unlike xsd:double."""
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {number}")
    lexical = format(Decimal(repr(number)), "f")
    return Literal(lexical.removesuffix(".0"), datatype=XSD.decimal)


def _date(text: str) -> Literal:
    """ISO date, or year-month / year when that is all the text gives."""
    if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
        return Literal(text, datatype=XSD.date)
    if re.fullmatch(r"\d{4}-\d\d", text):
        return Literal(text, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=XSD.gYear)
    raise ValueError(f"not an ISO date: {text!r}")

