"""extract.targets: quantified goals of the goal sections and of the measures."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from ingest.extract import measures as measures_stage
from ingest.extract import targets as targets_stage
from ingest.extract.targets import deadline_year, goal_targets, split_shared
from ingest.pipeline import extract_record
from ingest.read import read_bytes
from ingest.record import PolicyRecord
from ingest.segment import segment

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _read(text: str, year: int | None = None, in_measure: bool = False) -> list[tuple]:
    return [(t.indicator, t.value, t.unit, t.year, t.comparator)
            for t in goal_targets(text, year, in_measure)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("到2023年，全市每万人口高价值发明专利拥有量达到4件，有效注册商标量达到70万件。",
         [("全市每万人口高价值发明专利拥有量", 4, "件", 2023, ">="),
          ("有效注册商标量", 70, "万件", 2023, ">=")]),
        # the year holds for the whole paragraph, past a full stop
        ("到2023年，质押融资总额达到100亿元。专利代理机构达到36家。",
         [("质押融资总额", 100, "亿元", 2023, ">="), ("专利代理机构", 36, "家", 2023, ">=")]),
        # 分别 lists are split, the shared prefix and suffix distributed
        ("专利申请量、授权量年均增长率分别达到 15%、10%以上",
         [("专利申请量年均增长率", 15, "%", None, ">="), ("专利授权量年均增长率", 10, "%", None, ">=")]),
        ("确保知识产权专项资金占财政支出的比例高于 0.12%",
         [("知识产权专项资金占财政支出的比例", 0.12, "%", None, ">")]),
        ("区科技局与企业建立工作联系数量超过 150 家",
         [("区科技局与企业建立工作联系数量", 150, "家", None, ">")]),
        ("培育知识产权优势企业 10 家、试点企业 20 家",
         [("培育知识产权优势企业", 10, "家", None, "="), ("试点企业", 20, "家", None, "=")]),
        ("开展相关教育培训不低于 1000 人次/年", [("开展相关教育培训", 1000, "人次/年", None, ">=")]),
        ("100%的高新技术企业拥有专利", [("高新技术企业拥有专利", 100, "%", None, "=")]),
        ("万人高价值发明专利拥有量提高至7.0件", [("万人高价值发明专利拥有量", 7, "件", None, ">=")]),
        ("力争国家知识产权优势示范企业突破8家", [("国家知识产权优势示范企业", 8, "家", None, ">=")]),
        # a short line holding a deadline heads the lines below (web-page copies)
        ("至2025年末\n知识产权专员达1000人", [("知识产权专员", 1000, "人", 2025, ">=")]),
        # no number, no target; a date is no number of a goal
        ("争取境外专利申请量突破增长", []),
        ("经过 2018 年 4 月至 2021 年 4 月三年的建设周期", []),
    ],
)
def test_goal_targets(text: str, expected: list[tuple]) -> None:
    assert _read(text) == expected


def test_inherited_year_holds_unless_the_text_gives_one() -> None:
    """The year of a heading above holds for its list; a 到…年 inside overrides it."""
    assert _read("知识产权专员达1000人", 2021) == [("知识产权专员", 1000, "人", 2021, ">=")]
    assert _read("到2025年，知识产权专员达1000人", 2021) == [("知识产权专员", 1000, "人", 2025, ">=")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("目标是10家企业通过知识产权管理体系认证", [("企业通过知识产权管理体系认证", 10, "家", None, "=")]),
        ("到 2020 年，争取建设知识产权运营交易服务机构 2 家，年度知识产权质押融资额 200 万元。",
         [("建设知识产权运营交易服务机构", 2, "家", 2020, "="),
          ("年度知识产权质押融资额", 200, "万元", 2020, "=")]),
        ("到 2020 年，争取完成 2 个以上重点产业和 3 个以上重点领域的专利导航。",
         [("完成重点产业", 2, "个", 2020, ">="), ("重点领域的专利导航", 3, "个", 2020, ">=")]),
        # quotas, thresholds, terms and grants inside measures are no goals
        ("每年评选不超过5个高价值专利培育项目", []),
        ("每年支持2～3个专利基础好的重点产业开展专利导航", []),
        ("年度发明专利实际交易额20万元（含20万元）以上的，按实际交易金额的10%给予补助", []),
        ("对专利代理师超过5名（含5名）的，一次性奖励新机构10万元。", []),
        ("本意见自发布之日起施行，有效期3年。", []),
        ("对企业在职人员且连续工作满1年以上的，每人奖励5000元", []),
        ("鼓励企业申请专利，提升100家企业的管理水平", []),
    ],
)
def test_targets_in_measures(text: str, expected: list[tuple]) -> None:
    assert _read(text, in_measure=True) == expected


@pytest.mark.parametrize(
    ("text", "year"),
    [("到2023年", 2023), ("至2025年末", 2025), ("2018-2021 年的具体目标", 2021), ("到 2020 年", 2020),
     ("经过 2018 年 4 月至 2021 年 4 月", 2021), ("到2025年6月", 2025),
     ("2021年度", None), ("自2021年起", None)],
)
def test_deadline_year(text: str, year: int | None) -> None:
    assert deadline_year(text) == year


@pytest.mark.parametrize(
    ("subject", "count", "expected"),
    [
        ("专利申请量、授权量年均增长率", 2, ["专利申请量年均增长率", "专利授权量年均增长率"]),
        ("发明专利申请量、授权量", 2, ["发明专利申请量", "发明专利授权量"]),
        ("地理标志商标、地理标志保护产品", 2, ["地理标志商标", "地理标志保护产品"]),
        ("专利申请量、授权量", 3, ["专利申请量、授权量"] * 3),
    ],
)
def test_split_shared(subject: str, count: int, expected: list[str]) -> None:
    assert split_shared(subject, count) == expected


@cache
def _record(prefix: str) -> PolicyRecord:
    return extract_record(next(CORPUS.glob(f"{prefix}_*.txt")))


def test_goal_paragraph_of_001() -> None:
    """一、目标任务 is one 到2023年 paragraph: every number in it is a 2023 goal."""
    targets = _record("001").targets
    assert len(targets) == 8
    assert {t.year for t in targets} == {2023}
    assert all(t.measure_path is None for t in targets)
    assert (70, "万件") in {(t.value, t.unit) for t in targets}


def test_heading_year_and_measure_targets_of_000() -> None:
    """The 2018-2021 heading dates its list; items of 三、主要任务 carry their own path."""
    targets = _record("000").targets
    in_goals = [t for t in targets if t.measure_path is None]
    assert {t.year for t in in_goals} == {2021}
    assert {t.indicator for t in in_goals} >= {"专利申请量年均增长率", "专利授权量年均增长率"}
    assert {t.measure_path for t in targets} - {None} == {("三", "（一）", "3")}


def test_web_page_goals_of_002() -> None:
    """主要目标 of the web-page copy is no numbered section; its deadline line dates it."""
    targets = _record("002").targets
    assert len(targets) == 7
    assert {t.year for t in targets} == {2025}


def test_no_quota_or_threshold_of_001_measures() -> None:
    assert [t for t in _record("001").targets if t.measure_path is not None] == []


def test_spans_quote_the_number() -> None:
    record = _record("004")
    original = (CORPUS / record.source).read_text("utf-8")
    assert record.targets
    for target in record.targets:
        assert target.span is not None
        assert f"{target.value:g}" in original[target.span[0] : target.span[1]].replace(" ", "")


def _snippet_targets(text: str) -> list[tuple]:
    document = segment(read_bytes(text.encode("utf-8"), "snippet.txt"))
    record = measures_stage.extract(document, PolicyRecord(source="snippet.txt"))
    return [(t.indicator, t.value, t.year) for t in targets_stage.extract(document, record).targets]


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        # a 措施 without a goal section states its goals in its dated opening paragraph
        ("为建设知识产权强市，力争到2025年，全市专利授权量达到800件，有效注册商标突破15万件。制定以下措施。",
         [("全市专利授权量", 800, 2025), ("有效注册商标", 15, 2025)]),
        # an opening paragraph without a deadline, or one that grants money, sets no goal
        ("为建设知识产权强市，全市专利授权量已达800件，制定以下措施。", []),
        ("为鼓励创造，到2025年前对每件发明专利资助3000元，制定以下措施。", []),
    ],
)
def test_goals_of_the_opening_paragraph(opening: str, expected: list[tuple]) -> None:
    text = f"某市知识产权若干措施\n\n{opening}\n\n一、提升创造质量\n（1）支持专利培育。鼓励企业申请专利。\n"
    assert _snippet_targets(text) == expected
