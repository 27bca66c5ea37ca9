"""extract.units: the organs each measure charges, as the text names them.

Runs after the measures stage. Units come from four places, in the order the genre uses
them: 责任单位/牵头单位/配合单位 lines, trailing notes （…按职责分工负责）, clauses of the body
that give a unit a lead or vehicle role (由…牵头/负责/担任, …牵头/会同, 依托…, 发挥…的作用,
…设在X，负责…), and standing notes （以下均需…，不再列出） that add their units to every later
measure. Names stay as printed, with a prefix or suffix written once distributed over its
、 list (市市场监管局、科技局 → 市科技局; 泉州开发区、泉州台商投资区管委会 → 泉州开发区管委会).
Subjects of "X要…" and member lists are not units (../shared/gold/NOTES-000-001.md); in the
duty language of regulations the subject of "X应当…", "X负责…" and "X按照各自职责…" is, when it
names an organ, a 部门 or 机关 of a field (专利行政部门, 公安机关), by the short name the text gives
it (以下简称…), the fields of 发展改革、科技等部门 each with its 部门.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from functools import cache

from ingest import organs
from ingest.record import Jurisdiction, PolicyRecord, ResponsibleUnit
from ingest.segment import Document

_OPEN, _CLOSE = "（(〔【[", "）)〕】]"
_LINE_LABEL = re.compile(
    r"(责任单位|责任部门|责任主体|牵头单位|牵头部门|配合单位|配合部门|参与单位|协办单位)\s*[:：]")
_LEAD_LABEL = re.compile(r"牵头")
_VERB_END = re.compile(
    r"(?:等(?:有关)?(?:部门|单位)?)?(?:按照?职责分工|根据职责分工|按职能分工|按职责|分工)?"
    r"(牵头|负责|配合|参与|落实|协办)$")
_LEAD_MARK = re.compile(r"（(?:牵头|牵头单位)）$")
_STANDING = re.compile(r"以下[^。]{0,80}?不再(?:一一|重复)?列出")
_STANDING_HEAD = re.compile(r"^以下(?:各项|各条)?(?:任务|措施|工作)?(?:均|都|皆)?(?:需要?|须|由|要)?")
_STANDING_TAIL = re.compile(r"(?:参与|落实|负责|配合|共同)*[，,]?不再(?:一一|重复)?列出$")
_FIRST_LEADS = re.compile(r"[排列]在?(?:首位|第一位)的?(?:单位)?(?:为|是)牵头")
_SHARED_SUFFIX = re.compile(r"(管委会|管理委员会|人民政府|党工委|街道办事处)$")
_PARTY_ORGAN = re.compile(r"(?:部|办)$")
"""市委宣传部、组织部 → 市委组织部, but 市委宣传部、人社局 → 市人社局: 市委 heads party organs only."""
_PLACE_END = re.compile(r"[区县市镇乡园](?:（[^（）]*）)?$")
_LEVELS = re.compile(r"各[区县市乡镇](?:（[^（）]*）)?(?:、[区县市乡镇](?:（[^（）]*）)?)+")
"""各区、县（市）市场监管局: the organs of every county and district, one unit as
各县（市、区）人民政府 is."""
_LEVEL_JOIN = "\u0000"
_SHARED_DUTY_NOUN = re.compile(r"、[^、]*?等(?:有关|相关)?(部门|机关)$")
"""发展改革、科技、财政等部门: the fields of a list share its 部门 (发展改革部门, 科技部门, 财政部门)."""
_CLAUSE = re.compile(r"[，,。；;：:！？\n]")
_SENTENCE = re.compile(r"[。；;！？\n]")
_BY = re.compile(r"由([^，。；由]{2,60}?)(牵头|负责|担任|主办|承办|会同|组织|责令|依法|予以|处以"
                 r"|追回|收回|拨付|审核|认定|受理|办理|查处|没收|给予|撤销|移交|移送)")
_MARKER = re.compile(r"^(?:第[一二三四五六七八九十百零〇\d]+条|[（(]?[一二三四五六七八九十\d]+[）)、.．]?)")
_SUBJECT = re.compile(r"^(?!请求|向|经|报|对|在|可以|协助|配合)((?:(?!应当)[^由]){2,60}?)"
                      r"(牵头|负责|会同|应当会同|要?(?:充分)?发挥|应当|应(?!当|急|用)|必须"
                      r"|(?:依法)?(?:处理|查处)(?=专利|假冒|侵权|违法|纠纷)|(?:按照|依照|根据)(?:各自|规定|法定)?(?:的)?职责|按职责分工)")
"""X牵头/负责/会同…; in regulations also X应当…, X按照各自职责… and X处理/查处 a dispute or case: the
organ the clause charges. A clause that asks someone to go to the organ (请求/向…) or help it
(协助/配合…) names no subject."""
_PARTNERS_AFTER = ("会同", "应当会同")
_SHORT_NAME = re.compile(r"^([^，。；]{2,60}?)（以下(?:简)?称“?([^（）”]{2,20})”?）")
"""市、县级人民政府负责专利工作的部门（以下简称专利行政部门）: the organ goes by its short name."""
_DUTY_NOUN = re.compile(r"(部门|机关)$")
_LEVEL = re.compile(r"(?:设区的市|[省市区县乡镇](?!场|域|政|直))(?:级|（[^（）]*）)?")
"""One level of government as lists write it: 市, 县级, 县（市）, 区县（自治县） is two."""
_LEVEL_ONLY = re.compile(rf"(?:{_LEVEL.pattern})+")
_LEVELS_JOINED = re.compile(rf"(?:^|(?<=、))({_LEVEL_ONLY.pattern})(?:和|及|与)(?={_LEVEL.pattern})")
"""市和区、县人民政府, 市和区县人民政府: levels joined by 和 are listed as by 、."""
_NOT_NAMED = re.compile(rf"^(?:{_LEVEL_ONLY.pattern}|本级)?(?:以上)?(?:人民)?(?:政府)?"
                        r"(?:各|有关|相关|其他|其它|有权|所在地的?|当地|上级|同级|主管|行政|管理|职能|级|以上)*")
"""Words that leave a 部门/机关 unnamed: 有关部门, 各相关部门, 有权机关, 政府各有关部门, 市级各相关部门,
其他有关行政管理部门 charge no organ in particular."""
_UNNAMED_HEAD = re.compile(r"(?:有关|相关|其他|其它)")
_UNNAMED = r"(?:有关|相关|所属)?(?:行政)?(?:管理|职能)?(?:部门|单位|机构)"
_UNNAMED_PARTNERS = re.compile(rf"(?:和|及|以及|与)(?:其|其他|其它)?{_UNNAMED}$"
                               rf"|^(?:其他|其它)?(?:有关|相关){_UNNAMED}(?:和|及|以及|与)")
"""管理专利工作的部门和有关单位, 人民政府及其有关部门, 相关部门和司法机关: the organ is named, its
partners are not."""
_DUTIES_OWN = re.compile(r"^(?:按照|依照|根据)各自(?:的)?职责|^在各自(?:的)?职责范围内|^按职责分工")
"""…等部门，按照各自职责做好…: the clause before, the organs it names, is the subject."""
_PARTNERS = re.compile(
    r"([^，,。；;对]{2,40}?)(?=对|共同|联合|研究|制定|组织|开展|进行|做好|建立|推进|加强|$)")
"""X会同Y对…: the organs Y that share the lead, up to the verb or object of the clause."""
_RELY = re.compile(r"依托(.{2,60})$")
_ROLE = re.compile(r"发挥(.{2,80}?)作用")
_MENTION_END = re.compile(r"^(?:$|的|”|」|和|与|及|、)")


def extract(document: Document, record: PolicyRecord) -> PolicyRecord:
    """The record with each measure's responsible_units filled."""
    source = document.source
    first_leads = bool(_FIRST_LEADS.search(source.text))
    notes = [(source.offsets[start], units)
             for start, units in standing_notes(source.text, record.jurisdiction)]
    measures = []
    for measure in record.measures:
        units = list(units_of(measure.text, record.jurisdiction, first_leads))
        units += [unit for at, found in notes if measure.span[1] > at for unit in found]
        measures.append(replace(measure, responsible_units=_merged(units)))
    return replace(record, measures=tuple(measures))


