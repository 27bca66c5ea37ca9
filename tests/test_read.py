"""read: encodings, conversion to simplified mainland wording, safe NFKC, broken-line
joins, spaces, bad input, and the offset map back to the original."""

from __future__ import annotations

import random
import re
import time
import unicodedata
from pathlib import Path

import opencc
import pytest

from ingest.errors import IngestError
from ingest.read import SourceText, read_bytes, read_file

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.txt"))
T2S = opencc.OpenCC("t2s")
SENTENCE = "到2020年，全市每万人发明专利拥有量力争达到1.17件，百万人发明专利申请量力争达到84件。\n"


def corpus(prefix: str) -> SourceText:
    return read_file(next(path for path in CORPUS_FILES if path.name.startswith(prefix)))


def read(text: str) -> str:
    return read_bytes(text.encode("utf-8"), "snippet.txt").text


# --- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SENTENCE.encode("utf-8"), "utf-8"),
        (SENTENCE.encode("utf-8-sig"), "utf-8-sig"),
        (b"\xff\xfe" + SENTENCE.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + SENTENCE.encode("utf-16-be"), "utf-16-be"),
        (SENTENCE.encode("gb18030"), "gb18030"),
        (SENTENCE.encode("gbk"), "gb18030"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "gb18030", "gbk"],
)
def test_encoding_is_detected(data: bytes, encoding: str) -> None:
    source = read_bytes(data, "x.txt")
    assert source.encoding == encoding
    assert source.text == SENTENCE


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda path: path.name[:3])
@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_corpus_in_other_encodings_reads_the_same(path: Path, encoding: str) -> None:
    expected = read_file(path)
    again = read_bytes(expected.original.encode(encoding), path.name)
    assert again.text == expected.text
    assert again.offsets == expected.offsets


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_few_bad_bytes_are_replaced_not_rejected(encoding: str) -> None:
    expected = corpus("001")
    data = expected.original.encode(encoding)
    cut_inside_a_character = data[: data.index("责任单位".encode(encoding)) + 1]
    damaged = read_bytes(cut_inside_a_character, expected.name)
    assert damaged.encoding == f"{encoding}, bad sequences replaced: 1"
    assert damaged.text.endswith("\ufffd")
    assert damaged.text[:-1] == expected.text[: len(damaged.text) - 1]


def test_big5_traditional_copy_reads_as_simplified() -> None:
    taiwan = corpus("002")
    again = read_bytes(taiwan.original.encode("big5"), taiwan.name)
    assert again.encoding == "big5"
    assert again.text == taiwan.text


# --- traditional → simplified, Taiwan terms ---------------------------------------------


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("福州市國家智慧財產權強市建設示範城市工作方案", "福州市国家知识产权强市建设示范城市工作方案"),
        ("引導創新主體走智慧財產權高質量發展道路", "引导创新主体走知识产权高质量发展道路"),
        ("加快建設智慧財產局專利審查協作中心", "加快建设知识产权局专利审查协作中心"),
        ("最佳化智慧財產權管理體制機制", "优化知识产权管理体制机制"),
        ("鼓勵積體電路布圖設計專有權申請", "鼓励集成电路布图设计专有权申请"),
        ("支持福州高新區、福州軟體園", "支持福州高新区、福州软件园"),
        ("通過智慧型化手段實現精準對接", "通过智能化手段实现精准对接"),
        ("圍繞電子信息、大數據、人工智慧", "围绕电子信息、大数据、人工智能"),
        ("規範嚴重失信主體名單認定標準和程式", "规范严重失信主体名单认定标准和程序"),
        ("培養智慧財產權套用型人才", "培养知识产权应用型人才"),
        ("著力打造創新高地", "着力打造创新高地"),
        ("建立健全考核指標體系", "建立健全考核指标体系"),
    ],
)
def test_traditional_and_taiwan_terms_become_mainland(traditional: str, simplified: str) -> None:
    assert read(traditional) == simplified


