"""extract.citations: the documents a policy cites and repeals, and how long it is valid.

Citations are the edges of the citation network, so every 《title》 and every 发文字号 is
kept as its own entry (a title and the number printed beside it are two names of one
document; the graph may join them later). The policy's own title and number are left out:
a transmittal notice prints them too. Validity is stated either as an end date
(有效期至2025年6月30日) or as a term (有效期3年) counted from the issue date, so this stage
runs after metadata.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from datetime import date, timedelta

from ingest.record import PolicyRecord
from ingest.segment import Document

_TITLE = re.compile(r"《([^《》]{2,150})》")
_DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{1,12})\s*[〔\[【(（［〖]\s*((?:19|20)\d\d)\s*[〕\]】)）］〗]\s*第?\s*(\d{1,5})\s*号"
)
_LEADING_WORDS = re.compile(r"^.*(?:根据|依据|按照|参照|贯彻|落实|执行|印发|转发|见|和|及|与|或|原)(?=.{2,})")
"""Words that can run into an issuer abbreviation: 根据国发〔2015〕71号 → 国发〔2015〕71号."""
_ISSUED = re.compile(
    r"(?:印发|转发)\s*《([^《》]{2,150})》|《([^《》]{2,150})》[^《》。；]{0,15}(?:印发|转发)"
)
"""A title being issued by a transmittal notice: 关于印发《…》的通知, 现将《…》印发给你们."""
_SHORT_FORM = re.compile(r"(?:以下简称|以下称|下称|简称)\s*[为“]?\s*《([^《》]{1,30})》")
"""A short name a text gives a document it cites (以下简称《纲要》): not one more document."""
_REPEAL = re.compile(r"同时废止|予以废止|废止|停止执行|不再执行|同时失效")
_CLAUSE_END = re.compile(r"[。；;！!\n]")
_SPACE = re.compile(r"\s+")

_NUMERALS = "零一二三四五六七八九"
_COUNT = r"(\d{1,3}|[零一二两三四五六七八九十]{1,3})"
_TERM = re.compile(r"(?:有效|试行|实施|执行)期(?:限)?(?:为|是)?" + _COUNT + r"\s*(年|个月)")
_SHORT_TERM = re.compile(r"试行" + _COUNT + r"\s*(年|个月)")
_DATE = r"(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?|(底|末))?"
_FROM = r"(?:[自从]?\s*\d{4}\s*年[^。；至到]{0,8}?起?)?"
_UNTIL = re.compile(r"(?:有效|试行|实施|执行)期(?:限)?(?:为|是)?" + _FROM + r"(?:至|到)\s*" + _DATE)
_START = re.compile(r"自\s*" + _DATE + r"\s*起")


def extract(document: Document, record: PolicyRecord) -> PolicyRecord:
    """Fill cites, repeals and valid_until from the whole normalised text; the policy's own
    names and the short names it defines for the documents it cites are no citations."""
    text = document.source.text
    own = _own_names(text, record) | {_compact(m.group(1)) for m in _SHORT_FORM.finditer(text)}
    cites = tuple(name for name, _, _ in _citations(text) if _compact(name) not in own)
    repeals = tuple(name for name in _repealed(text) if _compact(name) not in own)
    return dataclasses.replace(
        record,
        cites=_unique(record.cites + cites),
        repeals=_unique(record.repeals + repeals),
        valid_until=record.valid_until or valid_until(text, record.date_issued),
    )


def _citations(text: str) -> list[tuple[str, int, int]]:
    """Every cited title and doc number with its span, in text order."""
    found = [(_compact(m.group(1)), m.start(), m.end()) for m in _TITLE.finditer(text)]
    found += [(_doc_number(m), m.start(), m.end()) for m in _DOC_NUMBER.finditer(text)]
    return sorted(found, key=lambda item: item[1])


def _doc_number(match: re.Match[str]) -> str:
    """A 发文字号 in one spelling: 〔〕 brackets, no spaces, no leading verb."""
    prefix = _LEADING_WORDS.sub("", match.group(1))
    return f"{prefix}〔{match.group(2)}〕{match.group(3)}号"


def _own_names(text: str, record: PolicyRecord) -> set[str]:
    """Compact forms of the policy's own title and number, which its text also prints.

    Beside the record's own fields: a title that is the object of 印发 (the transmittal
    notice), a title that repeats the first line (web-page copies), and a doc number
    standing alone on its line (the header).
    """
    own = {_compact(value) for value in (record.title, record.doc_number) if value}
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines:
        own.add(_compact(lines[0]))
    own.update(_compact(m.group(1) or m.group(2)) for m in _ISSUED.finditer(text))
    for match in _DOC_NUMBER.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        if _compact(line) == _compact(match.group(0)):
            own.add(_doc_number(match))
    return own


def _repealed(text: str) -> list[str]:
    """Titles and numbers named in the clause that declares them repealed.

    The clause runs from the previous full stop or semicolon to the next; what stands
    before the keyword is repealed (《…》同时废止), or, failing that, what follows it
    (废止《…》). Commas do not end the clause but do end what follows the keyword, so a
    later mention of the same number (2021年度符合（…）奖补条件) is not taken.
    """
    repealed: list[str] = []
    citations = _citations(text)
    for match in _REPEAL.finditer(text):
        start = _last_clause_end(text, match.start())
        end = _CLAUSE_END.search(text, match.end())
        stop = end.start() if end else len(text)
        before = [name for name, s, e in citations if start <= s and e <= match.start()]
        comma = re.compile(r"[，,]").search(text, match.end(), stop)
        after_end = comma.start() if comma else stop
        after = [name for name, s, e in citations if match.end() <= s and e <= after_end]
        repealed += before or after
    return repealed


def _last_clause_end(text: str, position: int) -> int:
    ends = [m.end() for m in _CLAUSE_END.finditer(text, 0, position)]
    return ends[-1] if ends else 0


def valid_until(text: str, date_issued: str | None) -> str | None:
    """The ISO end of validity the text states, or None.

    An end date is taken as printed (a bare year or 年底 means 31 December, a month its
    last day). A term N年 runs from the stated start (自…起施行) or else from date_issued
    and ends the day before its anniversary: 2021-12-23 + 3 years → 2024-12-22.
    """
    until = _UNTIL.search(text)
    if until:
        return _end_date(until).isoformat()
    term = _TERM.search(text) or _SHORT_TERM.search(text)
    if not term:
        return None
    begin = _term_start(text, term.start(), date_issued)
    if begin is None:
        return None
    months = _count(term.group(1)) * (12 if term.group(2) == "年" else 1)
    return (_add_months(begin, months) - timedelta(days=1)).isoformat()


def _end_date(match: re.Match[str]) -> date:
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else 12
    day = int(match.group(3)) if match.group(3) else calendar.monthrange(year, month)[1]
    return date(year, month, day)


def _term_start(text: str, position: int, date_issued: str | None) -> date | None:
    """A full start date stated in the sentence of the term, else the issue date."""
    sentence_start = _last_clause_end(text, position)
    stated = [m for m in _START.finditer(text, sentence_start, position) if m.group(3)]
    if stated:
        return _end_date(stated[-1])
    if date_issued and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_issued):
        return date.fromisoformat(date_issued)
    return None


def _add_months(day: date, months: int) -> date:
    """The same day `months` later, or the last day of that month (29 Feb → 28 Feb)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _count(value: str) -> int:
    """3, 三, 两, 十, 十二 → int."""
    if value.isdigit():
        return int(value)
    value = value.replace("两", "二")
    if "十" in value:
        tens, _, units = value.partition("十")
        return (_NUMERALS.index(tens) if tens else 1) * 10 + (_NUMERALS.index(units) if units else 0)
    return _NUMERALS.index(value)


def _compact(value: str) -> str:
    return _SPACE.sub("", value).strip("《》")


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