def units_of(text: str, jurisdiction: Jurisdiction, first_leads: bool = False) -> tuple[ResponsibleUnit, ...]:
    """Every unit one measure's text charges: lines and trailing notes, then body clauses."""
    found: list[ResponsibleUnit] = []
    body = text
    for label, start, end in _label_spans(text):
        listed = unit_list(text[label.end() : end - (start < label.start())], jurisdiction)
        lead = bool(_LEAD_LABEL.search(label.group(1)))
        if first_leads and listed and not lead:
            listed[0] = replace(listed[0], lead=True)
        found += [replace(u, lead=u.lead or lead) for u in listed]
        body = body.replace(text[start:end], "\n")
    for start, end in _bracket_groups(text):
        listed = _trailing_note(text[start + 1 : end - 1], jurisdiction)
        if listed:
            found += listed
            body = body.replace(text[start:end], "")
    return _merged(found + clause_units(_joined(body), jurisdiction))


def standing_notes(text: str, jurisdiction: Jurisdiction) -> Iterator[tuple[int, list[ResponsibleUnit]]]:
    """(position, units) of each 以下均需…不再列出 note: its units join every later measure."""
    for match in _STANDING.finditer(text):
        inner = _STANDING_TAIL.sub("", _STANDING_HEAD.sub("", _joined(match.group())))
        units = unit_list(inner, jurisdiction)
        if units:
            yield match.start(), units


