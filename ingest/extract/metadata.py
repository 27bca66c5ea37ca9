"""extract.metadata: title, 发文字号, issuer, date and jurisdiction from the front and back matter.

A plan often comes wrapped in a transmittal notice (XX关于印发《…》的通知): the record takes the
plan's own title, and the notice's number, issuer and date, which are those of the act that
put the plan in force. Web-page copies lack the red header and signature, so the issuer and
date are then read from sentences such as 福州市人民政府2022年9月发布.
"""

from __future__ import annotations

import re
from dataclasses import replace
from difflib import SequenceMatcher

from ingest.divisions import by_code, names_in, resolve
from ingest.extract.fields import FIELD_NAMES, labelled_fields
from ingest.record import Jurisdiction, PolicyRecord
from ingest.segment import Document, Line, cn_number, lines_of

_ORGAN = (r"[\u4e00-\u9fff（）()]{2,40}?"
          r"(人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|管委会|领导小组|局|厅)")
_SIGNATURE = re.compile(_ORGAN)
_ABBREVIATED = re.compile(r"[省市区县州](人民政府|政府|委)")
"""市政府办公室, 区政府: an organ named by its level only, as a notice title may write it."""
_SEAL_NOTE = re.compile(r"[（(][^（）()]{2,30}代章[）)]")
"""(国家知识产权局代章): the organ whose seal stands in for the signer's; not the issuer."""
_HEADER = re.compile(rf"(?P<organ>{_ORGAN})文件")
"""The red header 常州市人民政府文件 names the issuing organ."""
_FIELD_ORGAN = re.compile(rf"(颁布部门|发布部门|发文机关|发文单位|发布机构|制发机关)[：:](?P<organ>{_ORGAN})")
_DOC_TYPE = r"(方案|意见|办法|规划|计划|措施|细则|规定|纲要|决定|通知|政策|条例|指引|指南|要点)"
_OWN_TITLE = re.compile(rf"[^，。；：:,;！？!?]{{4,80}}?{_DOC_TYPE}(（[^）]*）|\([^)]*\))?")
_STATUS = re.compile(r"[（(](征求意见稿|送审稿|草案|讨论稿|代拟稿)[）)]$")
"""Status markers of a draft: no part of the title."""
_BREADCRUMB = re.compile(r"^.*(首页|当前位置|您的位置|所在位置|[>›»])")
"""Site navigation glued before a title: EHS中国 法规首页 惠州市人民政府关于…."""
_PAGE_TAIL = re.compile(r"[_|｜].*$|[（(]?(19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}([0-9:]{5,8})?[)）]?$")
"""What a page's title line carries after the title: the site's name (…_某市人民政府门户网站,
…|政府信息公开), the date of posting."""
_NOTICE = re.compile(r"(?P<issuer>.*?)关于(印发|转发|下发|公布)(?P<title>.+)的通知")
_NUMBER = r"[\u4e00-\u9fff]{1,12}[〔\[【(（［﹝](19|20)\d{2}[〕\]】)）］﹞]第?\d+号"
_DOC_NUMBER = re.compile(rf"((发文字号|文号)[：:])?[（(]?(?P<number>{_NUMBER})[）)]?")
_TITLED_NUMBER = re.compile(rf"[^，。；：:,;]{{4,80}}?{_DOC_TYPE}[（(](?P<number>{_NUMBER})[）)]")
_NUMBER_AFTER = re.compile(rf"[（(]{_NUMBER}[）)]$")
"""A title with its 发文字号 in brackets after it, as web pages print it."""
_YEAR = r"(?P<year>\d{4}|[〇○零一二三四五六七八九]{4})"
_DAY = r"(?P<day>\d{1,2}|[一二三四五六七八九十]{1,3})"
_MONTH = r"(?P<month>\d{1,2}|[一二三四五六七八九十]{1,3})"
_ORDER = r"(?P<order>[\u4e00-\u9fff]{2,30}?(人民政府|政府|委员会|局|厅)令)"
_ORDER_NUMBER = r"[（(]?第(?P<serial>\d{1,4}|[一二三四五六七八九十百]{1,6})号[）)]?"
_ORDER_LINE = re.compile(rf"{_ORDER}?{_ORDER_NUMBER}")
_ORDER_CITED = re.compile(rf"({_YEAR}年{_MONTH}月{_DAY}日)?{_ORDER}{_ORDER_NUMBER}(公布|发布|颁布)")
"""A government order (政府令) is numbered without a year: 江门市人民政府令 / 第12号 in its red
header, or （2019年5月10日江门市人民政府令第12号公布） in a regulation's note; its 发文字号 is
江门市人民政府令第12号."""
_DATE_LINE = re.compile(rf"{_YEAR}年{_MONTH}月{_DAY}日(?P<printed>印发|发布)?")
_LABELS = ("成文日期", "印发日期", "发文日期", "颁布日期", "颁布时间", "印发时间", "发布日期", "发布时间")
"""Date fields of gov.cn blocks and law databases, the date of signing first."""
_LABELLED_DATE = r"[：:](?P<year>\d{4})(年|[-/.])(?P<month>\d{1,2})(月|[-/.])?((?P<day>\d{1,2})日?)?"
_ISSUED_IN = re.compile(rf"{_YEAR}年{_MONTH}月({_DAY}日)?[^。，,]{{0,3}}(发布|印发|颁布)")
_ISSUED_BY = re.compile(rf"(?P<organ>{_ORGAN})\d{{4}}年[^。]{{0,8}}(发布|印发|颁布)")
_ADOPTED = re.compile(rf"{_YEAR}年{_MONTH}月{_DAY}日(?P<organ>[\u4e00-\u9fff]{{2,20}}?)(第[^届]{{1,6}}届)?"
                      r"(?P<body>人民代表大会(常务委员会)?|人民政府)第[^次]{1,8}次(常务)?会议"
                      r"(《[^《》]{2,80}》)?(第[一二三四五六七八九十]+次)?(通过|修订|修正)")
