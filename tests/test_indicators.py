"""indicators: target indicator texts → concepts of ontology/indicators.ttl."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS

from ingest.indicators import INDICATOR, concept_of, labels

SCHEME = Path(__file__).resolve().parent.parent / "ontology" / "indicators.ttl"


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("全市每万人口高价值发明专利拥有量", "highValueInventionPatentsPer10k"),
        ("万人高价值发明专利拥有量", "highValueInventionPatentsPer10k"),
        ("每万人口发明专利拥有量", "inventionPatentsPer10k"),
        ("万人有效发明专利拥有量", "inventionPatentsPer10k"),
        ("全区高价值发明专利", "highValueInventionPatents"),
        ("专利申请量年均增长率", "patentApplicationGrowth"),
        ("专利授权量年均增长率", "patentGrantGrowth"),
        ("有效注册商标量", "registeredTrademarks"),
        ("注册商标总量", "registeredTrademarks"),
        ("地理标志商标和地理标志保护产品", "geographicalIndications"),
        ("版权登记量", "copyrightRegistrations"),
        ("知识产权质押融资总额", "pledgeFinancingAmount"),
        ("PCT国际专利申请量", "pctApplications"),
        ("培育各级知识产权优势（示范）企业", "demonstrationEnterprises"),
        ("新培育国家、省、市知识产权示范或优势企业", "demonstrationEnterprises"),
        ("专利代理机构", "patentAgencies"),
        ("知识产权专员", "ipCommissioners"),
        ("开展专利导航项目", "patentNavigationProjects"),
        ("培育知识产权贯标企业", "certifiedEnterprises"),
        ("通过《企业知识产权管理规范》认证企业", "certifiedEnterprises"),
        ("全 市 每万人口 发明专利拥有量", "inventionPatentsPer10k"),
        ("森林覆盖率", None),
    ],
)
def test_concept_of(text: str, concept: str | None) -> None:
    assert concept_of(text) == concept


def _scheme() -> Graph:
    graph = Graph()
    graph.parse(SCHEME, format="turtle")
    return graph


def test_every_concept_is_labelled_in_chinese_and_english() -> None:
    graph = _scheme()
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) >= 20
    for concept in concepts:
        assert str(concept).startswith(str(INDICATOR))
        names = graph.objects(concept, SKOS.prefLabel)
        languages = {label.language for label in names if isinstance(label, Literal)}
        assert languages == {"zh", "en"}, concept
        assert (concept, SKOS.inScheme, INDICATOR.scheme) in graph


def test_no_label_names_two_concepts() -> None:
    graph = _scheme()
    owners: dict[str, set[str]] = defaultdict(set)
    for predicate in (SKOS.prefLabel, SKOS.altLabel):
        for concept, _, label in graph.triples((None, predicate, None)):
            owners[str(label)].add(str(concept))
    assert {label: c for label, c in owners.items() if len(c) > 1} == {}


def test_every_label_leads_back_to_its_concept() -> None:
    """The longest label wins: no label is read as another concept's longer label."""
    for label, concept in labels():
        assert concept_of(label) == concept
