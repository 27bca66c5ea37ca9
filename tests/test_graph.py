"""graph and vocab: IRIs from content, the record's facts as triples, provenance everywhere."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD

from ingest.graph import is_doc_number, policy_graphs
from ingest.pipeline import record_graphs
from ingest.read import read_bytes
from ingest.record import (
    Incentive,
    Jurisdiction,
    Measure,
    PolicyRecord,
    ResponsibleUnit,
    Statement,
    Target,
    Validity,
)
from ingest.vocab import (
    ELI,
    ENTITIES_GRAPH,
    PKG,
    PROV,
    chinese_number,
    graph_iri,
    marker_key,
    measure_iri,
    normalise_doc_number,
    policy_iri,
)
from ingest.write import DocumentGraph

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
TEXT = "二、主要任务\n（一）强化创造。对授权发明专利每件奖励5000元。由市市场监管局牵头，市科技局配合。\n"
QUANZHOU = Jurisdiction(name="泉州市", level="city", province="福建省")


def sample_record() -> PolicyRecord:
    start = TEXT.index("（一）")
    end = TEXT.index("\n", start)
    money = TEXT.index("每件奖励5000元")
    return PolicyRecord(
        source="sample.txt", title="泉州市知识产权工作方案", doc_number="泉政文〔2021〕70号",
        issuer="泉州市人民政府", date_issued="2021-12-23", jurisdiction=QUANZHOU, valid_until="2026-12-31",
        validity=Validity(until=Statement("2026-12-31", "有效期至2026年12月31日", (0, 0)), basis="stated"),
        cites=("国家知识产权战略纲要", "泉政办〔2016〕167号"), repeals=("泉政文〔2018〕70号",),
        measures=(Measure(
            path=("二", "（一）"), title="强化创造", text=TEXT[start:end], span=(start, end),
            responsible_units=(ResponsibleUnit("市市场监管局", lead=True), ResponsibleUnit("市科技局")),
            incentives=(Incentive("reward", amount_cny=5000.0, per="件", span=(money, money + 9)),),
            topics=("HighValuePatent", "Patent"), instruments=("Supply",), stages=("Creation",)),),
        targets=(Target("每万人口高价值发明专利拥有量", 4.0, "件", 2025, ">="),
                 Target("专利质押融资额", 0.5, "亿元", 2023, ">", measure_path=("二", "（一）"))),
    )


@pytest.mark.parametrize(("marker", "expected"), [
    ("二", "2"), ("（一）", "1"), ("十二", "12"), ("二十三", "23"), ("（3）", "3"), ("1.", "1"), ("4", "4"),
])
def test_marker_key(marker: str, expected: str) -> None:
    assert marker_key(marker) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("一", 1), ("十", 10), ("十一", 11), ("二十", 20), ("九十九", 99), ("百", None), ("", None),
])
def test_chinese_number(text: str, expected: int | None) -> None:
    assert chinese_number(text) == expected


@pytest.mark.parametrize("variant", ["泉政文[2021]70号", "泉政文［2021］70号", "泉政文 〔2021〕 70号",
                                     "泉政文(2021)70号"])
def test_doc_number_spellings_meet(variant: str) -> None:
    assert normalise_doc_number(variant) == normalise_doc_number("泉政文〔2021〕70号")


@pytest.mark.parametrize(("text", "expected"), [
    ("泉政文〔2021〕70号", True), ("闽知管〔2018〕9号", True), ("国家知识产权战略纲要", False),
    ("福建省知识产权强县（市、区）管理办法", False), ("泉政办[2016]167号", True),
])
def test_is_doc_number(text: str, expected: bool) -> None:
    assert is_doc_number(text) is expected


def test_policy_iri_is_ascii_stable_and_content_derived() -> None:
    record = sample_record()
    iri = policy_iri(record)
    assert iri.isascii()
    assert iri.startswith("https://w3id.org/policykg/id/policy/")
    assert policy_iri(replace(record, source="other.txt", doc_number="泉政文[2021]70号")) == iri
    assert policy_iri(replace(record, doc_number="泉政文〔2021〕71号")) != iri
    elsewhere = replace(record, jurisdiction=Jurisdiction(name="福州市", province="福建省"))
    assert policy_iri(elsewhere) != iri
    assert policy_iri(replace(record, doc_number=None)) != policy_iri(replace(record, doc_number=None,
                                                                                title="另一方案"))


def test_graph_is_pure_and_has_no_blank_nodes() -> None:
    first, second = record_graphs(sample_record()), record_graphs(sample_record())
    assert set(first.document) == set(second.document)
    assert set(first.entities) == set(second.entities)
    assert first.document.identifier == graph_iri(policy_iri(sample_record()))
    assert not any(isinstance(term, BNode) for triple in first.merged() for term in triple)


def test_shared_entities_are_described_outside_the_document_graph() -> None:
    """The document links to its place and organs; what they are goes to the one entities graph."""
    graphs = record_graphs(sample_record())
    document, entities = graphs.document, graphs.entities
    assert entities.identifier == ENTITIES_GRAPH
    assert not set(document) & set(entities)
    described = set(entities.subjects())
    assert described >= set(document.objects(None, PKG.responsibleUnit))
    assert described >= set(document.objects(None, PKG.jurisdiction))
    assert not described & set(document.subjects())
    assert set(entities.predicates()) <= {RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, PKG.level,
                                          PKG.divisionCode, PKG.province, PKG.parent, PKG.organType,
                                          PKG.organJurisdiction}


def test_policy_metadata() -> None:
    g, policy = record_graphs(sample_record()).document, policy_iri(sample_record())
    assert g.value(policy, ELI.id_local) == Literal("泉政文〔2021〕70号")
    assert g.value(policy, ELI.date_document) == Literal("2021-12-23", datatype=XSD.date)
    assert g.value(policy, ELI.date_no_longer_in_force) == Literal("2026-12-31", datatype=XSD.date)
    assert len(list(g.objects(policy, PKG.cites))) == 2
    repealed = g.value(policy, PKG.repeals)
    assert g.value(repealed, PKG.numberKey) == Literal("泉政文[2018]70号")


def test_measure_units_incentives_concepts() -> None:
    record = sample_record()
    g = record_graphs(record).merged()
    measure = measure_iri(policy_iri(record), ("二", "（一）"))
    assert (policy_iri(record), PKG.hasMeasure, measure) in g
    assert g.value(measure, DCTERMS.title) == Literal("强化创造")
    units = set(g.objects(measure, PKG.responsibleUnit))
    assert len(units) == 2
    lead = g.value(measure, PKG.leadUnit)
    assert lead in units
    assert Literal("市市场监管局", lang="zh") in set(g.objects(lead, SKOS.altLabel))
    assert all((u, RDF.type, PKG.ResponsibleUnit) in g for u in units)
    incentive = g.value(measure, PKG.hasIncentive)
    assert g.value(incentive, PKG.amount) == Literal("5000", datatype=XSD.decimal)
    assert g.value(incentive, PKG.incentiveKind) == URIRef("https://w3id.org/policykg/def/incentive-kind/reward")
    topic = "https://w3id.org/policykg/def/topic/"
    assert set(g.objects(measure, PKG.topic)) == {URIRef(topic + "HighValuePatent"), URIRef(topic + "Patent")}
    assert g.value(measure, PKG.primaryTopic) == URIRef(topic + "HighValuePatent")


def test_targets_typed_and_attached() -> None:
    record = sample_record()
    g = record_graphs(record).document
    targets = list(g.objects(policy_iri(record), PKG.hasTarget))
    assert len(targets) == 2
    values = {g.value(t, PKG.value) for t in targets}
    assert Literal("0.5", datatype=XSD.decimal) in values
    years = {g.value(t, PKG.year) for t in targets}
    assert years == {Literal(2025), Literal(2023)}
    assert {g.value(t, PKG.setInMeasure) for t in targets} == {None, measure_iri(policy_iri(record),
                                                                                  ("二", "（一）"))}


def test_provenance_quotes_the_original() -> None:
    record = sample_record()
    g = record_graphs(record, read_bytes(TEXT.encode("utf-8"), "sample.txt")).document
    incentive = next(g.subjects(RDF.type, PKG.Incentive))
    span = g.value(incentive, PROV.wasDerivedFrom)
    assert g.value(span, PKG.quote) == Literal("每件奖励5000元")
    assert g.value(g.value(span, PKG.sourceDocument), PKG.fileName) == Literal("sample.txt")


@pytest.mark.parametrize("bad", [
    replace(sample_record(), date_issued="2021年12月"),
    replace(sample_record(), targets=(Target("x", float("nan")),)),
])
def test_bad_values_raise(bad: PolicyRecord) -> None:
    with pytest.raises(ValueError, match=r"not an ISO date|not a finite number"):
        policy_graphs(bad, None, Graph(), Graph())


def test_duplicate_paths_get_distinct_measures() -> None:
    record = sample_record()
    twice = replace(record, measures=record.measures * 2)
    assert len(set(record_graphs(twice).document.subjects(RDF.type, PKG.Measure))) == 2


def _facts(graph: Graph) -> list[URIRef]:
    return [s for cls in (PKG.Measure, PKG.Target, PKG.Incentive)
            for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef)]


def test_corpus_graph_shape(corpus_graphs: dict[str, DocumentGraph]) -> None:
    assert len(corpus_graphs) == 5
    for name, built in corpus_graphs.items():
        g, record = built.graph, built.record
        policies = list(g.subjects(RDF.type, PKG.Policy))
        assert len(policies) == 1, name
        assert len(list(g.objects(policies[0], PKG.hasMeasure))) == len(record.measures) > 0, name
        assert len(list(g.objects(policies[0], PKG.hasTarget))) == len(record.targets), name
        assert all(str(t).isascii() for triple in g for t in triple if isinstance(t, URIRef)), name
        for fact in _facts(g):
            span = g.value(fact, PROV.wasDerivedFrom)
            assert g.value(span, PKG.sourceDocument) is not None, (name, fact)
        original = read_bytes((CORPUS_DIR / name).read_bytes(), name).original
        for measure in g.subjects(RDF.type, PKG.Measure):
            quote = g.value(g.value(measure, PROV.wasDerivedFrom), PKG.quote)
            assert quote is not None, (name, measure)
            assert str(quote) in original, (name, measure)

