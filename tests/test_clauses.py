"""extract.clauses: the words of a measure it acts on, apart from purposes, attributes, actors,
fund uses, cited titles and targets (the labelling rules of ../shared/eval/topics)."""

from __future__ import annotations

import pytest

from ingest.extract.clauses import BLANK, acted_clauses, in_scope_list


def acted(text: str) -> str:
    return "，".join(clause.text for clause in acted_clauses(text))


@pytest.mark.parametrize(
    ("text", "acted_on", "only_named"),
    [
        ("建立维权援助中心，促进企业创新成果转化。", "维权援助", "转化"),
        ("开展专利申请指导，提升企业知识产权保护水平。", "专利申请", "保护"),
        ("大力培育一批拥有自主品牌的优势企业。", "优势企业", "自主品牌"),
        ("指导示范企业建立知识产权管理机构。", "管理机构", "示范企业"),
        ("专项资金用于专利资助、维权执法和服务平台建设等工作。", "专项资金", "维权执法"),
        ("统筹安排专项资金，支持专利导航和维权援助。", "专项资金", "专利导航"),
        ("贯彻落实《知识产权专项资金管理办法》。", "专项资金", ""),
        ("按照《商标法》的规定办理。", "办理", "商标"),
        ("对购买与知识产权质押融资相关的保证保险给予补助。", "保证保险", "质押融资"),
        ("依托保护中心开展快速预审。", "快速预审", "保护中心"),
        ("以知识产权公共服务平台为依托，打造服务业集聚区。", "服务业集聚区", "公共服务平台"),
        ("充分发挥知识产权优势企业的作用。", "充分", "优势企业"),
        ("将强县建设试点工作纳入政府议事日程。", "议事日程", "强县"),
    ],
)
def test_what_a_measure_acts_on(text: str, acted_on: str, only_named: str) -> None:
    words = acted(text)
    assert acted_on in words
    assert not only_named or only_named not in words


def test_a_sentence_that_opens_with_a_deadline_is_a_target() -> None:
    assert set(acted("到2025年，建成专利导航服务基地3个。")) <= {BLANK, "，"}


def test_clauses_keep_their_length_and_sentence() -> None:
    text = "加强商标品牌建设，提升品牌价值。开展地理标志保护。"
    clauses = acted_clauses(text)
    assert [len(c.text) for c in clauses] == [8, 6, 8]
    assert [c.sentence for c in clauses] == [0, 0, 1]


@pytest.mark.parametrize(
    ("text", "item", "scope"),
    [
        ("严厉打击侵犯专利、商标、商业秘密等违法行为", "商业秘密", True),
        ("开展专利导航、知识产权运营及风险补偿等工作", "风险补偿", True),
        ("培育高价值专利、驰名商标、地理标志", "地理标志", False),
        ("推动寿山石雕、脱胎漆器等非物质文化遗产传承", "非物质文化遗产", False),
        ("促进非遗、地理标志与文创、旅游等产业融合发展", "非遗", False),
    ],
)
def test_a_list_closed_by_deng_marks_a_scope(text: str, item: str, scope: bool) -> None:
    start = text.index(item)
    assert in_scope_list(text, start, start + len(item)) is scope
