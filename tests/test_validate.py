"""validate: the SHACL shapes accept the corpus and catch records that say impossible things."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from ingest.pipeline import record_graphs
from ingest.record import Incentive, Jurisdiction, Measure, PolicyRecord, ResponsibleUnit, Target
from ingest.schemes import shapes_graph
from ingest.tripleset import triple_graph
from ingest.validate import validate
from ingest.vocab import ELI, PKG
from ingest.write import DocumentGraph

MEASURE = Measure(path=("一",), title="加强创造", text="加强创造，每件奖励1万元。", span=(0, 12),
                  responsible_units=(ResponsibleUnit("市市场监管局", lead=True),))
GOOD = PolicyRecord(source="good.txt", title="某市知识产权工作方案", doc_number="某政〔2022〕1号",
                    jurisdiction=Jurisdiction(name="某市", level="city", province="某省"),
                    measures=(MEASURE,), targets=(Target("发明专利拥有量", 5000, "件", 2025, ">="),),
                    cites=("国办发〔2021〕1号",))


def with_incentive(incentive: Incentive) -> PolicyRecord:
    return replace(GOOD, measures=(replace(MEASURE, incentives=(incentive,)),))


def test_good_record_conforms() -> None:
    report = validate(record_graphs(with_incentive(Incentive("reward", amount_cny=10000, rate=1.0))).merged())
    assert report.conforms, str(report)
    assert str(report) == "conforms"


@pytest.mark.parametrize(("record", "path"), [
    (with_incentive(Incentive("subsidy", amount_cny=-5000)), "pkg:amount"),
    (with_incentive(Incentive("subsidy", cap_cny=-1)), "pkg:cap"),
    (with_incentive(Incentive("interest_subsidy", rate=1.5)), "pkg:rate"),
    (with_incentive(Incentive("interest_subsidy", rate=0.0)), "pkg:rate"),
    (replace(GOOD, targets=(Target("发明专利拥有量", 5000, "件", 3000),)), "pkg:year"),
    (replace(GOOD, targets=(Target("发明专利拥有量", 5000, "件", 1980),)), "pkg:year"),
    (replace(GOOD, targets=(Target("", 5000),)), "pkg:indicatorText"),
    (replace(GOOD, measures=(replace(MEASURE, title=""),)), "dcterms:title"),
    (replace(GOOD, jurisdiction=Jurisdiction(name="某市", code="12AB")), "pkg:divisionCode"),
])
def test_impossible_values_are_violations(record: PolicyRecord, path: str) -> None:
    report = validate(record_graphs(record).merged())
    assert not report.conforms
    assert [v.path for v in report.violations] == [path]
    assert report.violations[0].message_zh != report.violations[0].message_en


def test_measure_without_policy() -> None:
    graphs = record_graphs(GOOD)
    graphs.document.remove((None, PKG.hasMeasure, None))
    report = validate(graphs.merged())
    assert not report.conforms
    assert "Every measure belongs to exactly one policy" in str(report)
    assert "每条措施须属于且只属于一件政策" in str(report)


def test_target_without_value() -> None:
    graphs = record_graphs(GOOD)
    graphs.document.remove((None, PKG.value, None))
    report = validate(graphs.merged())
    assert [v.path for v in report.violations] == ["pkg:value"]
    assert report.summary().startswith("1 SHACL violation(s)")


def one_node(graph: Graph, kind: URIRef) -> URIRef:
    node = graph.value(None, RDF.type, kind)
    assert isinstance(node, URIRef), kind
    return node


def cite_both(graph: Graph) -> None:
    graph.add((one_node(graph, PKG.Citation), PKG.citedTitle, Literal("某某办法")))


def start_after_end(graph: Graph) -> None:
    span = one_node(graph, PKG.SourceSpan)
    graph.set((span, PKG.start, Literal(99)))
    graph.set((span, PKG.end, Literal(10)))


def unit_untyped(graph: Graph) -> None:
    graph.remove((None, RDF.type, PKG.ResponsibleUnit))


def unit_blank(graph: Graph) -> None:
    unit = BNode()
    graph.add((unit, RDF.type, PKG.ResponsibleUnit))
    graph.add((unit, PKG.organType, URIRef("https://w3id.org/policykg/def/organ-type/government")))
    graph.add((unit, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal("某局", lang="zh")))


def date_as_text(graph: Graph) -> None:
    graph.set((one_node(graph, PKG.Policy), ELI.date_document, Literal("2022年1月")))


def unknown_kind(graph: Graph) -> None:
    incentive = one_node(graph, PKG.Incentive)
    graph.set((incentive, PKG.incentiveKind, URIRef("https://w3id.org/policykg/def/incentive-kind/loan")))


def two_conditions(graph: Graph) -> None:
    incentive = one_node(graph, PKG.Incentive)
    graph.add((incentive, PKG.condition, Literal("获得授权的")))
    graph.add((incentive, PKG.condition, Literal("在本市注册的")))


@pytest.mark.parametrize(("change", "path", "message"), [
    (cite_both, None, "A citation has either one cited number or one cited title"),
    (start_after_end, "pkg:start", "A span has at most one start, an integer from 0 up to its end"),
    (unit_untyped, "pkg:leadUnit", "Lead units are pkg:ResponsibleUnit"),
    (unit_untyped, "pkg:responsibleUnit", "Responsible units are pkg:ResponsibleUnit"),
    (unit_blank, None, "A responsible unit is an IRI, shared across documents"),
    (date_as_text, "eli:date_document", "A policy has at most one issue date"),
    (unknown_kind, "pkg:incentiveKind", "An incentive has exactly one kind"),
    (two_conditions, "pkg:condition", "An incentive has at most one condition"),
])
def test_graphs_that_say_impossible_things(change: object, path: str | None, message: str) -> None:
    graph = triple_graph(None, record_graphs(with_incentive(Incentive("reward", amount_cny=10000))).merged())
    assert validate(graph).conforms
    change(graph)  # type: ignore[operator]
    report = validate(graph)
    assert not report.conforms
    assert any(v.path == path and v.message_en.startswith(message) for v in report.violations), str(report)


def test_every_constraint_speaks_chinese_and_english() -> None:
    shapes = shapes_graph()
    constraints = set(shapes.subjects(SH.targetClass, None))
    assert len(constraints) > 40
    for node in constraints:
        languages = {m.language for m in shapes.objects(node, SH.message) if isinstance(m, Literal)}
        assert languages == {"zh", "en"}, node


def test_every_constraint_has_its_own_target() -> None:
    """pyshacl evaluates a shape once per focus node when it is nested (sh:property, sh:node) but
    once per class when it is targeted: nesting made validation about 3× slower."""
    shapes = shapes_graph()
    assert not list(shapes.triples((None, SH.property, None)))
    assert not list(shapes.triples((None, SH.node, None)))
    for shape in shapes.subjects(SH.path, None):
        assert (shape, SH.targetClass, None) in shapes or (None, RDF.first, shape) in shapes, shape


def test_one_shapes_file_per_class() -> None:
    folder = Path(__file__).resolve().parent.parent / "shapes"
    targets = {c for c in shapes_graph().objects(None, SH.targetClass)}
    assert {PKG.Policy, PKG.Measure, PKG.ResponsibleUnit, PKG.Target, PKG.Incentive,
            PKG.Citation, PKG.Jurisdiction} <= targets
    assert len(list(folder.glob("*.ttl"))) >= 7


def test_corpus_conforms(corpus_graphs: dict[str, DocumentGraph]) -> None:
    for name, built in corpus_graphs.items():
        assert built.report.conforms, f"{name}: {built.report}"
        assert (None, RDF.type, PKG.Measure) in built.graph
