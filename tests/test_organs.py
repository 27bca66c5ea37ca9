"""organs: one canonical organ per jurisdiction, typed by a concept of ontology/organ-types.ttl."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from ingest import organs
from ingest.record import Jurisdiction

SCHEME = Path(__file__).resolve().parent.parent / "ontology" / "organ-types.ttl"
CITY = Jurisdiction(name="泉州市", level="city", province="福建省")
DISTRICT = Jurisdiction(name="鲤城区", level="district", province="福建省", parent="泉州市")


@pytest.mark.parametrize(
    ("names", "jurisdiction"),
    [
        (("市市场监管局", "市场监督管理局", "泉州市市场监督管理局", "泉州市市场监管局"), CITY),
        (("市发改委", "市发展和改革委员会", "泉州市发展改革委"), CITY),
        (("市工信局", "泉州市工业和信息化局"), CITY),
        (("市人社局", "市人力资源和社会保障局"), CITY),
        (("市文旅局", "泉州市文化和旅游局"), CITY),
        (("市检察院", "市人民检察院"), CITY),
        (("区法院", "区人民法院", "鲤城区人民法院"), DISTRICT),
        (("区知识产权工作领导小组", "鲤城区知识产权工作领导小组"), DISTRICT),
        (("泉州开发区管委会", "泉州开发区管理委员会"), CITY),
    ],
)
def test_variants_resolve_to_one_organ(names: tuple[str, ...], jurisdiction: Jurisdiction) -> None:
    keys = {organs.resolve(name, jurisdiction).key for name in names}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("name", "jurisdiction", "canonical", "owner"),
    [
        ("市市场监管局", CITY, "泉州市市场监督管理局", "泉州市"),
        ("市委宣传部（版权局）", CITY, "泉州市委宣传部", "泉州市"),
        ("市中级人民法院", CITY, "泉州市中级人民法院", "泉州市"),
        ("泉州海关", CITY, "泉州海关", "泉州市"),
        ("人民银行泉州市中心支行", CITY, "人民银行泉州市中心支行", "泉州市"),
        ("市知识产权局", DISTRICT, "泉州市知识产权局", "泉州市"),
        ("区科技和知识产权局", DISTRICT, "鲤城区科技和知识产权局", "鲤城区"),
    ],
)
def test_canonical_name_and_owner(name: str, jurisdiction: Jurisdiction, canonical: str, owner: str) -> None:
    organ = organs.resolve(name, jurisdiction)
    assert (organ.name, organ.jurisdiction) == (canonical, owner)


def test_same_name_in_two_cities_gives_two_organs() -> None:
    other = Jurisdiction(name="福州市", level="city", province="福建省")
    assert organs.resolve("市市场监管局", CITY).key != organs.resolve("市市场监管局", other).key


@pytest.mark.parametrize(
    ("name", "organ_type"),
    [
        ("市市场监管局", "MarketRegulation"),
        ("市知识产权局", "MarketRegulation"),
        ("鲤城工商分局", "MarketRegulation"),
        ("区科技和知识产权局", "ScienceTechnology"),
        ("市发改委", "DevelopmentReform"),
        ("区经信局", "IndustryIT"),
        ("市财政局", "Finance"),
        ("市金融监管局", "FinancialRegulation"),
        ("泉州银保监分局", "FinancialRegulation"),
        ("人民银行泉州市中心支行", "FinancialRegulation"),
        ("市教育局", "Education"),
        ("市司法局", "Justice"),
        ("市中级人民法院", "Court"),
        ("市人民检察院", "Procuratorate"),
        ("市公安局泰山分局", "PublicSecurity"),
        ("泉州海关", "Customs"),
        ("市委宣传部（版权局）", "Publicity"),
        ("市商务局", "Commerce"),
        ("市农业农村局", "Agriculture"),
        ("市文旅局", "CultureTourism"),
        ("区人社局", "HumanResources"),
        ("市国资委", "StateAssets"),
        ("各县（市、区）人民政府", "LocalGovernment"),
        ("泉州台商投资区管委会", "LocalGovernment"),
        ("市人民政府办公室", "GeneralOffice"),
        ("区打击侵犯知识产权和制售假冒伪劣商品工作领导小组", "LeadingGroup"),
        ("泉州市知识产权纠纷人民调解委员会", None),
        ("分管知识产权工作的副区长", None),
    ],
)
def test_organ_type(name: str, organ_type: str | None) -> None:
    assert organs.resolve(name, CITY).organ_type == organ_type


def test_scheme_is_a_labelled_skos_scheme() -> None:
    """Every concept has a Chinese and an English prefLabel and belongs to the one scheme."""
    graph = Graph().parse(SCHEME, format="turtle")
    scheme = URIRef(str(organs.ORGAN_TYPE) + "scheme")
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) >= 20
    for concept in concepts:
        assert (concept, SKOS.inScheme, scheme) in graph
        languages = {getattr(label, "language", None) for label in graph.objects(concept, SKOS.prefLabel)}
        assert {"zh", "en"} <= languages, concept


def test_every_short_form_expands_to_a_typed_name() -> None:
    """A short form in the alias file is useless unless its full form is typed too."""
    for short, full in organs.aliases():
        assert organs.organ_type(full) is not None, full
        assert organs.organ_type(full) == organs.organ_type(short), short
