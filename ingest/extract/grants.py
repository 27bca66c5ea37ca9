"""extract.grants: the money a text grants (补助, 奖励, 资助, 贴息, 扶持), read by two stages.

The measures stage keeps the items of a general part that grant money, and the incentives stage
records the grants of each measure; both read them here, so neither imports the other.

Amounts are read in order through a measure's text. An amount is a threshold when its
clause sets a condition (交易额20万元（含）以上的), a cap when a cap word stands before it
(每家企业每年最高补助30万元), and otherwise a fixed grant, provided a grant verb is in its
clause. A rate (按交易额的10%给予补助) takes the next cap of the measure; the same rate
restated in a variant (低于LPR的以实际利率的30%为准) is the same grant. The kind follows
the grant verb nearest the figure. A figure in a clause of sanctions (处…罚款) is no grant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from ingest.extract.quantities import CLAUSE_END, SENTENCE_END, pattern, pieces, words
from ingest.record import Incentive, IncentiveKind
from ingest.segment import cn_number

TERMS = "incentive_terms"
THRESHOLD_AFTER = re.compile(r"\s*(?:[（(][^）)]{0,12}[）)])?\s*(?:及以上|以上|以下|起)")
RATE_LEAD = re.compile(r"[按以]|参照|比例")
BY_REFERENCE = re.compile(r"标准的?$")
"""按…对应标准50%: a share of another grant's amount, which this text does not state."""
RECIPIENT = re.compile(r"(?:奖励|补助|资助|给予)(?:一次性)?([\u4e00-\u9fff]{2,8})$")
KINDS: dict[str, IncentiveKind] = {
    "subsidy": "subsidy", "reward": "reward", "interest_subsidy": "interest_subsidy", "other": "other",
}
CONDITION_TRIM = "，,、：:的及"
CONDITION_LENGTH = 60


@dataclass(frozen=True)
class _Figure:
    """One number of a measure: an amount in yuan or a rate, where it stands."""

    value: float
    is_rate: bool
    start: int
    end: int
    clause: tuple[int, int]
    sentence: tuple[int, int]


def _figures(text: str) -> Iterator[_Figure]:
    """Amounts and rates; an amount may be written in Chinese numerals (五万元, 二十万元), but
    not a vague one (数百万元, 几十万元)."""
    money = re.compile(r"(?:(?<![\d.])(?P<value>\d+(?:\.\d+)?)"
                       r"|(?<![数几上近])(?P<numeral>[一二两三四五六七八九十百千]+))"
                       r"\s*(?P<unit>" + pattern(TERMS, "money") + r"|%)")
    for s_start, s_end in pieces(text, SENTENCE_END):
        for c_start, c_end in pieces(text[s_start:s_end], CLAUSE_END):
            clause = (s_start + c_start, s_start + c_end)
            for match in money.finditer(text, *clause):
                unit, numeral = match.group("unit"), match.group("numeral")
                is_rate = unit == "%"
                if numeral and is_rate:
                    continue
                value = float(cn_number(numeral) if numeral else match.group("value"))
                amount = value / 100 if is_rate else value * float(words(TERMS, "money")[unit])
                yield _Figure(amount, is_rate, match.start(), match.end(), clause, (s_start, s_end))


def _verbs(text: str) -> list[tuple[int, str]]:
    """(position, kind) of the grant verbs of a text, specific verbs before 给予/支持."""
    grants = words(TERMS, "grant")
    found = [(m.start(), grants[m.group()]) for m in re.finditer(pattern(TERMS, "grant"), text)]
    return [f for f in found if f[1] != "other"] or found


def _kind(text: str, at: int) -> IncentiveKind | None:
    """Kind of the grant verb nearest to position at, or None when the text has none."""
    verbs = _verbs(text)
    if not verbs:
        return None
    return KINDS.get(min(verbs, key=lambda verb: abs(verb[0] - at))[1], "other")


def _is_threshold(text: str, figure: _Figure) -> bool:
    clause = text[figure.clause[0] : figure.clause[1]].rstrip()
    return bool(THRESHOLD_AFTER.match(text, figure.end)) or clause.endswith("的")


def _is_cap(text: str, figure: _Figure) -> bool:
    """A cap word before the figure, or before the first of a 、 list of amounts it is in:
    每项分别给予不超过50万元、30万元 caps both."""
    before = text[figure.clause[0] : figure.start]
    before = re.sub(r"(?:\d+(?:\.\d+)?\s*(?:" + pattern(TERMS, "money") + r")、)+$", "", before)
    return bool(re.search(r"(?:" + pattern(TERMS, "cap") + r")[^\d]{0,6}$", before))


def _is_rate(text: str, figure: _Figure) -> bool:
    before = text[figure.clause[0] : figure.start]
    after = text[figure.end : figure.clause[1]]
    sentence = text[figure.sentence[0] : figure.sentence[1]]
    if BY_REFERENCE.search(before):
        return False
    return bool(_verbs(sentence)) and bool(RATE_LEAD.search(before) or _verbs(after))


def _condition(text: str, figure: _Figure, floor: int) -> str | None:
    """What the money is for: the sentence up to the figure's grant words, from its last
    对… clause on (对新获评全国版权示范园区的，一次性奖励30万元 → 新获评全国版权示范园区)."""
    own = text[figure.clause[0] : figure.start]
    cut = re.search(r"(?:" + pattern(TERMS, "grant") + r"|一次性|分别|" + pattern(TERMS, "cap") + ")", own)
    before = text[max(figure.sentence[0], floor) : figure.clause[0]] + (own[: cut.start()] if cut else own)
    opening = list(re.finditer(r"(?:^|[，,])\s*对", before))
    if opening:
        before = before[opening[-1].end() :]
    condition = "".join(before.split()).strip(CONDITION_TRIM)
    return condition[:CONDITION_LENGTH] or None