def unit_list(content: str, jurisdiction: Jurisdiction) -> list[ResponsibleUnit]:
    """Units of one list: groups split at ，/；, items at 、, prefix and suffix distributed.

    A prefix is carried only inside a 、 list, never across a ，: in 市市场监管局、发改委，
    人民银行泉州市中心支行 the bank keeps its name as printed.
    """
    content = re.sub(r"〔[^〕]*〕|【[^】]*】", "", content).strip(" 。.").replace("或者", "、")
    content = _LEVELS.sub(lambda levels: levels.group().replace("、", _LEVEL_JOIN), content)
    units: list[ResponsibleUnit] = []
    for group in _split(content, "，,；;"):
        group = _LEVELS_JOINED.sub(r"\1、", group)
        lead = False
        verb = _VERB_END.search(group)
        if verb:
            lead = verb.group(1) == "牵头"
            group = group[: verb.start()]
        shared = _SHARED_DUTY_NOUN.search(group)
        items = []
        for item in [part for listed in _split(group, "、") for part in _conjoined(listed)]:
            item_lead = bool(_LEAD_MARK.search(item))
            item = _LEAD_MARK.sub("", item)
            item = re.sub(r"(?:等)+(?:有关|相关)?(?:部门|单位)?$", "", item)
            if item and shared and not (organs.names_organ(item) or _field_organ(item)):
                item += shared.group(1)
            if item:
                items.append((item, item_lead))
        distributed = _distributed([name for name, _ in items], jurisdiction)
        names = [name.replace(_LEVEL_JOIN, "、") for name in distributed]
        units += [ResponsibleUnit(name, lead or item_lead)
                  for name, (_, item_lead) in zip(names, items, strict=True)]
    return units


def clause_units(body: str, jurisdiction: Jurisdiction) -> list[ResponsibleUnit]:
    """Units the body gives a lead or vehicle role; "X要…" subjects and members are left out."""
    found: list[ResponsibleUnit] = []
    for sentence in _SENTENCE.split(body):
        clauses = [c for c in _CLAUSE.split(sentence) if c]
        for index, clause in enumerate(clauses):
            for match in _BY.finditer(clause):
                found += _organs_only(unit_list(match.group(1), jurisdiction), match.group(2) == "牵头")
            unmarked = _SHORT_NAME.sub(r"\2", _MARKER.sub("", clause))
            subject = _SUBJECT.match(unmarked)
            if subject:
                leads = subject.group(2) in ("牵头", *_PARTNERS_AFTER)
                named = _organs_only(unit_list(subject.group(1), jurisdiction), leads)
                found += [_anaphor(unit, body[: body.find(clause)], jurisdiction) for unit in named]
                shares = subject.group(2) in _PARTNERS_AFTER
                partners = _PARTNERS.match(unmarked, subject.end()) if shares else None
                if named and partners:
                    found += _organs_only(unit_list(partners.group(1), jurisdiction), False)
            rely = _RELY.search(clause)
            if rely:
                found += _organs_only(unit_list(rely.group(1), jurisdiction), False)
            for role in _ROLE.finditer(clause):
                found += [ResponsibleUnit(name) for name, end in mentions(role.group(1), jurisdiction)
                          if _MENTION_END.match(role.group(1)[end:])]
            if _DUTIES_OWN.match(clause) and index > 0:
                found += _organs_only(unit_list(_MARKER.sub("", clauses[index - 1]), jurisdiction), False)
            if clause.startswith("负责") and index > 0:
                before = mentions(clauses[index - 1], jurisdiction)
                found += [ResponsibleUnit(before[-1][0])] if before else []
    return [unit for unit in found if not _is_generic(unit.name)]