@pytest.mark.parametrize(
    "mainland",
    [
        "建立健全知识产权指标体系",
        "建设智慧城市、智慧法院",
        "提升产品品质，打造高品质品牌",
        "邀请数位专家开展评审",
        "透过现象看本质，著作权登记",
        "显著提高，著名商标，软木画",
        "专利导航、数字化转型、芯片设计",
    ],
)
def test_simplified_mainland_text_passes_unchanged(mainland: str) -> None:
    assert read(mainland) == mainland


@pytest.mark.parametrize("prefix", ["000", "001", "003", "004"])
def test_simplified_corpus_keeps_every_character(prefix: str) -> None:
    source = corpus(prefix)
    ideographs = re.compile(r"[\u4e00-\u9fff]")
    assert ideographs.findall(source.text) == ideographs.findall(source.original)


def test_taiwan_copy_has_mainland_wording() -> None:
    text = corpus("002").text
    assert "知识产权" in text
    assert "智慧财产" not in text
    assert "最佳化" not in text
    assert "集成电路布图设计" in text
    assert T2S.convert(text) == text


# --- safe NFKC ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "normalised"),
    [
        ("ＩＳＯ９００１认证", "ISO9001认证"),
        ("增长率达到１５％以上", "增长率达到15%以上"),
        ("每年支持2～3个项目", "每年支持2~3个项目"),
        ("（一）总体目标：", "（一）总体目标："),
        ("(1)推动高质量知识产权创造", "(1)推动高质量知识产权创造"),
        ("汕府〔2016〕69号；泉政文〔2021〕70号", "汕府〔2016〕69号；泉政文〔2021〕70号"),
        ("“三创”园、《纲要》！？", "“三创”园、《纲要》！？"),
        ("\u3000\u3000一、目标任务", "  一、目标任务"),
        ("知识\u00a0产权", "知识产权"),
        ("专利\u200b导航", "专利导航"),
        ("⽂件与⾏政", "文件与行政"),
        ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
    ],
)
def test_nfkc_only_where_safe(printed: str, normalised: str) -> None:
    assert read(printed) == normalised


# --- spaces ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "normalised"),
    [
        ("汕府〔2016〕69 号", "汕府〔2016〕69号"),
        ("到 2020 年，全市", "到2020年，全市"),
        ("通       知", "通知"),
        (
            "关于印发 鲤城区实施福建省知识产权强区 工程工作方案的通知",
            "关于印发鲤城区实施福建省知识产权强区工程工作方案的通知",
        ),
        ("2016 年 9 月 19 日印发", "2016年9月19日印发"),
        ("1. 开展知识产权综合管理体制改革", "1. 开展知识产权综合管理体制改革"),
        ("(1) 指导思想。", "(1) 指导思想。"),
        ("RCEP 框架下 TISC 中心", "RCEP 框架下 TISC 中心"),
        ("2018 2021", "2018 2021"),
        ("请认真遵照执行。      ", "请认真遵照执行。"),
    ],
)
def test_spaces_from_extraction_are_removed(printed: str, normalised: str) -> None:
    assert read(printed) == normalised


# --- broken lines ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "normalised"),
    [
        (
            "通过开展强区建设工作，营造有利于经济发展的良好法\n\n治环境和文化环境，企业拥有量提高。",
            "通过开展强区建设工作，营造有利于经济发展的良好法治环境和文化环境，企业拥有量提高。",
        ),
        (
            "引进优势专利在我区产业化，项目数量达 30 项以上，\n不断提高企业专利技术实施率。",
            "引进优势专利在我区产业化，项目数量达30项以上，不断提高企业专利技术实施率。",
        ),
        (
            "专利申请量年均增长率达到15%，每万人口发明专利\n\n- 3 -\n\n拥有量达12件以上。",
            "专利申请量年均增长率达到15%，每万人口发明专利拥有量达12件以上。",
        ),
        (
            "培育知识产权密集型产业，推动产业转型升级，提升产业核\n\f心竞争力。",
            "培育知识产权密集型产业，推动产业转型升级，提升产业核心竞争力。",
        ),
        (
            "1. 建立知识产权工作领导小组。成立鲤城区知识产权工作\n\n领导小组，提高管理服务水平。",
            "1. 建立知识产权工作领导小组。成立鲤城区知识产权工作领导小组，提高管理服务水平。",
        ),
    ],
)
def test_sentence_cut_by_a_break_is_joined(printed: str, normalised: str) -> None:
    assert read(printed) == normalised


