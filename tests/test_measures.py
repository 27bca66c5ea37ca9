"""extract.measures: leaves of task sections, never of principle or goal sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.extract.measures import extract, section_kind
from ingest.read import read_bytes, read_file
from ingest.record import Measure, PolicyRecord
from ingest.segment import segment

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def measures_of(text: str) -> tuple[Measure, ...]:
    document = segment(read_bytes(text.encode("utf-8"), "snippet.txt"))
    return extract(document, PolicyRecord(source="snippet.txt")).measures


def corpus_measures(name_start: str) -> tuple[Measure, ...]:
    source = read_file(next(CORPUS.glob(f"{name_start}_*.txt")))
    return extract(segment(source), PolicyRecord(source=source.name)).measures


@pytest.mark.parametrize(("heading", "kind"), [
    ("主要任务", "task"), ("重点任务", "task"), ("保障措施", "task"), ("其他事项", "task"),
    ("工作措施", "task"), ("附则", "task"), ("指导思想", "principle"), ("基本原则", "principle"),
    ("总体要求", "principle"), ("目标任务", "goal"), ("主要目标", "goal"), ("2018-2021 年的具体目标", "goal"),
    ("总则", "general"), ("提高认识，明确目标，实施知识产权战略", "background"),
    ("充分认识重要意义", "background"), ("加强目标管理考核", "task"),
    ("培育高品质知识产权文化,夯实事业发展新基础", "task"),
    ("促进知识产权高质量创造", "task"),
])
def test_section_kind(heading: str, kind: str) -> None:
    assert section_kind(heading) == kind


PLAN = """某区知识产权工作方案
一、指导思想
以创新为引领。
二、工作目标
（一）总体目标
明显提升。
（二）具体目标
1.专利数量增长。发明专利达到100件。
2.商标数量增长。注册商标达到500件。
三、主要任务
（一）加强知识产权创造
1.培育高价值专利。支持企业创新。
责任单位：区科技局
2.强化商标品牌。引导企业注册商标。
四、保障措施
（一）加强组织领导。充分发挥领导小组作用。
（二）加大资金投入
区财政每年安排专项经费。
"""


def test_leaves_of_task_sections_only() -> None:
    measures = measures_of(PLAN)
    assert [(m.path, m.title) for m in measures] == [
        (("三", "（一）", "1"), "培育高价值专利"),
        (("三", "（一）", "2"), "强化商标品牌"),
        (("四", "（一）"), "加强组织领导"),
        (("四", "（二）"), "加大资金投入"),
    ]


def test_measure_text_keeps_its_responsibility_line_and_span() -> None:
    first = measures_of(PLAN)[0]
    assert first.text.endswith("责任单位：区科技局")
    source = read_bytes(PLAN.encode("utf-8"), "snippet.txt")
    assert source.original[first.span[0]:first.span[1]] == first.text


def test_web_copy_goal_part_is_not_measures() -> None:
    measures = measures_of("某市工作方案\n主要目标\n(一)专利增长\n达到10件。\n(二)商标增长\n达到5件。\n"
                           "重点任务\n(一)加强创造\n支持企业创新。\n(二)加强保护\n加大执法力度。\n")
    assert [m.title for m in measures] == ["加强创造", "加强保护"]


def test_no_task_section_gives_no_measure() -> None:
    """Principles, goals and nothing else: the record keeps its metadata, with no measures."""
    text = "某市工作方案\n一、指导思想\n创新引领。\n二、基本原则\n坚持质量。\n三、发展目标\n明显提升。\n"
    assert measures_of(text) == ()


@pytest.mark.parametrize(("text", "paths"), [
    ("某市专利资助办法\n第一章 总则\n第一条 为鼓励创新，制定本办法。\n"
     "第二条 本办法所称专利资助资金，是指市财政安排的资金。\n第三条 对符合条件的事项给予一定资助。\n",
     [("第一章", "第三条")]),
    # purpose, scope, definition, principle and entry into force ask for no action, in any chapter
    ("某市专利促进条例\n第一章 总则\n"
     "第一条 为了促进专利创造和运用，根据有关法律，结合本市实际，制定本条例。\n"
     "第二条 本市行政区域内专利的创造、运用和保护，适用本条例。\n"
     "第三条 本条例所称专利服务，是指专利代理等活动。\n"
     "第四条 专利工作应当遵循激励创新、依法保护的原则。\n第五条 市人民政府应当加强对专利工作的领导。\n"
     "第二章 附则\n第六条 本条例由市人民代表大会常务委员会负责解释。\n第七条 本条例自2020年3月1日起施行。\n",
     [("第一章", "第五条"), ("第二章", "第六条")]),
    # articles with captions, as some provinces print them
    ("某省专利条例\n第一条【立法目的】为了促进创新，制定本条例。\n第二条【适用范围】本省行政区域内的专利工作，适用本条例。\n"
     "第三条【部门职责】市场监督管理部门负责专利保护工作。\n", [("第三条",)]),
    # an article is one measure with its items; a table of contents opens no chapter
    ("某市专利资助实施细则\n目录\n第一章 总则\n第二章 资助标准\n第一章 总则\n"
     "第一条 为规范资助，制定本细则。\n"
     "第二章 资助标准\n第一节 专利创造\n第二条 按以下标准给予资助：\n（一）发明专利每件资助5000元；\n"
     "（二）实用新型专利每件资助500元。\n第三条 其他县（市、区）参照本细则执行。\n",
     [("第二章", "第一节", "第二条")]),
    # an application notice: who may apply, what to hand in and whom to call are no measures
    ("关于申报2024年度专利资助的通知\n一、申报对象\n本市企业。\n二、申报条件\n（一）依法登记；\n（二）无违法记录。\n"
     "三、资助标准\n（一）发明专利。每件资助5000元。\n（二）专利导航。每个项目资助20万元。\n四、申报材料\n1.申报书；\n"
     "2.营业执照。\n五、工作要求\n（一）各县市场监管局负责初审。\n六、联系方式\n联系人：王先生。\n",
     [("三", "（一）"), ("三", "（二）"), ("五", "（一）")]),
    ("某市专利资助办法\n第一章 总则\n第一条 为鼓励创新，制定本办法。\n"
     "第二条 对授权发明专利，每件资助5000元。\n",
     [("第一章", "第二条")]),
    ("某市专利资助办法\n第一章 总则\n第一条 为鼓励创新，制定本办法。\n第二章 资助标准\n"
     "第二条 对授权发明专利，每件资助5000元。\n第三条 申请人应当提交材料。\n",
     [("第二章", "第二条"), ("第二章", "第三条")]),
    ("某市实施意见\n一、充分认识实施商标战略的重要意义\n商标是重要资源。\n二、加强商标培育\n"
     "（一）培育知名商标。支持企业。\n（二）加强保护。打击侵权。\n",
     [("二", "（一）"), ("二", "（二）")]),
    ("1、对获得中国专利金奖的，奖励20万元。\n2、对新认定的示范企业，奖励10万元。\n",
     [("1",), ("2",)]),
])
def test_articles_and_unrecognised_headings(text: str, paths: list[tuple[str, ...]]) -> None:
    """Articles that ask for action, in any chapter; any chapter or heading no pattern knows
    holds measures; an opening 充分认识…意义 section argues and holds none."""
    assert [m.path for m in measures_of(text)] == paths


@pytest.mark.parametrize(("name", "count", "first_path", "last_path"), [
    ("000", 21, ("三", "（一）", "1"), ("四", "（四）")),
    ("001", 30, ("二", "（一）", "1"), ("四", "30")),
    ("002", 22, ("（一）", "1"), ("（七）", "22")),
    ("003", 23, ("二", "（一）", "1"), ("三", "（三）")),
    ("004", 20, ("四", "（一）", "1"), ("五", "（四）")),
])
def test_corpus_measures(name: str, count: int, first_path: tuple[str, ...],
                         last_path: tuple[str, ...]) -> None:
    measures = corpus_measures(name)
    assert len(measures) == count
    assert measures[0].path == first_path
    assert measures[-1].path == last_path
    for measure in measures:
        assert measure.title
        assert "。" not in measure.title
        assert measure.span[0] < measure.span[1]


def test_corpus_titles_follow_the_gold_conventions() -> None:
    titles = [m.title for m in corpus_measures("001")]
    assert titles[19] == "提升知识产权“诉调对接”"
    assert titles[28] == "本意见实施过程中若遇上级政策调整的，执行上级文件"
    titles_000 = [m.title for m in corpus_measures("000")]
    assert "实施商标品牌战略、鼓励版权登记" in titles_000
    assert "加强目标管理考核" in titles_000
    assert not any("具体目标" in t or "指导思想" in t for t in titles_000)