def mentions(text: str, jurisdiction: Jurisdiction) -> list[tuple[str, int]]:
    """(name, end) of organs named in free text: a place, then any words, then an organ label."""
    return [(m.group(), m.end()) for m in _mention_pattern(organs.places(jurisdiction)).finditer(text)]


@cache
def _mention_pattern(places: tuple[str, ...]) -> re.Pattern[str]:
    labels = sorted(organs.surface_labels(), key=len, reverse=True)
    place = "|".join(re.escape(p) for p in sorted(places, key=len, reverse=True))
    return re.compile(rf"(?:{place + '|' if place else ''}[省市区县])[^，。；、：“”（）\s]{{0,30}}?"
                      rf"(?:{'|'.join(map(re.escape, labels))})(?:（[^（）]{{1,10}}）)?")


def _anaphor(unit: ResponsibleUnit, before: str, jurisdiction: Jurisdiction) -> ResponsibleUnit:
    """A bare 领导小组 stands for the last full name ending so in the text before it."""
    if not _is_generic(unit.name):
        return unit
    earlier = [name for name, _ in mentions(before, jurisdiction) if name.endswith(unit.name)]
    return replace(unit, name=earlier[-1]) if earlier else unit


def _is_generic(name: str) -> bool:
    """A label on its own with no place (领导小组) cannot be told apart from others."""
    return organs.is_bare(name) and organs.organ_type(name) == "LeadingGroup"


def _organs_only(units: list[ResponsibleUnit], lead: bool) -> list[ResponsibleUnit]:
    """Body clauses are trusted only when every name in them ends as an organ does, or names a
    部门/机关 of a field (专利行政部门, 公安机关), as regulations charge organs; 有关/相关 organs
    (相关人民政府) are named by no one and left out."""
    units = [u for u in units if not _UNNAMED_HEAD.match(u.name)]
    if not units or not all(organs.names_organ(u.name) or _field_organ(u.name) for u in units):
        return []
    return [replace(u, lead=u.lead or lead) for u in units]


def _field_organ(name: str) -> bool:
    """专利行政部门, 市场监督管理部门（知识产权局）, 公安机关; not 有关部门 or 有权机关."""
    main = re.sub(r"（[^（）]*）$", "", name)
    head = _DUTY_NOUN.sub("", main)
    return head != main and len(_NOT_NAMED.sub("", head)) >= 2


def _trailing_note(inner: str, jurisdiction: Jurisdiction) -> list[ResponsibleUnit]:
    """Units of a note such as （市市场监管局、科技局等按职责分工负责）, or [] for other brackets."""
    inner = inner.strip()
    if not _VERB_END.search(inner) or _STANDING.search(inner) or _LINE_LABEL.search(inner):
        return []
    units = unit_list(inner, jurisdiction)
    first = units[0].name if units else ""
    if first.startswith("各") or organs.organ_type(first) or organs.names_organ(first):
        return units
    return []