def _per(text: str, figure: _Figure) -> str | None:
    """What one amount is paid for: 每件, 每个项目, 每家企业每年 before the grant words."""
    words_after = "一次性|" + pattern(TERMS, "grant") + "|" + pattern(TERMS, "cap")
    per = re.compile(r"每[^，,。；;、的\d]{1,10}?(?=" + words_after + ")")
    found = list(per.finditer(text, figure.clause[0], figure.start))
    return found[-1].group() if found else None


def _recipient(text: str, figure: _Figure) -> str | None:
    """The noun between the verb and the figure: 奖励申请单位30万元 → 申请单位."""
    match = RECIPIENT.search(text[figure.clause[0] : figure.start])
    if match and not re.search(r"一次性|最高|资金|" + pattern(TERMS, "cap"), match.group(1)):
        return match.group(1)
    return None


def _opens_condition(clause: str) -> bool:
    """A clause that states who qualifies (对…, …的) starts a new grant."""
    clause = clause.strip()
    return clause.startswith("对") or clause.endswith("的")


def incentives_in(text: str) -> tuple[Incentive, ...]:
    """The incentives of one measure's text, spans relative to it.

    A cap goes to the grants it limits: the open rate grant (按…10%补助，最高30万元, even
    in the next sentence), else the fixed grants just before it in its sentence
    (每件补助1万元，每家企业每年最高20万元), else those of the sentence before a ；
    (每件资助3000元；同一单位每年资助总额最高不超过二十万元), else, for a cap on a total
    (资助总额最高不超过50万元 after a list of grants), every fixed grant before it without a
    cap of its own; only a cap with nothing to
    limit stands alone.
    """
    reading = _Reading(text)
    for figure in _figures(text):
        reading.take(figure)
    return tuple(reading.found)


class _Reading:
    """The grants of one text read so far, and those a cap further on may still limit."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: list[Incentive] = []
        self.open_rate: int | None = None
        self.open_fixed: list[int] = []
        self.carried: list[int] = []
        """Fixed grants of the sentence before a ；, for a cap that follows on its own."""
        self.floor, self.last_clause, self.last_sentence = 0, (0, 0), (0, 0)

    def take(self, figure: _Figure) -> None:
        """Read one figure: a rate grant, a threshold, a cap, a budget line or a fixed grant."""
        text = self.text
        clause = self._enter(figure)
        if re.search(pattern(TERMS, "penalty"), clause):
            return
        at = figure.start - figure.clause[0]
        condition = _condition(text, figure, self.floor)
        if figure.is_rate:
            if re.search(pattern(TERMS, "budget"), clause) and not _verbs(clause):
                return  # a budget's share of the public purse (其规模占…预算支出的比例), no grant
            self._rate(figure, clause, at, condition)
        elif _is_threshold(text, figure):
            return
        elif _is_cap(text, figure):
            self._cap(figure, clause, at, condition)
        elif re.search(pattern(TERMS, "budget"), clause):
            return
        elif kind := _kind(clause, at):
            self.found.append(Incentive(kind, amount_cny=figure.value, condition=condition,
                                        per=_per(text, figure), recipient=_recipient(text, figure),
                                        span=(figure.start, figure.end)))
            self.open_rate, self.carried = None, []
            self.open_fixed.append(len(self.found) - 1)

    def _enter(self, figure: _Figure) -> str:
        """The figure's clause; a new sentence or a clause that states who qualifies closes the
        grants a cap could still limit."""
        text = self.text
        clause = text[figure.clause[0] : figure.clause[1]]
        if figure.sentence != self.last_sentence:
            after = text[self.last_sentence[1] : self.last_sentence[1] + 1]
            self.carried = self.open_fixed if after in "；;" else []
            self.open_fixed, self.last_sentence = [], figure.sentence
        if figure.clause != self.last_clause:
            self.floor, self.last_clause = self.last_clause[1], figure.clause
            between = text[self.floor : figure.clause[0]]
            if any(_opens_condition(c) for c in CLAUSE_END.split(between)) or _opens_condition(clause):
                self.open_fixed, self.carried = [], []
        return clause

    def _rate(self, figure: _Figure, clause: str, at: int, condition: str | None) -> None:
        text = self.text
        if not _is_rate(text, figure) or clause.rstrip().endswith("的"):
            return
        if self.open_rate is not None and self.found[self.open_rate].rate == figure.value:
            return
        sentence = text[figure.sentence[0] : figure.sentence[1]]
        kind = _kind(clause, at) or _kind(sentence, figure.start - figure.sentence[0])
        self.found.append(Incentive(kind or "other", rate=figure.value, condition=condition,
                                    per=_per(text, figure), span=(figure.start, figure.end)))
        self.open_rate, self.open_fixed = len(self.found) - 1, []

    def _cap(self, figure: _Figure, clause: str, at: int, condition: str | None) -> None:
        text, found = self.text, self.found
        limited = [self.open_rate] if self.open_rate is not None else self.open_fixed or self.carried
        if not limited and re.search(pattern(TERMS, "total"), clause):
            limited = [k for k, grant in enumerate(found) if grant.amount_cny is not None
                       and grant.cap_cny is None]
        for index in limited:
            grant = found[index]
            found[index] = replace(grant, cap_cny=figure.value, per=grant.per or _per(text, figure))
        if not limited and (kind := _kind(clause, at)):
            found.append(Incentive(kind, cap_cny=figure.value, condition=condition,
                                   per=_per(text, figure), span=(figure.start, figure.end)))
        self.open_rate, self.open_fixed = None, []
