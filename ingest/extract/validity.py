"""extract.validity: when a policy enters into force and when it stops, with the sentences that say so.

Entry into force is a sentence about the document itself: 本办法自2024年1月1日起施行, 本意见自
发布之日起施行 (the day of issue, as far as the text knows it). The end is, by precedence: a
stated end (有效期至2025年6月30日, 本方案实施至2025年底, 有效期自…至…止), a term counted from the
entry into force or else from the issue date (有效期3年: 2021-12-23 → 2024-12-22, the day before
the anniversary), or the period of a plan (工作方案（2022-2025年）, “十四五”规划, 经过2018年4月至
2021年4月三年的建设周期). The record's `valid_until` (SCHEMA.md) is the stated end or term only:
a plan period bounds the work planned, and the gold leaves it out (000); the status rule
(ingest/validity.py) uses every basis. A deadline of a target (到2020年) is no period, so an
undated plan stays without an end and its status unknown. Runs after metadata (the issue date).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache

from ingest.record import EndBasis, PolicyRecord, Statement, Validity
from ingest.segment import Document, cn_number

_CN = "〇○零一二三四五六七八九十两"
_YEAR = rf"(\d{{4}}|[{_CN}]{{4}})\s*年"
_MONTH = rf"(?:(\d{{1,2}}|[{_CN}]{{1,3}})\s*月)?"
_DAY = rf"(?:(\d{{1,2}}|[{_CN}]{{1,3}})\s*日)?"
_DATE = _YEAR + _MONTH + _DAY + r"(底|末)?"
"""Year, month and day as printed (Arabic or Chinese numerals); 年底/年末 is 31 December."""
_DATE_GROUPS = 4
_SELF = (r"(?:本(?![市区县省州镇乡地级单部])|此|以上|上述)[\u4e00-\u9fff]{0,8}?"
         r"(?:办法|条例|规定|意见|方案|通知|措施|细则|政策|规划|计划|决定|纲要|要点|指引|指南|规则|文件)")
"""The document speaking of itself: 本办法, 本实施方案, 上述政策措施."""
_TAKES_EFFECT = r"(?:施行|实施|执行|生效|试行)"
_ON_ISSUE = re.compile(r"自(?:发布|印发|公布|发文|颁布|下发|签发|发出|公开发布)之日起" + _TAKES_EFFECT)
_FROM_DATE = re.compile(r"[自从于]?\s*" + _DATE + r"\s*起(?:正式)?" + _TAKES_EFFECT)
_RANGE = re.compile(r"[自从]\s*" + _DATE + r"\s*起?\s*(?:至|到)\s*" + _DATE + r"\s*止?")
_STATED_END = re.compile(r"(?:有效|试行|实施|执行|施行)期(?:限)?(?:为|是|[：:])?\s*(?:[自从]?\s*" + _DATE
                         + r"\s*起?)?\s*(?:至|到|[-—–~～])\s*" + _DATE)
_RUNS_UNTIL = re.compile(r"(?:施行|实施|执行|有效)(?:期|期限)?(?:为|是)?(?:至|到)\s*" + _DATE)
_COUNT = r"(\d{1,3}|[零一二两三四五六七八九十]{1,3})"
_TERM = re.compile(r"(?:有效|试行|实施|执行)期(?:限)?(?:为|是)?" + _COUNT + r"\s*(年|个月)|试行" + _COUNT
                   + r"\s*(年|个月)")
_SPAN_OF_YEARS = re.compile(_DATE + r"\s*(?:至|到|[-—–~～])\s*" + _DATE)
_PERIOD_WORD = re.compile(r"周期|规划期|建设期|试点期|示范期|行动期|创建期")
"""What makes a span of years the plan's own period: not 期间, which also dates what qualifies
for a grant (2021年至2023年期间获得授权的)."""
_TITLE_PERIOD = re.compile(r"[（(]\s*(\d{4})\s*[-—–~～至到]\s*(\d{4})\s*年?\s*[）)]"
                           r"|“?十([一二三四五六])五”?(?=.*(?:规划|计划|方案))")
"""A plan's span in its title: （2022-2025年）, “十四五” (the five years 2021-2025)."""
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")
_WRAPPED = 15
"""A line this long that stops without punctuation was wrapped (a PDF's hard line break)."""
_OPENS_ITEM = re.compile(r"\s*(第[一二三四五六七八九十百零〇\d]+[章节条]|[一二三四五六七八九十]+、"
                         r"|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])")