@pytest.mark.parametrize(
    "printed",
    [
        "一、指导思想\n全面贯彻党的十九大精神，推动发展。",
        "（一）推动高质量知识产权创造，着力打造创新高地\n1\n强化高质量创新导向\n贯彻落实办法，重点加大支持。",
        "责任单位：市市场监管局、科技局、发改委、国资委、工信局\n\n2.强化发明专利评价导向。引导资金倾斜。",
        "现将方案印发给你们，请认真组织实施，按期报送\n\n泉州市鲤城区人民政府办公室\n\n2018年4月16日",
        "提升县（区）、园区、企业管理能力\n培育国家知识产权强县建设示范县，提升管理能力。",
        "（一）加强组织领导，建立长效工作机制\n进一步完善工作机制，统筹推进。",
        "健全知识产权管理体制机制。（区知识产权工作领导小组按职责分工负责）\n加强保护工作，完善机制。",
        "泰安市泰山区国家知识产权强县建设试点\n县（区）工作方案（2022-2025年）",
        "加快培育知识产权品牌机构，系统构建知识产权服务体系\n\n（二）加强财政保障力度。落实投入。",
    ],
)
def test_headings_titles_and_signatures_are_not_joined(printed: str) -> None:
    assert read(printed) == printed


@pytest.mark.parametrize(
    ("printed", "normalised"),
    [
        ("武漢市知識產(chǎn)權(quán)發(fā)展", "武汉市知识产权发展"),
        ("常政發(fā)〔2010〕182號(hào)", "常政发〔2010〕182号"),
        ("知识产（chǎn）权", "知识产权"),
        ("专利(PCT)申请", "专利(PCT)申请"),
        ("商标(a)类", "商标(a)类"),
        ("第(2)项", "第(2)项"),
    ],
)
def test_pinyin_glosses_are_removed(printed: str, normalised: str) -> None:
    """A tone-marked syllable in brackets after a character is a gloss; other bracketed
    Latin (an acronym, a letter without tone) is text."""
    assert read(printed) == normalised


def test_pinyin_gloss_keeps_the_offset_map() -> None:
    source = read_bytes("知识产(chǎn)权局".encode(), "snippet.txt")
    start = source.text.index("权局")
    assert source.original[slice(*source.original_span(start, start + 2))] == "权局"


@pytest.mark.parametrize(
    ("printed", "normalised"),
    [
        ("推动发展,加强保护;完善机制:", "推动发展，加强保护；完善机制："),
        ("(市场监管总局、知识产权局负责)", "（市场监管总局、知识产权局负责）"),
        ("工作方案(2022-2025年)", "工作方案（2022-2025年）"),
        ("资助1,000元", "资助1,000元"),
        ("(1)加强创造", "(1)加强创造"),
        ("见https://example.org/a", "见https://example.org/a"),
    ],
)
def test_half_width_punctuation_in_chinese_is_full_width(printed: str, normalised: str) -> None:
    assert read(printed) == normalised


@pytest.mark.parametrize(
    ("printed", "normalised"),
    [
        ("二OO九年九月二十一日", "二〇〇九年九月二十一日"),
        ("二oo八年", "二〇〇八年"),
        ("二0一0年", "二〇一〇年"),
        ("二○二一年", "二〇二一年"),
        ("2009年", "2009年"),
        ("OOOO年", "OOOO年"),
    ],
)
def test_year_zero_look_alikes(printed: str, normalised: str) -> None:
    assert read(printed) == normalised


def test_site_field_lines_are_not_joined() -> None:
    printed = ("索引号：014236233/2022-05689分类：市场监管、安全生产监管\n发布机构：某区人民政府\n"
               "文号：某政发〔2022〕15号")
    assert read(printed) == printed