"""A regulation's note of adoption: （2019年10月30日江门市第十五届人民代表大会常务委员会第二十九次会议通过）,
or of a revision by a decision (…会议《关于修改部分地方性法规的决定》第二次修正). The act is the last
adoption or revision by the regulation's own organ; 批准 by the province is not."""
_TITLE_BREAK = re.compile(r"[，。；：,;:！？!?]")
_FIRST_YEAR = 1949
_SAME_TITLE = 0.9
"""Titles this similar are one title written two ways (《》, a space, a year's brackets)."""


def compact(text: str) -> str:
    """Without whitespace: PDF copies put spaces and line breaks inside titles and numbers."""
    return re.sub(r"\s+", "", text)


def _title_piece(line: Line) -> bool:
    """A line that can be (part of) a title: not a date, 发文字号, seal note, red header,
    field or sentence, which sit next to titles in headers, signatures and site pages."""
    text = compact(line.text)
    return not (_TITLE_BREAK.search(text) or _DATE_LINE.fullmatch(text) or _DOC_NUMBER.fullmatch(text)
                or _SEAL_NOTE.fullmatch(text) or _HEADER.fullmatch(text) or len(text) > 80)


def _runs(lines: list[Line], i: int) -> list[str]:
    """The compact joins of up to three title pieces from line i (a title broken in two or
    three, even across a blank line)."""
    out: list[str] = []
    for line in lines[i:i + 3]:
        if not _title_piece(line):
            break
        out.append((out[-1] if out else "") + compact(line.text))
    return out


def _field_value(text: str) -> str:
    """名称：区政府关于… → 区政府关于…: the value of a site's field line."""
    return re.sub(r"^[\u4e00-\u9fff]{2,4}[：:]", "", text)