_FIVE_YEAR_PLANS_FROM = 1955
"""十一五 ends 2010: the Nth five-year plan ends in 1955 + 5N."""


def extract(document: Document, record: PolicyRecord) -> PolicyRecord:
    """Fill validity, and valid_until with its end when that is stated or a term."""
    text = document.source.text
    start = in_force_from(text, record.date_issued)
    until, basis = end_of_validity(text, record.title, record.date_issued, start)
    validity = Validity(_original(document, start), _original(document, until), basis)
    stated = until.date if until is not None and basis in ("stated", "term") else None
    return replace(record, validity=validity, valid_until=record.valid_until or stated)


def in_force_from(text: str, date_issued: str | None) -> Statement | None:
    """The entry into force a sentence about the document itself states, or None."""
    for begin, end in _sentences(text):
        sentence = _unwrapped(text[begin:end])
        if _about_itself(sentence, _ON_ISSUE.search(sentence)) and date_issued:
            return _statement(text, begin, end, date_issued)
        found = _about_itself(sentence, _RANGE.search(sentence) or _FROM_DATE.search(sentence))
        if found:
            return _statement(text, begin, end, _iso(found.groups()[:_DATE_GROUPS], last=False))
        stated = _about_itself(sentence, _STATED_END.search(sentence))
        if stated and stated.group(1):
            return _statement(text, begin, end, _iso(stated.groups()[:_DATE_GROUPS], last=False))
    return None


def end_of_validity(text: str, title: str | None, date_issued: str | None,
                    start: Statement | None) -> tuple[Statement | None, EndBasis | None]:
    """The last day in force and how the text gives it, or (None, None)."""
    sentences = [(begin, end, _unwrapped(text[begin:end])) for begin, end in _sentences(text)]
    for begin, end, sentence in sentences:
        found = (_about_itself(sentence, _STATED_END.search(sentence))
                 or _about_itself(sentence, _RUNS_UNTIL.search(sentence), opening=False))
        ranged = _about_itself(sentence, _RANGE.search(sentence), opening=False)
        if found or ranged:
            groups = found.groups()[-_DATE_GROUPS:] if found else ranged.groups()[_DATE_GROUPS:]  # type: ignore[union-attr]
            return _statement(text, begin, end, _iso(groups, last=True)), "stated"
    for begin, end, sentence in sentences:
        term = _about_itself(sentence, _TERM.search(sentence))
        first = _term_start(sentence, start, date_issued) if term else None
        if term and first:
            count, unit = (term.group(1), term.group(2)) if term.group(1) else (term.group(3), term.group(4))
            months = _count(count) * (12 if unit == "年" else 1)
            last = _add_months(first, months) - timedelta(days=1)
            return _statement(text, begin, end, last.isoformat()), "term"
    period = _plan_period(text, title, sentences)
    return (period, "period") if period else (None, None)


def _about_itself(sentence: str, found: re.Match[str] | None, opening: bool = True) -> re.Match[str] | None:
    """The match when its sentence speaks of the document itself (本办法…) or, if `opening`, opens
    with it (a line 有效期至2025年6月30日); a project's 实施期限为2年, a licence's 有效期3年 or an
    application window 自3月1日起至3月31日止 is not the policy's."""
    if found and (re.search(_SELF, sentence) or (opening and not sentence[:found.start()].strip())):
        return found
    return None