def _distributed(items: list[str], jurisdiction: Jurisdiction) -> list[str]:
    """Carry a place prefix to bare items after it, and a shared suffix back to bare places."""
    names, prefix = [], ""
    for item in items:
        own = _prefix(item)
        if own is not None:
            prefix = own
        carried = prefix if _PARTY_ORGAN.search(item) else prefix.removesuffix("委")
        names.append(carried + item if own is None and carried and organs.is_bare(item) else item)
    level = _level_prefix(names[-1]) if len(names) > 1 else None
    if level and all(_LEVEL_ONLY.fullmatch(name) for name in names[:-1]):
        return [name + names[-1][len(level):] for name in names[:-1]] + names[-1:]
    suffix = _SHARED_SUFFIX.search(names[-1]) if names else None
    if suffix:
        names = [n + suffix.group() if _PLACE_END.search(n) and not organs.names_organ(n) else n
                 for n in names[:-1]] + names[-1:]
    return names


def _conjoined(item: str) -> list[str]:
    """县级以上人民政府及财政 → 县级以上人民政府, 财政: 和/及 after a name that ends as an organ
    joins two items; inside a name (工业和信息化局, 人力资源和社会保障局) it does not. Partners
    left unnamed (和有关单位) are dropped."""
    item = _UNNAMED_PARTNERS.sub("", item)
    for joint in re.finditer(r"以及|及|和|与", item):
        left = item[: joint.start()]
        if organs.names_organ(left) or _field_organ(left):
            return [left, *_conjoined(item[joint.end():])]
    return [item]


def _level_prefix(name: str) -> str | None:
    """The levels that open an organ's name (县（市）区 of 县（市）区人民政府), up to the organ:
    the shortest run of levels before a bare organ label, else the longest; None if none."""
    ends, position = [], 0
    while level := _LEVEL.match(name, position):
        position = level.end()
        ends.append(position)
    ends = [end for end in ends if end < len(name) and not name.startswith(("和", "及", "与"), end)]
    if not ends:
        return None
    bare = [end for end in ends if organs.is_bare(name[end:])]
    return name[: bare[0] if bare else ends[-1]]


def _prefix(item: str) -> str | None:
    """The place written before an organ label (市, 市委, 泉州市), or None for a bare item."""
    main = re.sub(r"（[^（）]*）$", "", item)
    if organs.is_bare(main):
        return None
    for k in range(1, len(main)):
        if organs.is_bare(main[k:]):
            return main[:k]
    return None


def _label_spans(text: str) -> Iterator[tuple[re.Match[str], int, int]]:
    """(label, start, end) of each 责任单位-like line; the line ends at a newline, a 。, the
    next label or the bracket it was opened in. start takes in that bracket when there is one."""
    labels = list(_LINE_LABEL.finditer(text))
    for index, label in enumerate(labels):
        stop = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        depth, end = 0, label.end()
        while end < stop and text[end] not in "\n。":
            depth += (text[end] in _OPEN) - (text[end] in _CLOSE)
            if depth < 0:
                break
            end += 1
        start = label.start() - 1 if depth < 0 and label.start() > 0 and text[label.start() - 1] in _OPEN \
            else label.start()
        yield label, start, end + (depth < 0)


def _bracket_groups(text: str) -> Iterator[tuple[int, int]]:
    """[start, end) of each top-level （…） group, nested brackets included."""
    depth, start = 0, 0
    for index, char in enumerate(text):
        if char in "（(":
            start = index if depth == 0 else start
            depth += 1
        elif char in "）)" and depth:
            depth -= 1
            if depth == 0:
                yield start, index + 1


def _split(text: str, separators: str) -> list[str]:
    """Split at separators outside brackets: 各县（市、区）人民政府 stays one item."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += (char in _OPEN) - (char in _CLOSE)
        if char in separators and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _joined(text: str) -> str:
    """Lines broken inside a phrase (成立…工作 / 领导小组) re-joined, blanks between CJK removed."""
    text = re.sub(r"(?<=[\u4e00-\u9fff])\s*\n\s*(?=[\u4e00-\u9fff])", "", text)
    return re.sub(r"(?<=[^\x00-\x7f])[ \t\u3000]+(?=[^\x00-\x7f])", "", text)


def _merged(units: list[ResponsibleUnit]) -> tuple[ResponsibleUnit, ...]:
    """One entry per name, in first-seen order; lead if any mention leads."""
    merged: dict[str, ResponsibleUnit] = {}
    for unit in units:
        if not unit.name:
            continue
        known = merged.get(unit.name)
        merged[unit.name] = replace(known, lead=known.lead or unit.lead) if known else unit
    return tuple(merged.values())