def notice(lines: list[Line]) -> tuple[str | None, str | None]:
    """(issuer, wrapped title) of a transmittal notice 关于印发…的通知, or (None, None)."""
    for i, line in enumerate(lines):
        if "关于" not in line.text:
            continue
        head = compact(_field_value(line.text))
        tail = _runs(lines, i + 1)
        for joined in [head, *(head + run for run in tail)]:
            if i > 0 and not joined.startswith(tuple("省市区县")) and _SIGNATURE.fullmatch(lines[i - 1].text):
                joined = compact(lines[i - 1].text) + joined
            match = _NOTICE.fullmatch(joined)
            if match:
                title = match["title"]
                quoted = re.search(r"《(.+?)》", title)
                return match["issuer"] or None, quoted[1] if quoted else title
        break
    return None, None


def own_title(lines: list[Line]) -> str | None:
    """The first line, or run of up to three title pieces, that reads as a policy title.

    A piece that opens with a place's name starts a title of its own: what stands above it on
    a web copy (a site's section name 政策文件, the last step of a breadcrumb) is no part of it."""
    for i in range(len(lines)):
        runs = _runs(lines, i)
        opens = [k for k in range(1, len(runs)) if _opens_with_place(compact(lines[i + k].text))]
        for joined in runs[:opens[0]] if opens else runs:
            joined = _PAGE_TAIL.sub("", _BREADCRUMB.sub("", joined))
            if _OWN_TITLE.fullmatch(joined):
                return joined
    return None


def _opens_with_place(text: str) -> bool:
    names = names_in(text[:12])
    return bool(names) and text.startswith(names[0])


def doc_number(lines: list[Line]) -> str | None:
    """The 发文字号 printed on a line of its own, maybe in brackets or after a 文号： label; else
    in brackets after the title; else an order's number."""
    for pattern in (_DOC_NUMBER, _TITLED_NUMBER):
        for line in lines:
            match = pattern.fullmatch(compact(line.text))
            if match:
                return match["number"]
    return order_number(lines)


def order_number(lines: list[Line]) -> str | None:
    """江门市人民政府令第12号: an order's header (the order's line, its number on the next line or
    the same), or the order a regulation's note says published it."""
    order = _order(lines)
    return f"{order[0]}第{order[1]}号" if order else None


def _order(lines: list[Line]) -> tuple[str, str, re.Match[str] | None] | None:
    """(order, serial number, the note's match when a note gave them) of a government order."""
    texts = [compact(line.text) for line in lines]
    for i, text in enumerate(texts):
        match = _ORDER_LINE.fullmatch(text)
        if match and match["order"]:
            return match["order"], match["serial"], None
        header = re.fullmatch(_ORDER, text)
        following = _ORDER_LINE.fullmatch(texts[i + 1]) if header and i + 1 < len(texts) else None
        if header and following and not following["order"]:
            return header["order"], following["serial"], None
    cited = next((found for text in texts if (found := _ORDER_CITED.search(text))), None)
    return (cited["order"], cited["serial"], cited) if cited else None


def _signatures(lines: list[Line]) -> list[tuple[str, re.Match[str]]]:
    """(organ, date match) for every organ line followed by a date line, a seal note between."""
    out = []
    for i, line in enumerate(lines):
        following = [item for item in lines[i + 1:i + 3] if not _SEAL_NOTE.fullmatch(compact(item.text))]
        date = _DATE_LINE.fullmatch(compact(following[0].text)) if following else None
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


def date_issued(lines: list[Line], published: str | None = None) -> str | None:
    """The signature date; else a date line (印发 dates last); else `published` (a page's
    发布日期 field); else a date field (成文日期 first); else a dated 发布/印发 sentence; else a
    government order's publication (…日江门市人民政府令第12号公布); else a regulation's last
    adoption or revision."""
    signed = [date for _, date in _signatures(lines) if not date["printed"]]
    dated = [m for m in (_DATE_LINE.fullmatch(compact(line.text)) for line in lines) if m]
    dated.sort(key=lambda m: bool(m["printed"]))
    for match in [*signed, *dated]:
        return _iso(match)
    if published:
        return published
    for label in _LABELS:
        for line in lines:
            for field in re.finditer(label + _LABELLED_DATE, compact(line.text)):
                if int(field["year"]) >= _FIRST_YEAR:
                    return _iso(field)
    for line in lines:
        sentence = _ISSUED_IN.search(compact(line.text))
        if sentence:
            return _iso(sentence)
    order = _order(lines)
    if order and order[2] and order[2]["year"]:
        return _iso(order[2])
    adopted = _adoptions(lines)
    return _iso(adopted[-1]) if adopted else None


