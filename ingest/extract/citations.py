"""extract.citations: the documents a policy cites and repeals.

Citations are the edges of the citation network, so every 《title》 and every 发文字号 is
kept as its own entry (a title and the number printed beside it are two names of one
document; the graph may join them later). The policy's own title and number are left out:
a transmittal notice prints them too.
"""

from __future__ import annotations

import dataclasses
import re

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
_CLAUSE_ENDS = "。；;！!\n"
_CLAUSE_END = re.compile(f"[{_CLAUSE_ENDS}]")
_SPACE = re.compile(r"\s+")


def extract(document: Document, record: PolicyRecord) -> PolicyRecord:
    """Fill cites and repeals from the whole normalised text; the policy's own
    names and the short names it defines for the documents it cites are no citations."""
    text = document.source.text
    own = _own_names(text, record) | {_compact(m.group(1)) for m in _SHORT_FORM.finditer(text)}
    cites = tuple(name for name, _, _ in _citations(text) if _compact(name) not in own)
    repeals = tuple(name for name in _repealed(text) if _compact(name) not in own)
    return dataclasses.replace(
        record,
        cites=_unique(record.cites + cites),
        repeals=_unique(record.repeals + repeals),
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
    """Where the clause that holds `position` begins: just past the last clause end before it."""
    return max(text.rfind(char, 0, position) for char in _CLAUSE_ENDS) + 1


def _compact(value: str) -> str:
    return _SPACE.sub("", value).strip("《》")


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
