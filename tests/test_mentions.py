"""extract.mentions: which topic labels a clause names, and which of them it acts on."""

from __future__ import annotations

import pytest

from ingest.extract import topics
from ingest.extract.mentions import label_mentions


def labels_in(text: str) -> list[str]:
    return [mention.label for mention in label_mentions(text, topics._topic_index()[0])]


@pytest.mark.parametrize(
    ("text", "found", "not_found"),
    [
        ("加强区知识产权管理", [], ["强区"]),
        ("开展中小学知识产权教育", ["知识产权教育"], ["展中"]),
        ("获得中国外观设计金奖", ["外观设计金奖"], ["国外"]),
        ("培育驰名商标", ["驰名商标"], ["商标"]),
        ("引进知识产权运营机构", ["知识产权运营", "运营机构"], []),
    ],
)
def test_labels_found_in_a_text(text: str, found: list[str], not_found: list[str]) -> None:
    labels = labels_in(text)
    assert all(label in labels for label in found), labels
    assert not set(not_found) & set(labels), labels


@pytest.mark.parametrize(
    ("body", "about", "not_about"),
    [
        ("年度发明专利实际交易额达到20万元。", "TransferLicensing", "Patent"),
        ("打造产业集群品牌和区域品牌。", "BrandBuilding", "IPIntensiveIndustry"),
        ("加强对专利、商标代理机构的监督。", "ServiceInstitutions", "Trademark"),
        ("加强电子商务平台、大型商场等领域的知识产权保护。", "ECommerceTradeFairs", ""),
        ("围绕电子信息、人工智能、新材料等重点领域加大攻关力度。", "", "DataIP"),
        ("依法查处侵犯专利、商标、商业秘密等违法行为。", "Enforcement", "TradeSecret"),
        ("运行知识产权质押融资风险补偿机制。", "PledgeFinancing", ""),
        ("运行知识产权质押融资风险补偿机制。", "IPFinance", ""),
        ("鼓励企业运用商标国际注册开拓海外市场。", "Trademark", ""),
        ("支持企业将专利技术进行实施。", "", "Patent"),
        ("对提供咨询的专家予以适当补助。", "Funding", ""),
        ("制定并落实对发明人的奖励措施。", "", "Funding"),
        ("对成效显著的单位予以表彰奖励。", "", "Funding"),
        ("建立财政资助项目信息披露制度。", "", "Funding"),
    ],
)
def test_what_a_clause_acts_on(body: str, about: str, not_about: str) -> None:
    tagged = topics.tag_topics("", body)
    assert not about or about in tagged, tagged
    assert not_about not in tagged, tagged
