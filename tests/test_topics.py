"""extract.topics: measures tagged with topic, instrument and stage concepts of the SKOS schemes."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from ingest.extract import topics
from ingest.pipeline import extract_record
from ingest.record import Measure, PolicyRecord, ResponsibleUnit

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SCHEME_FILES = ("topics.ttl", "instruments.ttl", "stages.ttl")


def _measure(title: str, body: str, units: tuple[str, ...] = ()) -> Measure:
    text = f"{title}。{body}"
    return Measure(
        path=("1",),
        title=title,
        text=text,
        span=(0, len(text)),
        responsible_units=tuple(ResponsibleUnit(name) for name in units),
    )


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        (
            "开展知识产权质押融资贴息",
            "对企业以专利权质押融资的，按实际利息的30%给予贴息。",
            "PledgeFinancing",
        ),
        ("加强知识产权司法保护", "推进知识产权审判“三合一”，完善技术调查官制度。", "JudicialProtection"),
        ("强化知名商标品牌培育", "对新认定的驰名商标给予一次性奖励50万元。", "WellKnownBrand"),
        ("推动版权产业发展", "鼓励作品登记，推进软件正版化。", "Copyright"),
        ("加强地理标志保护", "推进地理标志产品申报。", "GeographicalIndication"),
        ("深化专利导航产业赋能", "围绕重点产业开展专利导航项目。", "PatentNavigation"),
        ("开展企业购买知识产权保险补助", "按保费金额50%补助。", "Insurance"),
        ("提升知识产权“诉调对接”", "建立知识产权纠纷人民调解委员会。", "MediationArbitration"),
        ("加强展会知识产权保护", "开展展前风险排查，展中纠纷快速处理。", "ECommerceTradeFairs"),
        ("加快知识产权人才培养", "培养知识产权专员1000名。", "Talent"),
        ("强化知识产权宣传", "开展4·26知识产权宣传周活动。", "PublicityEducation"),
        ("推动专利与技术标准融合发展", "支持企业主导制定国际标准、国家标准。", "Standards"),
        ("引导企业保护商业秘密", "建立商业秘密保护指导站。", "TradeSecret"),
        ("加强组织领导", "成立知识产权工作领导小组，统筹协调全市知识产权工作。", "Governance"),
    ],
)
def test_topic_of_snippet(title: str, body: str, expected: str) -> None:
    tagged = topics.tag_measure(_measure(title, body))
    assert tagged.topics[0] == expected
    assert 1 <= len(tagged.topics) <= topics.TOPIC_LIMIT


@pytest.mark.parametrize(
    ("title", "body", "scheme", "expected"),
    [
        ("加快知识产权人才培养", "开展知识产权专业人才培训。", "instruments", "Supply"),
        ("加强知识产权海外交流合作", "支持企业参加国际展会，开展海外布局。", "instruments", "Demand"),
        ("实行严格的知识产权保护", "健全行政执法与司法衔接机制。", "instruments", "Environment"),
        ("提高企业知识产权产出水平", "鼓励企业申请发明专利，培育高价值专利。", "stages", "Creation"),
        ("促进高校专利转移转化", "鼓励专利转让、许可。", "stages", "Utilisation"),
        ("加强知识产权联合执法", "严厉打击侵权假冒行为。", "stages", "Protection"),
        ("加强目标管理考核", "将知识产权工作纳入考核。", "stages", "Management"),
        ("大力构建知识产权服务平台", "建设知识产权公共服务平台，提供检索咨询。", "stages", "Service"),
    ],
)
def test_instrument_and_stage_of_snippet(title: str, body: str, scheme: str, expected: str) -> None:
    tagged = topics.tag_measure(_measure(title, body))
    assert getattr(tagged, scheme)[0] == expected


def test_heading_outweighs_body() -> None:
    tagged = topics.tag_measure(_measure("开展知识产权质押融资贴息", "企业专利申请、专利授权的信息。"))
    assert tagged.topics[0] == "PledgeFinancing"


@pytest.mark.parametrize(
    ("title", "body", "primary"),
    [
        # all its actions are navigation, although the heading names the industries
        ("培育专利密集型产业", "推动专利导航在产业发展中的应用，开展产业规划类专利导航。"
         "每年支持2个产业开展专利导航项目，每个项目补助20万元。", "PatentNavigation"),
        # as much of each: the heading decides
        ("实施商标品牌战略", "引导企业建立商标战略。鼓励作品登记著作权。", "BrandBuilding"),
        # money is not the main subject of a measure that also grants it
        ("开展知识产权质押融资贴息", "对以知识产权质押融资的企业给予贴息，每家最高补助20万元。",
         "PledgeFinancing"),
    ],
)
def test_primary_topic_has_the_largest_share(title: str, body: str, primary: str) -> None:
    assert topics.tag_measure(_measure(title, body)).topics[0] == primary


def test_responsible_units_do_not_make_topics() -> None:
    """市司法局 and 市委宣传部 are charged with the item; that does not make it judicial or publicity work."""
    body = "开展知识产权质押融资贴息。\n责任单位：市司法局、市委宣传部、泉州海关（按职责分工负责）"
    tagged = topics.tag_measure(_measure("推动知识产权金融创新", body, ("市司法局", "市委宣传部")))
    assert not {"JudicialProtection", "PublicityEducation", "Customs"} & set(tagged.topics)


def test_text_without_terms_is_untagged() -> None:
    tagged = topics.tag_measure(_measure("其他", "按有关规定办理。"))
    assert tagged.topics == ()


def test_extract_tags_every_measure_of_a_record() -> None:
    record = PolicyRecord("snippet.txt", measures=(_measure("加强知识产权司法保护", "支持法院审判。"),))
    tagged = topics.extract(None, record)  # type: ignore[arg-type]  # the stage reads measures only
    assert tagged.measures[0].topics[0] == "JudicialProtection"


@pytest.mark.parametrize("file_name", SCHEME_FILES)
def test_scheme_concepts_are_labelled_in_three_languages(file_name: str) -> None:
    graph = Graph().parse(ROOT / "ontology" / file_name, format="turtle")
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert concepts
    for concept in concepts:
        assert re.fullmatch(r"[A-Z][A-Za-z]+", str(concept).rsplit("/", 1)[1]), concept
        languages = {str(label.language).lower() for label in graph.objects(concept, SKOS.prefLabel)}  # type: ignore[attr-defined]
        assert {"zh-hans", "zh-hant", "en"} <= languages, concept
        assert list(graph.objects(concept, SKOS.inScheme)), concept
        labels = [
            (str(label), str(label.language))  # type: ignore[attr-defined]
            for predicate in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
            for label in graph.objects(concept, predicate)
        ]
        assert len(labels) == len(set(labels)), f"{concept}: a label is repeated across pref/alt/hidden"


def test_topic_scheme_has_the_concepts_the_genre_needs() -> None:
    graph = Graph().parse(ROOT / "ontology" / "topics.ttl", format="turtle")
    names = {str(c).rsplit("/", 1)[1] for c in graph.subjects(RDF.type, SKOS.Concept)}
    needed = {
        "Patent", "Trademark", "Copyright", "GeographicalIndication", "TradeSecret", "PlantVariety",
        "IntegratedCircuitLayoutDesign", "PledgeFinancing", "Insurance", "Securitisation",
        "PatentNavigation", "TransferLicensing", "Standards", "Enforcement", "JudicialProtection",
        "MediationArbitration", "RightsAssistance", "Customs", "ECommerceTradeFairs", "Talent",
        "PublicityEducation", "ServiceInstitutions", "PublicServicePlatforms", "EvaluationAssessment",
        "Funding", "WellKnownBrand", "HighValuePatent",
    }  # fmt: skip
    assert needed <= names
    assert URIRef("https://w3id.org/policykg/def/topic/scheme") in set(
        graph.subjects(RDF.type, SKOS.ConceptScheme)
    )


def _record(stem: str) -> PolicyRecord:
    record = extract_record(next(CORPUS.glob(f"{stem}_*.txt")))
    if not record.measures:
        pytest.skip("the measures stage finds no measures yet")
    return record


def _measure_titled(record: PolicyRecord, words: str) -> Measure:
    return next(m for m in record.measures if words in m.title)


def test_corpus_001_interest_subsidy_is_pledge_financing() -> None:
    assert "PledgeFinancing" in _measure_titled(_record("001"), "质押融资贴息").topics


def test_corpus_002_judicial_protection() -> None:
    assert "JudicialProtection" in _measure_titled(_record("002"), "司法保护").topics


@pytest.mark.parametrize("stem", ["000", "001", "002", "003", "004"])
def test_corpus_every_measure_has_a_stage_and_few_topics(stem: str) -> None:
    record = _record(stem)
    for measure in record.measures:
        assert measure.stages, measure.title
        assert len(measure.topics) <= topics.TOPIC_LIMIT
    assert sum(bool(m.topics) for m in record.measures) >= 0.9 * len(record.measures)


TOPIC_GOLD = ROOT.parent / "shared" / "eval" / "topics" / "topics_gold.json"


def _key(source: str, path: tuple[str, ...] | list[str]) -> tuple[str, tuple[str, ...]]:
    return source, tuple("".join(unicodedata.normalize("NFKC", part).split()) for part in path)


def test_tagging_against_the_topic_gold(capsys: pytest.CaptureFixture[str]) -> None:
    """Micro precision, recall and F1 over (measure, topic) pairs, and the share of measures whose
    first topic is the gold primary, on the hand-tagged measures of ../shared/eval/topics."""
    if not TOPIC_GOLD.is_file():
        pytest.skip(f"no topic gold at {TOPIC_GOLD} (the worktree must be a child of /work beside shared/)")
    gold = json.loads(TOPIC_GOLD.read_text(encoding="utf-8"))
    tagged = {_key(source, measure.path): measure.topics
              for source in sorted({entry["source"] for entry in gold})
              for measure in extract_record(CORPUS / source).measures}
    right = extra = missed = primary = 0
    for entry in gold:
        found = tagged.get(_key(entry["source"], entry["path"]), ())
        right += len(set(found) & set(entry["topics"]))
        extra += len(set(found) - set(entry["topics"]))
        missed += len(set(entry["topics"]) - set(found))
        primary += bool(found) and found[0] == entry["primary"]
    precision, recall = right / (right + extra), right / (right + missed)
    f1 = 2 * precision * recall / (precision + recall)
    with capsys.disabled():
        print(f"\ntopic tagging on the gold: P {precision:.2f} R {recall:.2f} F1 {f1:.3f}, "
              f"primary right {primary}/{len(gold)}")
    assert f1 >= 0.90
    assert primary >= 0.90 * len(gold)
