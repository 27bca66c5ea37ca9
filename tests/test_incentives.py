"""extract.incentives: the money figures each measure grants."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from ingest.extract.grants import incentives_in
from ingest.pipeline import extract_record
from ingest.record import PolicyRecord

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _read(text: str) -> list[tuple]:
    return [(i.kind, i.amount_cny, i.rate, i.cap_cny) for i in incentives_in(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("对新获得驰名商标保护的企业商标品牌，每件补助30万元。", [("subsidy", 300000, None, None)]),
        ("对新获评全国版权示范园区的，一次性奖励30万元。", [("reward", 300000, None, None)]),
        ("国内发明专利授权的，每件资助1.5万元。", [("subsidy", 15000, None, None)]),
        ("每人一次性奖励5000元。", [("reward", 5000, None, None)]),
        # 分别 lists: one incentive per amount
        ("对每个创新引领型、风险防御型、转型升级型项目，分别补助50万元、40万元、30万元。",
         [("subsidy", 500000, None, None), ("subsidy", 400000, None, None), ("subsidy", 300000, None, None)]),
        # a rate takes the cap that follows; the threshold is no grant
        ("年度实际交易额20万元（含20万元）以上的，按实际交易金额的10%给予补助，每家企业每年最高补助30万元。",
         [("subsidy", None, 0.1, 300000)]),
        ("单笔保费金额在1500元以上的，按保费金额50%补助，每家企业每年最高补助5万元。",
         [("subsidy", None, 0.5, 50000)]),
        # the same rate restated is one grant, and its cap may come in the next sentence
        ("按LPR的30%贴息，低于LPR的以实际利率的30%为准，融资租赁费参照LPR的30%贴息。"
         "贴息时间最长不超过1年，每家企业每年最高补助20万元。",
         [("interest_subsidy", None, 0.3, 200000)]),
        ("经组织评估，给予不高于 100万元的产业化配套资金奖励。", [("reward", None, None, 1000000)]),
        # a cap after fixed grants limits them
        ("每件资助3000元，每家企业每年资助总额不超过20万元。", [("subsidy", 3000, None, 200000)]),
        ("对年度主营业务收入达到1000万元的，一次性奖励20万元。", [("reward", 200000, None, None)]),
        # …and so does one in the next sentence after a ；, when it opens no condition of its own
        ("每件资助3000元；同一单位每年资助总额最高不超过二十万元。", [("subsidy", 3000, None, 200000)]),
        ("对A类每件资助1万元；对B类每件资助2000元，最高10万元。",
         [("subsidy", 10000, None, None), ("subsidy", 2000, None, 100000)]),
        # a cap on the total after a list of grants limits each of them
        ("按以下标准给予资助：\n（一）企业每件资助5000元；\n（二）高校每件资助3000元。\n"
         "同一单位每年获得的资助总额最高不超过50万元。",
         [("subsidy", 5000, None, 500000), ("subsidy", 3000, None, 500000)]),
        # a sanction takes money, it grants none
        ("对违反规定的，给予警告，并处1万元罚款。", []),
        ("对违反规定的，给予1万元罚款。", []),
        ("没有违法所得的，可以处二十五万元以下的罚款。", []),
        ("骗取资金的，并处骗取金额2倍的罚款；对举报属实的，给予举报人奖励1000元。",
         [("reward", 1000, None, None)]),
        # amounts in Chinese numerals, but not vague ones
        ("每件给予一次性资助五万元。", [("subsidy", 50000, None, None)]),
        ("给予一次性奖励两千元。", [("reward", 2000, None, None)]),
        ("投入数百万元资金给予补助。", []),
        # a rate named as a 比例
        ("贴息比例为贷款利息的40%，每家企业每年贴息金额不超过10万元。",
         [("interest_subsidy", None, 0.4, 100000)]),
        ("给予最高50万元资金支持。", [("other", None, None, 500000)]),
        # a cap word before a 、 list of amounts caps every amount of it
        ("对获得金奖、银奖的完成人，每项分别给予不超过50万元、30万元奖励。",
         [("reward", None, None, 500000), ("reward", None, None, 300000)]),
        ("分别给予20万元、10万元奖励。", [("reward", 200000, None, None), ("reward", 100000, None, None)]),
        # a share of another grant's 标准 states no figure of its own
        ("对获得外观设计专利奖的，按发明专利对应标准50%予以奖励。", []),
        ("按贷款基准利率50%给予贷款贴息。", [("interest_subsidy", None, 0.5, None)]),
        # not grants: no figure, a budget line, a threshold alone, a rate that is a goal
        ("按一事一议，给予一定金额的奖励。", []),
        ("分别按泉州市专利奖一等奖、二等奖标准颁发奖金。", []),
        ("每年安排知识产权专项资金500万元，用于资助专利申请。", []),
        ("设立专利专项资金，加大对专利工作的财政支持力度，"
         "其规模占本级财政一般预算支出的比例应当不低于0.15％。", []),
        ("按项目预算的50%给予补助。", [("subsidy", None, 0.5, None)]),
        ("年度知识产权质押融资额 200 万元。", []),
        ("知识产权实施转化率争取达到 10%。", []),
    ],
)
def test_incentives_in(text: str, expected: list[tuple]) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize(
    ("text", "per", "recipient", "condition"),
    [
        ("对国家知识产权局新批准的地理标志保护产品，每件奖励申请单位30万元。", "每件", "申请单位",
         "国家知识产权局新批准的地理标志保护产品，每件"),
        ("对泉州企业购买发明专利，按实际交易金额的10%给予补助，每家企业每年最高补助30万元。",
         "每家企业每年", None, "泉州企业购买发明专利，按实际交易金额"),
        ("对新认定为国家知识产权示范企业的，奖励10万元。", None, None, "新认定为国家知识产权示范企业"),
    ],
)
def test_what_a_grant_is_for(text: str, per: str | None, recipient: str | None, condition: str) -> None:
    (incentive,) = incentives_in(text)
    assert (incentive.per, incentive.recipient, incentive.condition) == (per, recipient, condition)


@cache
def _record(prefix: str) -> PolicyRecord:
    return extract_record(next(CORPUS.glob(f"{prefix}_*.txt")))


def _by_item(record: PolicyRecord) -> dict[str, list[tuple]]:
    return {
        m.path[-1]: [(i.kind, i.amount_cny, i.rate, i.cap_cny) for i in m.incentives] for m in record.measures
    }


def test_grants_of_001() -> None:
    """The rich document: rates with caps, 分别 lists, one interest subsidy."""
    items = _by_item(_record("001"))
    assert sum(map(len, items.values())) >= 30
    assert items["14"] == [("interest_subsidy", None, 0.3, 200000)]
    assert [amount for _, amount, _, _ in items["11"]][:4] == [1000000, 200000, 100000, 50000]
    # thresholds of the conditions are never granted amounts
    assert 200000 not in [amount for _, amount, _, _ in items["8"]]
    assert 10000000 not in [amount for _, amount, _, _ in items["22"]]
    # grants without a figure and rules on stacking grant nothing
    assert items["15"] == [("subsidy", None, 0.02, 300000)]
    assert items["29"] == []
    assert items["30"] == []


def test_no_grants_without_figures_in_000() -> None:
    """000 promises 奖励 and 扶持 but prints no amount."""
    assert all(m.incentives == () for m in _record("000").measures)


def test_spans_quote_the_figure() -> None:
    record = _record("001")
    original = (CORPUS / record.source).read_text("utf-8")
    incentives = [i for m in record.measures for i in m.incentives]
    for incentive in incentives:
        assert incentive.span is not None
        quoted = original[incentive.span[0] : incentive.span[1]]
        assert quoted.endswith(("元", "%")), quoted