def test_corpus_000_break_in_law_environment_is_joined() -> None:
    source = corpus("000")
    assert "营造有利于经济发展的良好法治环境和文化环境" in source.text
    start = source.text.index("良好法治环境")
    begin, end = source.original_span(start, start + len("良好法治环境"))
    assert "\n" in source.original[begin:end]
    assert re.sub(r"\s", "", source.original[begin:end]) == "良好法治环境"


def test_corpus_003_body_has_no_mid_sentence_breaks() -> None:
    text = corpus("003").text
    body = text[text.index("一、总体要求") : text.index("公开方式")]
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    assert len(lines) > 30
    for line in lines:
        assert line[-1] in "。；：）" or re.fullmatch(r"[一二三四五六七八九十]、\w{2,8}", line), line


def test_corpus_002_item_numbers_stay_on_their_own_lines() -> None:
    lines = corpus("002").text.splitlines()
    numbers = [line for line in lines if re.fullmatch(r"\d+", line)]
    assert numbers == [str(n) for n in range(1, 23)]
    assert lines[lines.index("1") + 1] == "强化高质量创新导向"


# --- offsets --------------------------------------------------------------------------


def test_offsets_of_a_term_replacement_cover_the_printed_term() -> None:
    source = corpus("002")
    start = source.text.index("知识产权")
    begin, end = source.original_span(start, start + 4)
    assert source.original[begin:end] == "智慧財產權"


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda path: path.name[:3])
def test_offsets_are_a_monotone_map_onto_the_original(path: Path) -> None:
    source = read_file(path)
    assert len(source.offsets) == len(source.text) + 1
    assert source.offsets[0] >= 0
    assert source.offsets[-1] == len(source.original)
    assert all(a <= b for a, b in zip(source.offsets, source.offsets[1:], strict=False))
    for index, char in enumerate(source.text):
        if char in "，。；：、《》“”〔〕（）":
            printed = source.original[source.offsets[index]]
            assert unicodedata.normalize("NFKC", printed) == unicodedata.normalize("NFKC", char)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda path: path.name[:3])
def test_original_span_reads_again_as_the_text_span(path: Path) -> None:
    """Spans between punctuation cut no term and no phrase, so reading the original slice
    on its own must give the same text, up to the whitespace that joins remove and the
    width of punctuation."""
    source = read_file(path)
    marks = [index for index, char in enumerate(source.text) if char in "，。；："]
    rng = random.Random(path.name)
    for _ in range(100):
        start, end = sorted(rng.sample(marks, 2))
        begin, stop = source.original_span(start, end)
        again = read_bytes(source.original[begin:stop].encode("utf-8"), path.name).text
        assert _folded(again) == _folded(source.text[start:end])


def _folded(text: str) -> str:
    """Without whitespace and up to NFKC: a slice's first comma has lost the Chinese
    before it, so it may stay half-width."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text))


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\r\n ", "empty file"),
        ("\ufeff".encode(), "empty file"),
        ("\u3000\u3000\n".encode("utf-16"), "empty file"),
        (b"\x00" * 64, "binary data, not text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary data, not text"),
        (bytes(range(256)) * 8, "binary data, not text"),
    ],
)
def test_bad_input_is_an_ingest_error(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as caught:
        read_bytes(data, "bad.txt")
    assert caught.value.source == "bad.txt"
    assert caught.value.stage == "read"
    assert caught.value.reason.startswith(reason)


def test_missing_file_is_an_ingest_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file") as caught:
        read_file(tmp_path / "missing.txt")
    assert (caught.value.source, caught.value.stage) == ("missing.txt", "read")


def test_directory_is_an_ingest_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        read_file(tmp_path)
    assert caught.value.stage == "read"


def test_encoded_file_on_disk_reads_like_the_corpus(tmp_path: Path) -> None:
    expected = corpus("001")
    copy = tmp_path / expected.name
    copy.write_bytes(expected.original.encode("gb18030"))
    assert read_file(copy).text == expected.text


def test_reading_the_corpus_is_fast() -> None:
    started = time.perf_counter()
    for path in CORPUS_FILES:
        read_file(path)
    assert time.perf_counter() - started < 1.0
