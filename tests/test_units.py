"""extract.units: the organs each measure charges, named as the text names them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ingest.extract import units
from ingest.pipeline import EXTRACT_STAGES
from ingest.read import read_file
from ingest.record import Jurisdiction, Measure, PolicyRecord
from ingest.segment import segment

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CITY = Jurisdiction(name="泉州市", level="city", province="福建省")
DISTRICT = Jurisdiction(name="鲤城区", level="district", province="福建省", parent="泉州市")
OTHER = Jurisdiction(name="泰山区", level="district", province="山东省", parent="泰安市")


def _names(text: str, jurisdiction: Jurisdiction = CITY) -> list[str]:
    return [unit.name for unit in units.units_of(text, jurisdiction)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a 责任单位 line; the prefix is distributed inside a 、 list only
        ("责任单位：市市场监管局、科技局、发改委", ["市市场监管局", "市科技局", "市发改委"]),
        # a trailing note in half-width brackets, and central-government organs
        ("做好地理标志专门立法论证。(市场监管总局、农业农村部、知识产权局负责)",
         ["市场监管总局", "农业农村部", "知识产权局"]),
        ("推进修订专利法实施细则。（科技部、司法部按职责分工负责）", ["科技部", "司法部"]),
        ("责任单位：市中级人民法院、人民检察院，泉州海关", ["市中级人民法院", "市人民检察院", "泉州海关"]),
        ("责任单位：市市场监管局、发改委，人民银行泉州市中心支行、泉州银保监分局",
         ["市市场监管局", "市发改委", "人民银行泉州市中心支行", "泉州银保监分局"]),
        ("责任部门：区科技局、财政局", ["区科技局", "区财政局"]),
        # a 责任单位 note in brackets that closes the measure: the bracket is no part of a name
        ("每家给予5万元奖励。（责任单位：市市场监管局、科技局）", ["市市场监管局", "市科技局"]),
        ("责任单位：市委宣传部、组织部、发改委、人社局",
         ["市委宣传部", "市委组织部", "市发改委", "市人社局"]),
        ("责任单位：高新区管委会、科技局", ["高新区管委会", "高新区科技局"]),
        # a suffix written once is distributed back over bare places
        ("责任单位：泉州开发区、泉州台商投资区管委会", ["泉州开发区管委会", "泉州台商投资区管委会"]),
        # parenthesised aliases and 、 inside brackets are kept
        ("责任单位：市委宣传部（版权局），市市场监管局", ["市委宣传部（版权局）", "市市场监管局"]),
        ("责任单位：各县（市、区）人民政府", ["各县（市、区）人民政府"]),
        ("责任单位：市知识产权工作领导小组各成员单位", ["市知识产权工作领导小组各成员单位"]),
        # trailing notes; 等 dropped
        ("开展宣传。（区市场监管局、区科技局等按职责分工负责）", ["区市场监管局", "区科技局"]),
        ("开展宣传。（区知识产权工作领导小组成员单位按职责分工负责）", ["区知识产权工作领导小组成员单位"]),
        ("强化自律。（区市场监管局负责）", ["区市场监管局"]),
        ("强化自律。（市市场监管局牵头，市科技局、财政局配合）", ["市市场监管局", "市科技局", "市财政局"]),
        # brackets that are not notes
        ("年度交易额20万元（含20万元）以上的，给予补助。", []),
        # lead and vehicle clauses of the body
        ("本意见由泉州市市场监管局负责解释。", ["泉州市市场监管局"]),
        ("市市场监管局会同有关部门，对工作落实情况开展督促检查。", ["市市场监管局"]),
        # regulations charge organs with 应当, 负责, 按照各自职责 and 由…责令/追回
        ("第四条　市、县级人民政府应当加强对专利工作的领导。", ["市人民政府", "县级人民政府"]),
        ("第十一条　公安机关应当依法查处假冒专利的犯罪行为。", ["公安机关"]),
        ("县级以上人民政府知识产权主管部门负责本行政区域内的专利保护工作。",
         ["县级以上人民政府知识产权主管部门"]),
        ("市、县级人民政府负责专利工作的部门（以下简称专利行政部门）负责专利的促进和保护工作。",
         ["专利行政部门"]),
        ("发展改革、科技、财政等部门按照各自职责做好专利相关工作。",
         ["发展改革部门", "科技部门", "财政部门"]),
        ("专利行政部门应当会同财政部门对授权的发明专利给予资助。", ["专利行政部门", "财政部门"]),
        ("假冒专利的，由专利行政部门责令改正并予公告。", ["专利行政部门"]),
        ("市场监督管理部门（知识产权局）负责商标专用权的保护。", ["市场监督管理部门（知识产权局）"]),
        ("以欺骗手段获取资助的，由市市场监督管理局追回资助资金。", ["市市场监督管理局"]),
        ("各区、县（市）市场监督管理局负责对申报材料进行初审。", ["各区、县（市）市场监督管理局"]),
        # levels listed before the organ the last one names: each level has that organ
        ("第三条　市、县（市）、区管理专利工作的部门负责本行政区域内的专利工作。",
         ["市管理专利工作的部门", "县（市）管理专利工作的部门", "区管理专利工作的部门"]),
        ("省、市知识产权局应当加强指导。", ["省知识产权局", "市知识产权局"]),
        # levels written run together (县（市）区, 区县) or joined by 和, as regulations list them
        ("市、县（市）区人民政府应当加强对专利工作的领导。", ["市人民政府", "县（市）区人民政府"]),
        ("市、区县（自治县）人民政府应当加强对专利工作的领导。", ["市人民政府", "区县（自治县）人民政府"]),
        ("市和区、县人民政府应当制定专利保护和促进规划。", ["市人民政府", "区人民政府", "县人民政府"]),
        ("市和区县（自治县）人民政府应将专利指标纳入统计范围。", ["市人民政府", "区县（自治县）人民政府"]),
        ("区县（自治县）人民政府应设立专利专项资金，用于专利事业的发展。", ["区县（自治县）人民政府"]),
        ("市和县（市）、区人民政府管理专利工作的部门负责专利管理。",
         ["市人民政府管理专利工作的部门", "县（市）人民政府管理专利工作的部门",
          "区人民政府管理专利工作的部门"]),
        ("区、市市场监督管理局负责初审。", ["区市场监督管理局", "市市场监督管理局"]),
        ("省、设区的市专利行政部门负责调解专利纠纷。", ["省专利行政部门", "设区的市专利行政部门"]),
        # 和/及 after a name that ends as an organ joins two; inside a name (工业和信息化局) it does not
        ("县级以上人民政府及财政、科技等部门应当给予支持。",
         ["县级以上人民政府", "县级以上财政部门", "县级以上科技部门"]),
        ("市工业和信息化局应当加强指导。", ["市工业和信息化局"]),
        # 按照规定职责 between the organ and its duty
        ("市和区（市）人民政府管理专利工作的部门（以下称专利管理部门）按照职责负责专利保护工作。",
         ["专利管理部门"]),
        ("专利行政部门处理专利侵权纠纷，需要延长的，应当报经专利行政部门负责人批准。", ["专利行政部门"]),
        # a short name given after a name with brackets in it
        ("市、县（市）区人民政府管理专利工作的部门（以下简称管理专利工作的部门）负责专利保护工作。",
         ["管理专利工作的部门"]),
        # the organs of the clause before 按照各自职责 / 在各自职责范围内 are its subject
        ("市科技局、市财政局，在各自职责范围内做好专利资助工作。", ["市科技局", "市财政局"]),
        ("发展改革、科技等部门，按照各自职责做好专利相关工作。", ["发展改革部门", "科技部门"]),
        # 由…没收 / 由…给予: the organ that punishes or rewards
        ("假冒专利的，由管理专利工作的部门没收违法所得。", ["管理专利工作的部门"]),
        ("对作出突出贡献的单位，由市人民政府给予表彰。", ["市人民政府"]),
        # a named organ with unnamed partners (和有关单位): the organ only
        ("第五条　管理专利工作的部门和有关单位应当加强专利信息服务。", ["管理专利工作的部门"]),
        ("市、区县人民政府及有关部门应当推动开展专利维权援助工作。", ["市人民政府", "区县人民政府"]),
        ("负责知识产权保护的主管部门、相关部门和司法机关应当加强信息共享。",
         ["负责知识产权保护的主管部门", "司法机关"]),
        ("骗取专利奖励的，由相关人民政府或者管理专利工作的部门撤销奖励。", ["管理专利工作的部门"]),
        ("为假冒专利发布广告的，由专利管理部门移交有关部门依法处理。", ["专利管理部门"]),
        # the organ that handles a dispute or case (处理/查处…) in a regulation's article
        ("市专利管理部门处理专利侵权纠纷，依法行使下列职权：", ["市专利管理部门"]),
        ("专利行政部门查处假冒专利案件，公安、工商等部门应当予以协助。",
         ["专利行政部门", "公安部门", "工商部门"]),
        ("请求市专利管理部门处理专利纠纷的，应当提交请求书。", []),
        ("当事人处理专利纠纷的，可以协商解决。", []),
        # partners after 会同 that share a 部门 written once (…、农业等相关部门)
        ("市专利管理部门会同市科学技术、教育、农业等相关部门建立制度。",
         ["市专利管理部门", "市科学技术部门", "教育部门", "农业部门"]),
        # …but not an organ left unnamed, nor the applicants
        ("有关部门应当按照职责做好相关工作。", []),
        ("申请人应当对申报材料的真实性负责。", []),
        ("滥用职权的，由有权机关对直接负责的主管人员依法给予处分。", []),
        ("市人民政府各有关部门应当按照职责做好专利工作。", []),
        ("各有关部门，按照各自职责做好工作。", []),
        ("市和区、县人民政府有关部门应当指导企业开展专利工作。", []),
        ("其他有关行政管理部门按照各自职责，做好专利相关工作。", []),
        ("市级各相关部门应当配合做好统计工作。", []),
        ("县级以上人民政府有关部门应当培育和规范专利拍卖等技术交易市场。", []),
        ("省、设区的市和有条件的县（市、区）专利行政部门应当建立服务平台。", []),
        # organs named after 会同 share the lead
        ("第十一条　市市场监督管理局会同市财政局对申报材料进行审核。", ["市市场监督管理局", "市财政局"]),
        ("市科技局会同市教育局、财政局研究制定实施细则。", ["市科技局", "市教育局", "市财政局"]),
        ("第五条　市财政局、科技局负责资金拨付。", ["市财政局", "市科技局"]),
        ("本办法由市财政局、科技局负责解释。", ["市财政局", "市科技局"]),
        ("依托区打击侵犯知识产权和制售假冒伪劣商品工作领导小组，壮大执法力量。",
         ["区打击侵犯知识产权和制售假冒伪劣商品工作领导小组"]),
        ("充分发挥区知识产权工作领导小组的作用，加强组织部署。", ["区知识产权工作领导小组"]),
        ("工作组办公室设在区市场监管局，负责有关日常工作。", ["区市场监管局"]),
        # not units: subjects of 要, members, persons, helpers, non-government bodies
        ("公安部门要及时处理知识产权违法犯罪案件。", []),
        ("组长由分管知识产权工作的副区长担任，成员单位由区科技局、发改局等组成。", []),
        ("协助市知识产权局查处假冒案件。", []),
        ("发挥泉州市知识产权纠纷人民调解委员会作用，开展调解。", []),
        ("由市财政资金支持的科研项目形成的专利成果，鼓励拍卖。", []),
        ("依托相关高校建设知识产权人才培训基地。", []),
        ("充分发挥区知识产权工作领导小组成员作用，统筹解决问题。", []),
        ("充分发挥各级政府知识产权办公会议制度作用，强化协调。", []),
    ],
)
def test_units_of(text: str, expected: list[str]) -> None:
    assert _names(text, DISTRICT if text.startswith(("依托区", "充分发挥区", "组长")) else CITY) == expected


def test_bare_group_stands_for_the_group_named_before() -> None:
    text = ("成立鲤城区知识产权工作领导小组，提高服务水平。"
            "领导小组要充分发挥对全区知识产权工作的组织领导和统筹协调作用。")
    assert _names(text, DISTRICT) == ["鲤城区知识产权工作领导小组"]


def test_broken_line_inside_a_name_is_rejoined() -> None:
    text = "依托区打击侵犯知识产权\n\n工作领导小组，壮大执法力量。"
    assert _names(text, DISTRICT) == ["区打击侵犯知识产权工作领导小组"]


def test_both_groups_in_one_role_clause() -> None:
    text = "充分发挥“泰山区知识产权工作领导小组”和“泰山区知识产权考核领导小组”的作用，定期检查。"
    assert _names(text, OTHER) == ["泰山区知识产权工作领导小组", "泰山区知识产权考核领导小组"]


@pytest.mark.parametrize(
    ("text", "leads"),
    [
        ("牵头单位：市科技局；配合单位：市财政局、教育局", ["市科技局"]),
        ("（市市场监管局牵头，市科技局等按职责分工负责）", ["市市场监管局"]),
        ("责任单位：市科技局（牵头）、市财政局", ["市科技局"]),
        ("市市场监管局会同有关部门开展检查。", ["市市场监管局"]),
        ("责任单位：市科技局、财政局", []),
    ],
)
def test_lead_units(text: str, leads: list[str]) -> None:
    assert [u.name for u in units.units_of(text, CITY) if u.lead] == leads


def test_standing_note_reaches_every_later_measure() -> None:
    text = ("1.甲。\n责任单位：市科技局〔以下均需各县（市、区）人民政府，泉州开发区、泉州台商投资区管委会，"
            "不再列出〕\n2.乙。\n责任单位：市财政局\n")
    notes = list(units.standing_notes(text, CITY))
    standing = ["各县（市、区）人民政府", "泉州开发区管委会", "泉州台商投资区管委会"]
    assert [u.name for u in notes[0][1]] == standing
    assert notes[0][0] == text.index("以下")
    assert _names(text[: text.index("2.")]) == ["市科技局"]


def _record_until_units(name: str) -> PolicyRecord:
    """The real read → segment → extract stages, up to and including units."""
    document = segment(read_file(CORPUS / name))
    record = PolicyRecord(source=name)
    for stage, run in EXTRACT_STAGES:
        record = run(document, record)
        if stage == "units":
            return record
    raise AssertionError("no units stage")


def _measure(record: PolicyRecord, last: str) -> Measure:
    return next(m for m in record.measures if m.path[-1] == last)


@pytest.fixture(scope="module")
def quanzhou() -> PolicyRecord:
    return _record_until_units("001_0fbb60d79ac4499f.txt")


def test_corpus_every_measure_after_the_note_has_the_standing_units(quanzhou: PolicyRecord) -> None:
    later = [m for m in quanzhou.measures if int(m.path[-1]) >= 2]
    assert len(later) >= 25
    for measure in later:
        names = {u.name for u in measure.responsible_units}
        assert {"各县（市、区）人民政府", "泉州开发区管委会", "泉州台商投资区管委会"} <= names, measure.path


def test_corpus_line_units_are_distributed_not_across_commas(quanzhou: PolicyRecord) -> None:
    names = [u.name for u in _measure(quanzhou, "17").responsible_units]
    assert names[:6] == ["市委宣传部（版权局）", "市市场监管局", "市公安局",
                         "市中级人民法院", "市人民检察院", "泉州海关"]
    names = [u.name for u in _measure(quanzhou, "14").responsible_units]
    assert "人民银行泉州市中心支行" in names
    assert "市人民银行泉州市中心支行" not in names


def test_corpus_body_clauses_add_units(quanzhou: PolicyRecord) -> None:
    assert "市市场监管局" in {u.name for u in _measure(quanzhou, "28").responsible_units}
    assert "泉州市市场监管局" in {u.name for u in _measure(quanzhou, "30").responsible_units}


def test_corpus_strict_reading_without_unit_lines() -> None:
    """000 has no 责任单位 line: only lead and vehicle roles count, not members or 要 subjects."""
    record = _record_until_units("000_48ad8efa68f5a009.txt")
    named = [u.name for m in record.measures for u in m.responsible_units]
    assert "区科技和知识产权局" in named
    assert any(name.endswith("打击侵犯知识产权和制售假冒伪劣商品工作领导小组") for name in named)
    not_charged = ("各", "公安", "区发改", "区直")
    assert not [name for name in named if name.startswith(not_charged) or "副区长" in name]
    assert len(named) <= 6


def test_corpus_document_without_units_stays_empty() -> None:
    record = _record_until_units("002_43c07aad6bf15e8c.txt")
    assert record.measures
    assert all(not m.responsible_units for m in record.measures)


def test_extract_keeps_the_rest_of_the_measure() -> None:
    text = "1.甲。\n责任单位：市科技局、财政局\n"
    measure = Measure(path=("1",), title="甲", text=text, span=(0, len(text)))
    document = segment(read_file(CORPUS / "001_0fbb60d79ac4499f.txt"))
    record = replace(PolicyRecord(source="x", jurisdiction=CITY), measures=(measure,))
    out = units.extract(document, record).measures[0]
    assert out.title == "甲"
    assert [u.name for u in out.responsible_units] == ["市科技局", "市财政局"]
