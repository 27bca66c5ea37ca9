"""extract.metadata: title, 发文字号, issuer, date and jurisdiction from the front and back matter.

A plan often comes wrapped in a transmittal notice (XX关于印发《…》的通知): the record takes the
plan's own title, and the notice's number, issuer and date, which are those of the act that
put the plan in force. Web-page copies lack the red header and signature, so the issuer and
date are then read from sentences such as 福州市人民政府2022年9月发布.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from ingest.divisions import names_in, resolve
from ingest.record import Jurisdiction, PolicyRecord
from ingest.segment import Document, Line, cn_number, lines_of

_ORGAN = (r"[\u4e00-\u9fff（）()]{2,40}?"
          r"(人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|管委会|领导小组|局|厅)")
_SIGNATURE = re.compile(_ORGAN)
_DOC_TYPE = r"(方案|意见|办法|规划|计划|措施|细则|规定|纲要|决定|通知|政策|条例|指引|指南|要点)"
_OWN_TITLE = re.compile(rf"[^，。；：:,;！？!?]{{2,80}}?{_DOC_TYPE}(（[^）]*）|\([^)]*\))?")
_NOTICE = re.compile(r"(?P<issuer>.*?)关于(印发|转发|下发|公布)(?P<title>.+)的通知")
_DOC_NUMBER = re.compile(r"((发文字号|文号)[：:])?(?P<number>[\u4e00-\u9fff]{1,12}[〔\[【(（［](19|20)\d{2}"
                         r"[〕\]】)）］]第?\d+号)")
_YEAR = r"(?P<year>\d{4}|[〇○零一二三四五六七八九]{4})"
_DAY = r"(?P<day>\d{1,2}|[一二三四五六七八九十]{1,3})"
_MONTH = r"(?P<month>\d{1,2}|[一二三四五六七八九十]{1,3})"
_DATE_LINE = re.compile(rf"{_YEAR}年{_MONTH}月{_DAY}日(?P<printed>印发|发布)?")
_DATES_IN_TEXT = (
    re.compile(rf"(成文日期|发布日期|印发日期|发文日期|颁布时间|发布时间|印发时间)[：:]{_YEAR}年{_MONTH}月({_DAY}日)?"),
    re.compile(rf"{_YEAR}年{_MONTH}月({_DAY}日)?[^。，,]{{0,3}}(发布|印发|颁布)"))
_ISSUED_BY = re.compile(rf"(?P<organ>{_ORGAN})\d{{4}}年[^。]{{0,8}}(发布|印发|颁布)")


def compact(text: str) -> str:
    """Without whitespace: PDF copies put spaces and line breaks inside titles and numbers."""
    return re.sub(r"\s+", "", text)


def _adjacent(text: str, first: Line, second: Line) -> bool:
    """The two lines follow each other with no blank line between (one title broken in two)."""
    return text[first.end:second.start].count("\n") == 1


def notice(lines: list[Line], text: str) -> tuple[str | None, str | None]:
    """(issuer, wrapped title) of a transmittal notice 关于印发…的通知, or (None, None)."""
    for i, line in enumerate(lines):
        if "关于" not in line.text:
            continue
        for j in range(i, min(i + 3, len(lines))):
            if j > i and not _adjacent(text, lines[j - 1], lines[j]):
                break
            joined = compact("".join(item.text for item in lines[i:j + 1]))
            if i > 0 and not joined.startswith(tuple("省市区县")) and _SIGNATURE.fullmatch(lines[i - 1].text):
                joined = compact(lines[i - 1].text) + joined
            match = _NOTICE.fullmatch(joined)
            if match:
                title = match["title"]
                quoted = re.search(r"《(.+?)》", title)
                return match["issuer"] or None, quoted[1] if quoted else title
        break
    return None, None


def own_title(lines: list[Line], text: str) -> str | None:
    """The first line, or run of up to three adjacent lines, that reads as a policy title."""
    for i in range(len(lines)):
        for j in range(i, min(i + 3, len(lines))):
            if j > i and not _adjacent(text, lines[j - 1], lines[j]):
                break
            joined = compact("".join(item.text for item in lines[i:j + 1]))
            if _DOC_NUMBER.fullmatch(joined):
                break
            if _OWN_TITLE.fullmatch(joined):
                return joined
    return None


def doc_number(lines: list[Line]) -> str | None:
    """The 发文字号 printed on a line of its own (or after a 文号： label)."""
    for line in lines:
        match = _DOC_NUMBER.fullmatch(compact(line.text))
        if match:
            return match["number"]
    return None


def _signatures(lines: list[Line]) -> list[tuple[str, re.Match[str]]]:
    """(organ, date match) for every organ line directly followed by a date line."""
    out = []
    for line, following in itertools.pairwise(lines):
        date = _DATE_LINE.fullmatch(compact(following.text))
        if _SIGNATURE.fullmatch(compact(line.text)) and date:
            out.append((compact(line.text), date))
    return out


def _iso(match: re.Match[str]) -> str:
    """ISO date from a match with year, month and (maybe) day groups; Chinese numerals too."""
    def number(value: str) -> int:
        return int(value) if value.isdigit() else cn_number(value)
    year, month = number(match["year"]), number(match["month"])
    if match["day"]:
        return f"{year:04d}-{month:02d}-{number(match['day']):02d}"
    return f"{year:04d}-{month:02d}"


def date_issued(lines: list[Line]) -> str | None:
    """The signature date; else a date line (印发 dates last); else a dated 发布/印发 sentence."""
    signed = [date for _, date in _signatures(lines) if not date["printed"]]
    dated = [m for m in (_DATE_LINE.fullmatch(compact(line.text)) for line in lines) if m]
    dated.sort(key=lambda m: bool(m["printed"]))
    for match in [*signed, *dated]:
        return _iso(match)
    for pattern in _DATES_IN_TEXT:
        for line in lines:
            found = pattern.search(compact(line.text))
            if found:
                return _iso(found)
    return None


def issuer(lines: list[Line], notice_issuer: str | None, title: str | None) -> str | None:
    """The notice's organ, the organ that opens the title (XX关于…), the signature, or 'XX发布'."""
    if notice_issuer:
        return notice_issuer
    if title and "关于" in title:
        opener = title.split("关于", 1)[0]
        if _SIGNATURE.fullmatch(opener):
            return opener
    signatures = _signatures(lines)
    if signatures:
        return signatures[0][0]
    for line in lines:
        found = _ISSUED_BY.search(compact(line.text))
        if found:
            return found["organ"]
    return None


def jurisdiction(issuer_name: str | None, title: str | None, front: str) -> Jurisdiction:
    """The most local division named by the issuer, else by the title, else by the front."""
    for text in (issuer_name or "", title or "", compact(front)):
        found = resolve(names_in(text), compact(front))
        if found:
            return found
    return Jurisdiction()


def extract(document: Document, record: PolicyRecord) -> PolicyRecord:
    """Fill title, doc_number, issuer, date_issued and jurisdiction."""
    text = document.source.text
    front = lines_of(document.front)
    back = [Line(line.start + document.back_start, line.end + document.back_start, line.text)
            for line in lines_of(document.back)]
    notice_issuer, wrapped = notice(front, text)
    title = wrapped or own_title(front, text)
    organ = issuer(front + back, notice_issuer, title)
    return replace(record, title=title, doc_number=doc_number(front + back), issuer=organ,
                   date_issued=date_issued(front + back),
                   jurisdiction=jurisdiction(organ, title, document.front))
