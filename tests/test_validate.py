"""validate: the SHACL shapes accept the corpus and catch records that say impossible things."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import RDF, Literal
from rdflib.namespace import SH

from ingest.build import DocumentGraph
from ingest.graph import policy_graph
from ingest.record import Incentive, Jurisdiction, Measure, PolicyRecord, Target
from ingest.schemes import shapes_graph
from ingest.validate import validate
from ingest.vocab import PKG

MEASURE = Measure(path=("一",), title="加强创造", text="加强创造，每件奖励1万元。", span=(0, 12))
GOOD = PolicyRecord(source="good.txt", title="某市知识产权工作方案", doc_number="某政〔2022〕1号",
                    jurisdiction=Jurisdiction(name="某市", level="city", province="某省"),
                    measures=(MEASURE,), targets=(Target("发明专利拥有量", 5000, "件", 2025, ">="),))


def with_incentive(incentive: Incentive) -> PolicyRecord:
    return replace(GOOD, measures=(replace(MEASURE, incentives=(incentive,)),))


def test_good_record_conforms() -> None:
    report = validate(policy_graph(with_incentive(Incentive("reward", amount_cny=10000, rate=1.0))))
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
    report = validate(policy_graph(record))
    assert not report.conforms
    assert [v.path for v in report.violations] == [path]
    assert report.violations[0].message_zh != report.violations[0].message_en


def test_measure_without_policy() -> None:
    graph = policy_graph(GOOD)
    graph.remove((None, PKG.hasMeasure, None))
    report = validate(graph)
    assert not report.conforms
    assert "Every measure belongs to exactly one policy" in str(report)
    assert "每条措施须属于且只属于一件政策" in str(report)


def test_target_without_value() -> None:
    graph = policy_graph(GOOD)
    graph.remove((None, PKG.value, None))
    report = validate(graph)
    assert [v.path for v in report.violations] == ["pkg:value"]
    assert report.summary().startswith("1 SHACL violation(s)")


def test_every_shape_speaks_chinese_and_english() -> None:
    shapes = shapes_graph()
    constraints = list(shapes.objects(None, SH.property)) + list(shapes.subjects(SH.xone, None))
    assert len(constraints) > 40
    for node in constraints:
        languages = {m.language for m in shapes.objects(node, SH.message) if isinstance(m, Literal)}
        assert languages == {"zh", "en"}, node


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