def _plan_period(text: str, title: str | None, sentences: list[tuple[int, int, str]]) -> Statement | None:
    """The end of the plan period printed in the title, else in a sentence about the period."""
    named = _TITLE_PERIOD.search(title or "")
    if named:
        plan = 10 + cn_number(named.group(3)) if named.group(3) else 0
        last_year = int(named.group(2)) if named.group(2) else _FIVE_YEAR_PLANS_FROM + 5 * plan
        at = text.find(named.group(0))
        if at >= 0:
            begin, end = _sentence_around(text, at)
            return _statement(text, begin, end, f"{last_year}-12-31")
    for begin, end, sentence in sentences:
        found = _SPAN_OF_YEARS.search(sentence)
        if found and _PERIOD_WORD.search(sentence):
            return _statement(text, begin, end, _iso(found.groups()[_DATE_GROUPS:], last=True))
    return None


def _term_start(sentence: str, start: Statement | None, date_issued: str | None) -> date | None:
    """A full date the term's own sentence starts from, else the entry into force, else the issue date."""
    stated = _FROM_DATE.search(sentence) or re.search(r"自\s*" + _DATE + r"\s*起", sentence)
    candidates = [_iso(stated.groups()[:_DATE_GROUPS], last=False)] if stated else []
    candidates += [start.date] if start else []
    candidates += [date_issued] if date_issued else []
    for candidate in candidates:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", candidate):
            return date.fromisoformat(candidate)
    return None


def _iso(groups: tuple[str | None, ...], last: bool) -> str:
    """ISO text of (year, month, day, 底) groups: a start keeps the precision printed; an end
    without day means the last day of its month, or of its year (2025年底 → 2025-12-31)."""
    year_text, month_text, day_text, end_of_year = groups
    year = _number(year_text or "")
    if not last and not month_text:
        return f"{year:04d}"
    month = _number(month_text) if month_text else 12
    if day_text:
        return f"{year:04d}-{month:02d}-{_number(day_text):02d}"
    if not last:
        return f"{year:04d}-{month:02d}"
    month = 12 if end_of_year and not month_text else month
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def _number(value: str) -> int:
    return int(value) if value.isdigit() else cn_number(value.replace("○", "〇"))


def _count(value: str) -> int:
    """3, 三, 两, 十, 十二 → int."""
    return int(value) if value.isdigit() else cn_number(value)


def _add_months(day: date, months: int) -> date:
    """The same day `months` later, or the last day of that month (29 Feb → 28 Feb)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=4)
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    """[begin, end) of each sentence, blanks at its edges left out; a line wrapped mid-sentence
    does not end one."""
    out, begin = [], 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        if match and match.group() == "\n" and _wrapped(text, match.start()):
            continue
        end = match.start() if match else len(text)
        piece = text[begin:end]
        if piece.strip():
            out.append((begin + len(piece) - len(piece.lstrip()), begin + len(piece.rstrip())))
        begin = match.end() if match else len(text)
    return tuple(out)


def _unwrapped(sentence: str) -> str:
    """The sentence without the line breaks that wrap it, for its patterns to match across them."""
    return re.sub(r"\s*\n\s*", "", sentence)


def _wrapped(text: str, newline: int) -> bool:
    """True when the line break at `newline` cuts a sentence: a long line without closing
    punctuation, and no numbered item after it."""
    line = text[text.rfind("\n", 0, newline) + 1:newline].strip()
    return (len(line) >= _WRAPPED and line[-1] not in "。；;！？!?：:）)"
            and not _OPENS_ITEM.match(text, newline + 1))


def _sentence_around(text: str, at: int) -> tuple[int, int]:
    for begin, end in _sentences(text):
        if begin <= at < end:
            return begin, end
    return at, at


def _statement(text: str, begin: int, end: int, iso: str) -> Statement:
    """A statement over normalised offsets; _original() moves it to the original text."""
    return Statement(iso, text[begin:end], (begin, end))


def _original(document: Document, statement: Statement | None) -> Statement | None:
    """The statement quoting the original text, with its span in it."""
    if statement is None:
        return None
    source = document.source
    span = source.original_span(*statement.span)
    return replace(statement, sentence=source.original[span[0]:span[1]], span=span)