def _adoptions(lines: list[Line]) -> list[re.Match[str]]:
    """The notes of adoption and revision of a regulation, in text order."""
    return [found for line in lines for found in _ADOPTED.finditer(compact(line.text))]


def issuer(lines: list[Line], notice_issuer: str | None, title: str | None) -> str | None:
    """The first organ named in full among: the notice's organ, the organ that opens the
    title (XX关于…), the signature, the red header (XX文件), a law database's 颁布部门
    field, a sentence 'XX…发布', the organ of a government order (江门市人民政府令), the organ
    that adopted a regulation (…人民代表大会常务委员会…会议通过). A name by level only
    (市政府办公室) is the last resort."""
    candidates = [notice_issuer or ""]
    if title and "关于" in title:
        candidates.append(title.split("关于", 1)[0])
    candidates += [organ for organ, date in _signatures(lines) if not date["printed"]]
    for pattern in (_HEADER, _FIELD_ORGAN, _ISSUED_BY):
        candidates += [found["organ"] for line in lines
                       if (found := pattern.search(compact(line.text)))]
    order = _order(lines)
    candidates += [order[0].removesuffix("令")] if order else []
    candidates += [found["organ"] + found["body"] for found in _adoptions(lines)[-1:]]
    organs = [name for name in candidates if _SIGNATURE.fullmatch(name)]
    full = [name for name in organs if not _by_level(name)]
    return next(iter(full or organs), None)


def jurisdiction(issuer_name: str | None, title: str | None, front: str) -> Jurisdiction:
    """The most local division named by the issuer, else by the title, else by the front."""
    for text in (issuer_name or "", title or "", compact(front)):
        found = resolve(names_in(text), compact(front))
        if found:
            return found
    return Jurisdiction()


def field_title(value: str) -> str:
    """The policy's title in a title field: the plan a 关于印发《…》的通知 wraps, without 《》."""
    text = _BREADCRUMB.sub("", compact(value))
    match = _NOTICE.fullmatch(text)
    if match:
        quoted = re.search(r"《(.+?)》", match["title"])
        text = quoted[1] if quoted else match["title"]
    return _STATUS.sub("", text.strip("《》"))


def field_number(value: str) -> str | None:
    match = _DOC_NUMBER.search(compact(value))
    return match["number"] if match else None


def field_organ(value: str) -> str | None:
    """The first organ named in an issuer field (joint issuers are listed with spaces or 、)."""
    for name in re.split(r"[\s、，,；;]+", value.strip()):
        if _SIGNATURE.fullmatch(name):
            return name
    return None


_FIELD_DATE = re.compile(r"(?P<year>(19|20)\d{2})\s*[年\-/.]\s*(?P<month>\d{1,2})"
                         r"\s*([月\-/.]\s*(?P<day>\d{1,2}))?")


def field_date(value: str) -> str | None:
    """2022-05-10, 2022.05.10, 2022年05月10日, 二〇二二年五月十日 in a date field."""
    match = _FIELD_DATE.search(value) or _DATE_LINE.search(compact(value))
    return _iso(match) if match else None


def _by_level(organ: str) -> bool:
    """An organ named by its level only: 市政府办公室, 区委, 市市场监督管理局, 县科技局."""
    return bool(_ABBREVIATED.match(organ)) or (organ[:1] in "省市区县" and not _opens_with_place(organ))


def _expanded(abbreviated: str, place: Jurisdiction) -> str | None:
    """市政府办公室 → 泉州市人民政府办公室, 市市场监督管理局 → 泉州市市场监督管理局: an organ
    named by its level, in full, given the jurisdiction the text names (its city for 市, its
    province for 省)."""
    level = abbreviated[0]
    name = {"省": place.province, "市": place.name if place.level == "city" else place.parent,
            "区": place.name if place.level == "district" else None,
            "县": place.name if place.level == "county" else None}.get(level)
    if not name or not name.endswith(level):
        return None
    if _ABBREVIATED.match(abbreviated):
        return re.sub(r"^[省市区县](人民政府|政府)", f"{name}人民政府", abbreviated)
    return name + abbreviated[1:]


