"""segment: numbered hierarchy, front and back matter, and the documents it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.read import SourceText, read_bytes, read_file
from ingest.segment import Document, cn_number, heading_of, segment

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def doc(text: str) -> Document:
    return segment(read_bytes(text.encode("utf-8"), "snippet.txt"))


def source(name_start: str) -> SourceText:
    return read_file(next(CORPUS.glob(f"{name_start}_*.txt")))


@pytest.mark.parametrize(("numeral", "value"), [
    ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("一百零五", 105), ("二〇二一", 2021),
    ("两千", 2000), ("五千", 5000), ("一千二百", 1200),
])
def test_cn_number(numeral: str, value: int) -> None:
    assert cn_number(numeral) == value


@pytest.mark.parametrize(("first", "following", "heading"), [
    ("加强组织领导。充分发挥领导小组作用。", "", "加强组织领导"),
    ("促进知识产权高质量创造", "", "促进知识产权高质量创造"),
    ("主要目标：到2025年，专利拥有量达到10件。", "", "主要目标"),
    ("加强组织领导，建立长效工作机制。进一步加强领导。", "", "加强组织领导，建立长效工作机制"),
    ("探索建立以知识产权为重要内容的创新驱动发展评价制度，推动将知识产权指标纳入国民经济和社会发展规划的考核",
     "体系。加大比重。",
     "探索建立以知识产权为重要内容的创新驱动发展评价制度，推动将知识产权指标纳入国民经济和社会发展规划的考核体系"),
])
def test_heading_of(first: str, following: str, heading: str) -> None:
    assert heading_of(first, following) == heading


PLAN = """某市知识产权工作方案

为加快建设，制定本方案。

一、指导思想

以创新驱动为引领。

二、主要任务

（一）加强知识产权创造

1.培育高价值专利。支持企业创新。

2.强化商标品牌。引导企业注册商标。

（二）加强组织领导。充分发挥领导小组作用。

某市人民政府

2022年3月1日

