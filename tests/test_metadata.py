"""extract.metadata: title, 发文字号, issuer, date and jurisdiction of the front and back matter."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.divisions import names_in, resolve
from ingest.extract.metadata import extract
from ingest.read import read_bytes, read_file
from ingest.record import PolicyRecord
from ingest.segment import segment

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
BODY = "\n一、主要任务\n1.加强创造。支持企业。\n2.加强运用。支持转化。\n3.加强保护。加大执法。\n"


def metadata_of(front: str, back: str = "") -> PolicyRecord:
    source = read_bytes((front + BODY + back).encode("utf-8"), "snippet.txt")
    return extract(segment(source), PolicyRecord(source="snippet.txt"))


@pytest.mark.parametrize(("front", "title", "issuer"), [
    ("某市人民政府办公室关于印发 某市知识产权 工作方案的通知\n各区：\n现印发给你们。\n某市工作方案\n",
     "某市知识产权工作方案", "某市人民政府办公室"),
    ("泰安市泰山区人民政府\n关于印发《泰山区专利资助办法（2022-2025年）》的\n通       知\n各街道：\n",
     "泰山区专利资助办法（2022-2025年）", "泰安市泰山区人民政府"),
    ("泉州市人民政府关于促进知识产权高质量发展的若干意见\n\n泉政文〔2021〕70号\n",
     "泉州市人民政府关于促进知识产权高质量发展的若干意见", "泉州市人民政府"),
    ("泰山区国家知识产权强县建设试点\n县（区）工作方案（2022-2025年）\n\n为落实纲要，制定本方案。\n",
     "泰山区国家知识产权强县建设试点县（区）工作方案（2022-2025年）", None),
])
def test_title_and_issuer(front: str, title: str, issuer: str | None) -> None:
    record = metadata_of(front)
    assert record.title == title
    assert record.issuer == issuer


@pytest.mark.parametrize(("line", "number"), [
    ("泉鲤政办〔2018〕45号", "泉鲤政办〔2018〕45号"),
    ("汕府〔2016〕69 号", "汕府〔2016〕69号"),
    (" 泰山政字[2022]6号", "泰山政字[2022]6号"),
    ("发文字号：闽政〔2020〕第3号", "闽政〔2020〕第3号"),
    ("根据闽知管〔2018〕9号文件精神，制定本方案。", None),
    # a government order is numbered without a year: its header on one line or two
    ("江门市人民政府令\n第12号", "江门市人民政府令第12号"),
    ("江门市人民政府令（第 12 号）", "江门市人民政府令第12号"),
    ("（2019年5月10日江门市人民政府令第12号公布　自2019年7月1日起施行）", "江门市人民政府令第12号"),
    ("第12号", None),
])
def test_doc_number(line: str, number: str | None) -> None:
    assert metadata_of(f"某市工作方案\n{line}\n").doc_number == number


@pytest.mark.parametrize(("front", "back", "date"), [
    ("某市工作方案\n", "某市人民政府\n2021年12月23日\n（此件主动公开）\n", "2021-12-23"),
    ("某市工作方案\n", "某市人民政府\n二〇二一年十二月三日\n", "2021-12-03"),
    ("某市工作方案\n", "抄送：市委办。\n某市人民政府办公室\n2016 年 9 月 19 日印发\n", "2016-09-19"),
    ("某市工作方案\n颁布时间:2022年9月\n", "", "2022-09"),
    ("某市工作方案\n该方案由某市人民政府2022年9月发布。\n", "", "2022-09"),
    ("某市工作方案\n", "", None),
    # a regulation's note of adoption: the adoption or last revision by its own organ, not the approval
    ("某市专利促进条例\n（2019年10月30日某市第十五届人民代表大会常务委员会第二十九次会议通过　"
     "2019年11月29日某省第十三届人民代表大会常务委员会第十五次会议批准）\n", "", "2019-10-30"),
    ("某市专利促进条例\n（2010年6月1日某市人民代表大会常务委员会第十次会议通过　"
     "2021年3月2日某市人民代表大会常务委员会第三十次会议修订）\n", "", "2021-03-02"),
    ("某市专利促进条例\n（2007年7月27日某市第二届人民代表大会常务委员会第三十二次会议通过　根据2011年11月"
     "25日某市第三届人民代表大会常务委员会第二十八次会议《关于修改部分地方性法规的决定》第二次修正）\n", "",
     "2011-11-25"),
])
def test_date_issued(front: str, back: str, date: str | None) -> None:
    assert metadata_of(front, back).date_issued == date


@pytest.mark.parametrize(("front", "back", "issuer", "date"), [
    ("江门市专利资助办法\n（2019年5月10日江门市人民政府令第12号公布　自2019年7月1日起施行）\n", "",
     "江门市人民政府", "2019-05-10"),
    ("江门市人民政府令\n第12号\n江门市专利资助办法\n", "", "江门市人民政府", None),
])
def test_government_order(front: str, back: str, issuer: str, date: str | None) -> None:
    record = metadata_of(front, back)
    assert (record.issuer, record.date_issued) == (issuer, date)


@pytest.mark.parametrize(("front", "back", "issuer"), [
    # a department named by its level takes the name of the jurisdiction the text names
    ("关于组织申报2024年度泉州市知识产权专项资金项目的通知\n", "市市场监督管理局\n2024年3月1日\n",
     "泉州市市场监督管理局"),
    ("关于印发泰山区专利资助办法的通知\n", "区科技局\n2022年3月1日\n", "泰山区科技局"),
    ("某某市知识产权工作方案\n", "市市场监督管理局\n2024年3月1日\n", "市市场监督管理局"),
    ("济南市市中区知识产权工作方案\n", "市中区人民政府\n2024年3月1日\n", "市中区人民政府"),
])
def test_issuer_named_by_level(front: str, back: str, issuer: str) -> None:
    assert metadata_of(front, back).issuer == issuer


@pytest.mark.parametrize(("text", "context", "name", "level", "parent", "code"), [
    ("泉州市鲤城区人民政府办公室", "", "鲤城区", "district", "泉州市", "350502"),
    ("汕尾市人民政府", "", "汕尾市", "city", None, "441500"),
    ("南京市鼓楼区人民政府", "福建省福州市", "鼓楼区", "district", "南京市", "320106"),
    ("鼓楼区人民政府", "江苏省徐州市", "鼓楼区", "district", "徐州市", "320302"),
    ("晋江市人民政府", "", "晋江市", "county", "泉州市", "350582"),
    ("福建省知识产权局", "", "福建省", "province", None, "350000"),
])
def test_jurisdiction(text: str, context: str, name: str, level: str, parent: str | None, code: str) -> None:
    found = resolve(names_in(text), context)
    assert found is not None
    assert (found.name, found.level, found.parent, found.code) == (name, level, parent, code)


def test_generic_district_words_are_not_places() -> None:
    assert names_in("加快主城区和郊区建设") == []


@pytest.mark.parametrize(("name", "title", "number", "issuer", "date", "place", "level"), [
    ("000", "鲤城区实施福建省知识产权强区工程工作方案", "泉鲤政办〔2018〕45号", "泉州市鲤城区人民政府办公室",
     "2018-04-16", "鲤城区", "district"),
    ("001", "泉州市人民政府关于促进知识产权高质量发展的若干意见", "泉政文〔2021〕70号", "泉州市人民政府",
     "2021-12-23", "泉州市", "city"),
    ("002", "福州市国家知识产权强市建设示范城市工作方案", None, "福州市人民政府", "2022-09",
     "福州市", "city"),
    ("003", "汕尾市建设引领型知识产权强市实施方案", "汕府〔2016〕69号", "汕尾市人民政府", "2016-09-19",
     "汕尾市", "city"),
    ("004", "泰安市泰山区国家知识产权强县建设试点县（区）工作方案（2022-2025年）", "泰山政字〔2022〕6号",
     "泰安市泰山区人民政府", "2022-12-04", "泰山区", "district"),
])
def test_corpus_metadata(name: str, title: str, number: str | None, issuer: str, date: str,
                         place: str, level: str) -> None:
    source = read_file(next(CORPUS.glob(f"{name}_*.txt")))
    record = extract(segment(source), PolicyRecord(source=source.name))
    assert (record.title, record.doc_number) == (title, number)
    assert (record.issuer, record.date_issued) == (issuer, date)
    assert (record.jurisdiction.name, record.jurisdiction.level) == (place, level)


@pytest.mark.parametrize(("front", "back", "field", "value"), [
    # a seal note between the signer and the date; the seal's organ is not the issuer
    ("某某联席会议办公室\n（某市知识产权局代章）\n2021年12月27日\n某市知识产权年度推进计划\n", "",
     "issuer", "某某联席会议办公室"),
    ("某某联席会议办公室\n（某市知识产权局代章）\n2021年12月27日\n某市知识产权年度推进计划\n", "",
     "title", "某市知识产权年度推进计划"),
    ("某某联席会议办公室\n（某市知识产权局代章）\n2021年12月27日\n某市知识产权年度推进计划\n", "",
     "date_issued", "2021-12-27"),
    # a notice title by level only gives way to the signature's full name
    ("市政府办公室关于印发《某市专利工作方案》的通知\n各镇：\n现印发给你们。\n",
     "某市人民政府办公室\n2022年12月23日\n", "issuer", "某市人民政府办公室"),
    # the red header names the organ; a title broken over two lines is joined
    ("常州市人民政府文件\n常政发〔2010〕182号\n市政府关于大力实施商标战略\n推进品牌建设的意见\n", "",
     "issuer", "常州市人民政府"),
    ("常州市人民政府文件\n常政发〔2010〕182号\n市政府关于大力实施商标战略\n推进品牌建设的意见\n", "",
     "title", "市政府关于大力实施商标战略推进品牌建设的意见"),
    # law-database fields
    ("发文字号：惠府〔2009〕109号\n\n颁布部门：广东省某市人民政府\n\n颁布日期：2009-07-02生效日期：1900-01-01\n"
     "某市知识产权若干意见\n", "", "date_issued", "2009-07-02"),
    ("颁布部门：广东省某市人民政府\n\n颁布日期：2009-07-02\n某市知识产权若干意见\n", "",
     "issuer", "广东省某市人民政府"),
    ("发布机构：某区人民政府\n成文日期：2022-11-14\n发布日期：2022-11-15\n某区专利工作方案\n", "",
     "date_issued", "2022-11-14"),
    # a date in Chinese numerals with letter O, a doc number in brackets under the title
    ("某区人民政府办公室关于转发《某区专利推进计划（2009-2011）》的通知\n（宝府办〔2009〕59号）\n各镇：\n"
     "特此通知\n二OO九年九月二十一日\n", "", "date_issued", "2009-09-21"),
    ("某区人民政府办公室关于转发《某区专利推进计划（2009-2011）》的通知\n（宝府办〔2009〕59号）\n各镇：\n"
     "特此通知\n二OO九年九月二十一日\n", "", "doc_number", "宝府办〔2009〕59号"),
    # site breadcrumbs and draft markers are no part of a title
    ("欢迎来到本站！\nEHS中国 法规首页 某市人民政府关于实施知识产权战略的若干意见\n", "",
     "title", "某市人民政府关于实施知识产权战略的若干意见"),
    ("当前位置：首页 > 政策法规\n某市知识产权发展资金管理办法(征求意见稿)\n", "",
     "title", "某市知识产权发展资金管理办法"),
    # a site's field block: the notice title after 名称：, two pieces joined across a blank line
    ("名称：区政府关于印发某区知识产权强县建设示范县工作方案（2022-2025年）的通知\n", "",
     "title", "某区知识产权强县建设示范县工作方案（2022-2025年）"),
    ("某区国家知识产权强县建设示范县\n\n工作方案（2022-2025年）\n\n为落实纲要，制定本方案。\n", "",
     "title", "某区国家知识产权强县建设示范县工作方案（2022-2025年）"),
    # a posting date alone under a title is not the date of issue
    ("某市专利资助办法\n2021-02-08\n", "", "date_issued", None),
    ("特此通知\n", "", "title", None),
])
def test_front_matter_of_web_copies(front: str, back: str, field: str, value: str | None) -> None:
    assert getattr(metadata_of(front, back), field) == value


# --- web layouts --------------------------------------------------------------------------
# Copies of policy pages as they come from sites of many provinces: the 政府信息公开 table
# (fields a line each, several on a line, labels spaced, bracketed, or a cell per line), an
# info bar, a law database's or policy-summary site's header, navigation around them.
WEB_LAYOUTS = [
    ("gov.cn table, a field a line",
     "索  引  号：000014349/2022-00056\n主题分类：科技、教育\\知识产权\n发文机关：广东省人民政府办公厅\n"
     "成文日期：2022年05月10日\n"
     "标　　题：广东省人民政府办公厅关于印发广东省知识产权保护和运用“十四五”规划的通知\n"
     "发文字号：粤府办〔2022〕10号\n发布日期：2022年05月20日\n"
     "广东省人民政府办公厅关于印发广东省知识产权保护和运用“十四五”规划的通知\n各地级以上市人民政府：\n"
     "现将《广东省知识产权保护和运用“十四五”规划》印发给你们，请认真组织实施。\n"
     "广东省知识产权保护和运用“十四五”规划\n",
     ("广东省知识产权保护和运用“十四五”规划", "粤府办〔2022〕10号",
      "广东省人民政府办公厅", "2022-05-10", "广东省")),
    ("provincial table, several fields a line, issuer by level",
     "无障碍 | 长者模式\n首页 > 政务公开 > 政策文件\n"
     "索引号：002482410/2022-217633 文号：浙政办发〔2022〕60号 发布机构：省政府办公厅\n"
     "生成日期：2022-10-12 公开方式：主动公开\n浙江省专利转化专项计划实施方案\n",
     ("浙江省专利转化专项计划实施方案", "浙政办发〔2022〕60号",
      "浙江省人民政府办公厅", "2022-10-12", "浙江省")),
    ("bracketed labels on one line",
     "[发文机构]北京市人民政府办公厅 [联合发文机构] [实施日期]2021-10-01 [成文日期]2021-09-13 "
     "[发文字号]京政办发〔2021〕19号 [废止日期] [发布日期]2021-09-18 [有效性]有效\n"
     "北京市知识产权保护若干措施\n",
     ("北京市知识产权保护若干措施", "京政办发〔2021〕19号",
      "北京市人民政府办公厅", "2021-09-13", "北京市")),
    ("law database header",
     "泉州市人民政府关于促进知识产权高质量发展的若干意见\n【发布部门】泉州市人民政府\n"
     "【发文字号】泉政文〔2021〕70号\n【发布日期】2021.12.23\n【实施日期】2021.12.23\n【时效性】现行有效\n"
     "【效力级别】地方规范性文件\n",
     ("泉州市人民政府关于促进知识产权高质量发展的若干意见", "泉政文〔2021〕70号",
      "泉州市人民政府", "2021-12-23", "泉州市")),
    ("table cells copied a line each",
     "索引号\n11440300007542878A/2023-00089\n分类\n知识产权\n发布机构\n深圳市市场监督管理局\n发布日期\n2023-03-01\n"
     "名称\n深圳市知识产权资助办法\n文号\n深市监规〔2023〕1号\n深圳市知识产权资助办法\n",
     ("深圳市知识产权资助办法", "深市监规〔2023〕1号",
      "深圳市市场监督管理局", "2023-03-01", "深圳市")),
    ("repost with an info bar under navigation",
     "网站首页 | 关于我们 | 联系我们\n首页 > 政策法规 > 地方政策\n"
     "攸县知识产权强县建设工作方案（2023—2025年）\n"
     "发布时间：2023-03-20 10:30　来源：攸县人民政府办公室　浏览次数：233\n字号：大 中 小\n",
     ("攸县知识产权强县建设工作方案（2023—2025年）", None,
      "攸县人民政府办公室", "2023-03-20", "攸县")),
    ("policy-summary site header, fields run together",
     "政策速递\n成都市知识产权质押融资补助办法\n发布单位：成都市市场监督管理局发布文号：成市监发〔2022〕8号"
     "发布日期：2022-04-02\n",
     ("成都市知识产权质押融资补助办法", "成市监发〔2022〕8号",
      "成都市市场监督管理局", "2022-04-02", "成都市")),
    ("browser title line with the site's name, a posting date after the heading",
     "福州市知识产权质押融资风险补偿资金管理办法_福州市人民政府门户网站\n"
     "福州市知识产权质押融资风险补偿资金管理办法 2022-08-15\n",
     ("福州市知识产权质押融资风险补偿资金管理办法", None, None, None, "福州市")),
    ("nothing names the place but the organ's credit code in the 索引号",
     "索引号：11350500003591037R/2023-00123\n发布机构：市市场监督管理局\n发布日期：2023-05-06\n"
     "关于知识产权质押融资贴息的若干措施\n",
     ("关于知识产权质押融资贴息的若干措施", None, "市市场监督管理局", "2023-05-06", "泉州市")),
    ("number in brackets after the title, date in Chinese numerals",
     "当前位置：首页>政策文件\n南宁市专利资助办法（南府规﹝2021﹞12号）\n成文日期：二〇二一年六月三日\n",
     ("南宁市专利资助办法", "南府规﹝2021﹞12号", None, "2021-06-03", "南宁市")),
]


@pytest.mark.parametrize(("front", "expected"), [(front, expected) for _, front, expected in WEB_LAYOUTS],
                         ids=[name for name, _, _ in WEB_LAYOUTS])
def test_web_layouts(front: str, expected: tuple[str, str | None, str, str, str]) -> None:
    record = metadata_of(front)
    assert (record.title, record.doc_number, record.issuer, record.date_issued,
            record.jurisdiction.name) == expected
    assert record.warnings == ()


def test_labelled_field_wins_and_the_disagreement_is_said() -> None:
    record = metadata_of("文号：某政发〔2023〕5号\n成文日期：2023-06-01\n某市知识产权若干措施\n"
                         "某政发〔2023〕4号\n", "某市人民政府\n2023年6月2日\n")
    assert (record.doc_number, record.date_issued) == ("某政发〔2023〕5号", "2023-06-01")
    assert record.warnings == (
        "metadata: 发文字号 '某政发〔2023〕5号' of the labelled fields differs from '某政发〔2023〕4号' "
        "in the text; the field is kept",
        "metadata: 成文日期 '2023-06-01' of the labelled fields differs from '2023-06-02' in the text; "
        "the field is kept")