def _in_full(abbreviated: str, guessed: str | None, place: Jurisdiction) -> str:
    """An issuer field that names the organ by its level (市政府办公室): the text's organ when
    that is the same one in full, else the name made full from the jurisdiction, else as is."""
    tail = abbreviated[1:].replace("人民政府", "政府")
    if guessed and not _ABBREVIATED.match(guessed) and guessed.replace("人民政府", "政府").endswith(tail):
        return guessed
    return _expanded(abbreviated, place) or abbreviated


def extract(document: Document, record: PolicyRecord) -> PolicyRecord:
    """Fill title, doc_number, issuer, date_issued and jurisdiction.

    A labelled field (a web page's metadata table, a repost's header) wins over what the text
    suggests; where both are there and disagree, the record says so in a warning."""
    front = lines_of(document.front)
    back = [Line(line.start + document.back_start, line.end + document.back_start, line.text)
            for line in lines_of(document.back)]
    found = labelled_fields(front + back)
    fields = found.values
    front, back = ([line for i, line in enumerate(part, start) if i not in found.lines]
                   for part, start in ((front, 0), (back, len(front))))
    warnings: list[str] = []

    def chosen(name: str, field: str | None, guess: str | None, same: bool | None = None) -> str | None:
        if field and guess and not (same if same is not None else compact(field) == compact(guess)):
            warnings.append(f"metadata: {FIELD_NAMES[name]} {field!r} of the labelled fields differs from "
                            f"{guess!r} in the text; the field is kept")
        return field or guess

    notice_issuer, wrapped = notice(front)
    guessed_title = wrapped or own_title(front)
    guessed_title = _STATUS.sub("", _NUMBER_AFTER.sub("", guessed_title)) if guessed_title else None
    given_title = field_title(fields["title"]) if "title" in fields else None
    title = chosen("title", given_title, guessed_title,
                   bool(given_title and guessed_title and _similar(given_title, guessed_title)))
    number = chosen("doc_number", field_number(fields.get("doc_number", "")), doc_number(front + back))
    guessed_organ = issuer(front + back, notice_issuer, title)
    given_organ = field_organ(fields.get("issuer", ""))
    if not (given_organ or guessed_organ):
        given_organ = field_organ(fields.get("source", ""))
    if given_organ and _by_level(given_organ):
        given_organ = _in_full(given_organ, guessed_organ, jurisdiction(guessed_organ, title, document.front))
    by_level = bool(guessed_organ and _by_level(guessed_organ))
    organ = chosen("issuer", given_organ, guessed_organ, by_level or guessed_organ == given_organ)
    written = field_date(fields.get("date_written", ""))
    date = chosen("date_written", written, date_issued(front + back)) if written else None
    date = date or date_issued(front + back, field_date(fields.get("date_published", "")))
    place = jurisdiction(organ, title, document.front)
    if organ and _by_level(organ):
        organ = _expanded(organ, place) or organ
    return replace(record, title=title, doc_number=number, issuer=organ, date_issued=date,
                   jurisdiction=place if place.name else _indexed_place(fields.get("index_number", "")),
                   warnings=(*record.warnings, *warnings))


_CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}(?P<division>\d{6})[0-9A-HJ-NPQRTUWXY]{10}")
"""The unified social credit code that opens a 索引号: its third to eighth characters are the
division code of the organ that registered the document (11350500003591037R → 350500, 泉州市)."""


def _indexed_place(index_number: str) -> Jurisdiction:
    """The jurisdiction a 索引号 names through its organ's credit code, when nothing else does."""
    match = _CREDIT_CODE.match(index_number.strip())
    found = by_code(match["division"]) if match else None
    return found or Jurisdiction()


def _similar(a: str, b: str) -> bool:
    return SequenceMatcher(None, compact(a), compact(b), autojunk=False).ratio() >= _SAME_TITLE
