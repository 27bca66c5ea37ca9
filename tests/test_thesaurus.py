"""A drafter's vocabulary: each family of synonyms, stop words and generic words does what it is for,
and the colloquial hidden labels of the topics lead a query to its topic."""

from __future__ import annotations

import pytest

from ingest.extract.topics import about
from ingest.thesaurus import family_rows, generic_words, stop_words, synonyms
from service.search_query import understand
from service.search_words import tokens

SYNONYM_FAMILIES = {
    # family: (a drafter's query, a term of policy texts it must be matched on)
    "finance": ("企业拿专利作抵押借钱", "质押"),
    "insurance": ("帮企业买保单", "保险"),
    "counterfeit": ("市场上的山寨货太多", "假冒"),
    "enforcement": ("执法人员人手不够", "队伍"),
    "penalty": ("屡犯的要重罚", "重复侵权"),
    "litigation": ("企业在外贸官司里吃亏", "海外"),
    "mediation": ("两家企业说和了事", "调解"),
    "ecommerce": ("网店卖假货", "电子商务"),
    "heritage": ("老手艺的传承", "传统工艺"),
    "credit": ("有不良记录的代理机构", "失信"),
    "overseas": ("企业出海", "海外"),
    "customs": ("口岸查扣侵权货物", "海关"),
    "abnormal": ("刷量申请专利", "非正常申请"),
    "transfer": ("高校卖专利给企业", "转让"),
    "ownership": ("员工的发明怎么奖励", "职务发明"),
    "newfield": ("平台经济的保护规则", "新业态"),
    "brand": ("本地特产打牌子", "地理标志"),
    "copyright": ("原创动漫作品", "著作权"),
    "standards": ("专利写进技术规范", "标准"),
    "talent": ("请行家来讲课", "专家"),
    "funding": ("政府出钱支持", "资助"),
    "governance": ("一把手亲自抓", "组织领导"),
    "service": ("到办事大厅一个地方办完", "一站式"),
    "navigation": ("先做专利地图再立项", "专利导航"),
    "valuation": ("专利估值难", "价值评估"),
    "publicity": ("到学校搞科普", "宣传"),
    "demonstration": ("树立样板企业", "示范"),
    "regional": ("和周边城市一起保护", "区域合作"),
    "secret": ("员工跳槽带走秘方", "商业秘密"),
    "plant": ("培育良种", "植物新品种"),
    "chip": ("芯片设计的保护", "集成电路"),
    "assistance": ("小企业维权难", "维权援助"),
}


def test_every_synonym_family_has_an_example_here() -> None:
    """A new family of ingest/data/synonyms.tsv comes with its example in SYNONYM_FAMILIES."""
    assert {row[0] for row in family_rows("synonyms")} == set(SYNONYM_FAMILIES)


@pytest.mark.parametrize("family", sorted(SYNONYM_FAMILIES))
def test_a_drafters_word_is_matched_on_the_terms_of_policy_texts(family: str) -> None:
    query, term = SYNONYM_FAMILIES[family]
    words = understand(query).words
    parts = [term] if term in words else [t for t in tokens(term) if t not in stop_words()]
    assert parts, query
    assert all(part in words for part in parts), (query, sorted(words))


@pytest.mark.parametrize("row", list(family_rows("synonyms")), ids=lambda row: "/".join(row[:2]))
def test_every_synonym_row_is_well_formed(row: tuple[str, ...]) -> None:
    family, word, terms = row
    assert family
    assert word
    assert all(terms.split("|"))
    assert word not in terms.split("|")


def test_no_word_is_listed_twice() -> None:
    words = [row[1] for row in family_rows("synonyms")]
    assert len(words) == len(set(words)) == len(synonyms())


STOP_FAMILIES = {
    "particle": ("质押融资的贴息", "的"), "conjunction": ("专利和商标", "和"),
    "preposition": ("对企业给予奖励", "对"), "pronoun": ("这些企业的专利", "这些"),
    "question": ("如何开展专利导航", "如何"), "modal": ("应该加强保护", "应该"),
    "copula": ("是否有补助", "有"), "filler": ("专利转化方面的问题", "方面"),
}


def test_every_stop_word_family_has_an_example_here() -> None:
    assert {row[0] for row in family_rows("stop_words")} == set(STOP_FAMILIES)


@pytest.mark.parametrize("family", sorted(STOP_FAMILIES))
def test_stop_words_are_not_matched(family: str) -> None:
    query, word = STOP_FAMILIES[family]
    assert word in stop_words()
    assert word not in understand(query).words


@pytest.mark.parametrize(("query", "topic"), [
    ("企业用专利抵押贷款", "PledgeFinancing"),
    ("市场上的山寨商品", "Enforcement"),
    ("纠纷先找人说和", "MediationArbitration"),
    ("网店卖家的商标", "ECommerceTradeFairs"),
    ("老手艺传承人", "TraditionalCulture"),
    ("代理机构的不良记录", "CreditSupervision"),
    ("企业出海遇到的纠纷", "InternationalCooperation"),
    ("企业买保单的费用", "Insurance"),
    ("数字经济的数据产权", "DataIP"),
    ("芯片设计", "IntegratedCircuitLayoutDesign"),
])
def test_colloquial_hidden_labels_name_their_topic(query: str, topic: str) -> None:
    assert topic in about(query)


@pytest.mark.parametrize(("query", "not_named"), [
    ("企业专利数量", "Patent"), ("鼓励发明创造", "Patent"), ("侵权行为", "Enforcement"),
    ("加大资金投入", "Funding"),
])
def test_generic_words_alone_name_no_topic(query: str, not_named: str) -> None:
    assert not_named in generic_words()
    assert not_named not in about(query)


@pytest.mark.parametrize(("query", "topic"), [
    ("发明专利申请量", "Patent"), ("严厉打击侵权假冒", "Enforcement"), ("专利奖评选", "HighValuePatent"),
])
def test_a_specific_label_names_the_topic_a_generic_one_would_not(query: str, topic: str) -> None:
    assert topic in about(query)


def test_the_longest_label_names_the_topic() -> None:
    assert set(about("驰名商标")) == {"WellKnownBrand"}