抄送：市委办。
"""


def test_numbered_hierarchy_front_and_back() -> None:
    document = doc(PLAN)
    paths = [s.path for s in document.walk()]
    assert paths == [("一",), ("二",), ("二", "（一）"), ("二", "（一）", "1"), ("二", "（一）", "2"),
                     ("二", "（二）")]
    headings = [s.heading for s in document.walk()]
    assert headings[3] == "培育高价值专利"
    assert headings[5] == "加强组织领导"
    assert document.front.strip().startswith("某市知识产权工作方案")
    assert document.back.startswith("某市人民政府")
    assert "2022年3月1日" not in document.sections[-1].text


def test_section_text_is_its_slice_and_ends_before_the_next() -> None:
    document = doc(PLAN)
    for section in document.walk():
        assert section.text == document.source.text[section.start:section.end]
    item = next(s for s in document.walk() if s.path == ("二", "（一）", "1"))
    assert item.text.endswith("支持企业创新。")


WEB_COPY = """某市知识产权强市建设方案
主要目标
到2025年，专利拥有量达到10件。
重点任务
(一)推动高质量创造,打造创新高地
1
强化创新导向
落实专项资金管理办法。
2
打造创新引擎
加强示范区建设。
(二)加强知识产权保护
3
加强行政保护
健全执法队伍。
本方案自印发之日起施行
相关词条
"""


def test_web_copy_free_standing_numbers_and_part_heading() -> None:
    document = doc(WEB_COPY)
    items = [(s.path, s.heading) for s in document.walk() if not s.children]
    assert items == [(("（一）", "1"), "强化创新导向"), (("（一）", "2"), "打造创新引擎"),
                     (("（二）", "3"), "加强行政保护")]
    assert {s.part for s in document.sections} == {"重点任务"}
    assert document.back.startswith("本方案自印发之日起施行")


def test_articles_and_chapters() -> None:
    document = doc("某区专利资助办法\n第一章 总则\n第一条 为鼓励创新，制定本办法。\n第二章 资助标准\n"
                   "第二条 对授权发明专利，每件资助5000元。\n第三条 本办法由区知识产权局负责解释。\n")
    assert [s.path for s in document.walk()] == [
        ("第一章",), ("第一章", "第一条"), ("第二章",), ("第二章", "第二条"), ("第二章", "第三条")]
    assert document.sections[1].heading == "资助标准"


def test_contents_sections_and_articles() -> None:
    """A table of contents opens no chapter; 第X节 sits between chapter and article; an article's
    items are its children."""
    document = doc("某市专利促进条例\n目　　录\n第一章　总　　则\n第二章　促进与保护\n第一章　总　　则\n"
                   "第一条　为了促进创新，制定本条例。\n第二章　促进与保护\n第一节　专利创造\n"
                   "第二条　按以下标准资助：\n（一）发明专利每件5000元；\n（二）实用新型每件500元。\n"
                   "第二节　专利保护\n第三条　公安机关应当依法查处犯罪行为。\n")
    assert [s.path for s in document.walk()] == [
        ("第一章",), ("第一章", "第一条"), ("第二章",), ("第二章", "第一节"), ("第二章", "第一节", "第二条"),
        ("第二章", "第一节", "第二条", "（一）"), ("第二章", "第一节", "第二条", "（二）"),
        ("第二章", "第二节"), ("第二章", "第二节", "第三条")]
    assert "目录\n第一章总则\n第二章促进与保护" in document.front


def test_articles_in_arabic_numerals() -> None:
    document = doc("某市专利资助办法\n第1条 为鼓励创新，制定本办法。\n第2条 发明专利每件资助5000元。\n")
    assert [s.path for s in document.walk()] == [("第1条",), ("第2条",)]


def test_number_out_of_sequence_stays_text() -> None:
    document = doc("某市实施意见\n一、主要任务\n1.加强创造。内容。\n2.加强运用。内容\n8、项目\n"
                   "要落实。\n3.加强保护。内容。\n")
    assert [s.path[-1] for s in document.walk()] == ["一", "1", "2", "3"]


@pytest.mark.parametrize(("text", "reason"), [
    ("今天天气很好。我们去公园散步。\n晚上回家吃饭。\n", "no intellectual-property or policy vocabulary"),
    ("番茄炒蛋\n1.打蛋。搅匀。\n2.热油。下锅。\n3.装盘。\n", "no intellectual-property or policy vocabulary"),
    ("专利是一种权利。很多人申请专利。\n", "no numbered structure .* and no policy vocabulary"),
    ("关于印发工作方案的通知\n请认真组织实施。\n", "no numbered structure .* and no intellectual-property"),
])
def test_refused_documents(text: str, reason: str) -> None:
    with pytest.raises(IngestError, match=reason) as error:
        doc(text)
    assert error.value.stage == "segment"


@pytest.mark.parametrize(("text", "items"), [
    ("某市专利奖励办法\n1、对获得专利金奖的，奖励20万元。\n", 1),
    ("1、对获得中国专利金奖的，奖励20万元。\n2、对新认定的示范企业，奖励10万元。\n", 2),
    ("会议纪要\n一、参会人员。张三。\n二、会议内容。讨论知识产权。\n", 2),
    ("某区知识产权强区工作方案\n一、主要任务\n1.加强创造。\n2.加强运用。\n"
     "责任单位：区科技和知识产权局、区财政局", 2),
    ("某市知识产权工作方案\n一、主要任务\n1.加强创造。支持企业。\n2.加强运用，推进转化\n"
     "上一篇：某市专利资助办法\n打印本页\n", 2),
    ("某市知识产权工作方案\n一、主要任务\n1.加强创造。支持企业。\n2.加强运用，推进转化\n"
     "版权所有，某市人民政府，备案号12345\n", 2),
])
def test_kept_documents(text: str, items: int) -> None:
    """A policy text with one or two numbered items, with no title, ending on a field or on
    site furniture, is no error."""
    assert sum(1 for _ in doc(text).walk()) >= items


def test_notice_without_numbered_plan_is_all_front() -> None:
    text = ("区政府关于印发某区知识产权强县建设示范县工作方案的通知\n各镇人民政府：\n"
            "现印发给你们，请认真组织实施。\n某区人民政府\n2022年11月14日\n"
            "某区知识产权强县建设示范县\n工作方案（2022-2025年）\n")
    document = doc(text)
    assert document.sections == ()
    assert document.front == document.source.text
    assert document.back == ""


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_corpus_documents_segment(name: str) -> None:
    document = segment(source(name))
    assert len(document.sections) >= 3
    assert document.main_start == len(document.front)
    for section in document.walk():
        assert section.text == document.source.text[section.start:section.end]
        assert section.heading
        assert len(section.heading) < 60


def test_corpus_paths_as_printed() -> None:
    paths_001 = [s.path for s in segment(source("001")).walk() if not s.children]
    assert ("二", "（一）", "1") in paths_001
    assert ("三", "26") in paths_001
    assert ("四", "30") in paths_001
    paths_002 = [s.path for s in segment(source("002")).walk() if not s.children]
    assert paths_002[0] == ("（一）", "1")
    assert paths_002[-1] == ("（七）", "22")


def test_corpus_back_matter() -> None:
    assert segment(source("000")).back.startswith("区直有关单位")
    assert segment(source("001")).back.startswith("泉州市人民政府")
    assert segment(source("003")).back.startswith("公开方式")
    assert "知识产权强区" in segment(source("000")).front


def test_metadata_table_below_the_text_is_back_matter() -> None:
    """A page that prints its 政府信息公开 table after the text: the last item ends before it."""
    document = doc("某市知识产权若干措施\n一、加强创造\n1.支持企业。每件奖励1万元。\n"
                   "2.支持转化。每项奖励2万元。\n索引号：11350500003591037R/2021-12345\n"
                   "发布机构：某市人民政府\n成文日期：2021-12-23\n")
    assert document.sections[-1].children[-1].text == "2.支持转化。每项奖励2万元。"
    assert document.back.startswith("索引号")
