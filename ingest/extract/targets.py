"""extract.targets: quantified goals of the goal sections and of the measures.

A target is a number with a unit that the policy sets out to reach (达到4件, 超过150家,
年均增长率分别达到15%、10%). Its deadline year comes from the nearest 到2023年 of its
paragraph, or from the heading or lead paragraph of the list it stands in
("2018-2021年的具体目标" → 2021). Inside measures only clauses that read as goals count:
thresholds (…以上的), quotas (不超过5个) and terms (有效期3年) do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from ingest.extract.quantities import (
    CLAUSE_END,
    SENTENCE_END,
    measure_start,
    pattern,
    pieces,
    words,
)
from ingest.record import Comparator, PolicyRecord, Target
from ingest.segment import Document, Section

TERMS = "target_terms"
GOAL_HEADING = re.compile(r"目标")
NOT_GOAL_HEADING = re.compile(r"指导思想|基本原则|原则")
DEADLINE = re.compile(
    r"(?:(?:到|至|截至|截止到?|力争到)\s*(?:\d{4}\s*年\s*\d{1,2}\s*月\s*至\s*)?|\d{4}\s*[-—–~～]\s*)"
    r"(?P<year>\d{4})\s*年(?:\s*\d{1,2}\s*月)?(?:底|末|前)?"
)
MONEY_GRANT = re.compile(r"(?:补助|奖励|资助|贴息|扶持|补贴|奖金)[^。；;]*?\d\s*(?:万元|亿元|元)|"
                         r"\d\s*(?:万元|亿元|元)[^。；;]*?(?:补助|奖励|资助|贴息|扶持|补贴|奖金)")
HEAD_NOUN_END = re.compile(r"[量率数额重例]$")
"""A list item ending in one of these is an indicator head (申请量) that takes a shared suffix."""
SHORT_LINE = 20


def _quantity() -> re.Pattern[str]:
    units = pattern(TERMS, "unit")
    return re.compile(r"(?<![\d.第前～~\-—])(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>" + units + r")(?P<per>/年)?")


def deadline_year(text: str) -> int | None:
    """The last deadline year printed in the text: 到2023年, 至2025年末, 2018-2021年 → 2021."""
    years = [int(m.group("year")) for m in DEADLINE.finditer(text)]
    return years[-1] if years else None


def _comparator(before: str, after: str) -> Comparator:
    found = [words(TERMS, "comparator")[w] for w in words(TERMS, "comparator") if w in before]
    if re.match(r"\s*以上", after):
        found.append(">=")
    if ">" in found:
        return ">"
    return ">=" if found else "="


def _clean(raw: str) -> str:
    """The indicator words of a clause piece: no deadline, lead, comparator or list glue."""
    text = "".join(DEADLINE.sub("", raw).split())
    leads = tuple(words(TERMS, "lead")) + tuple(words(TERMS, "comparator"))
    changed = True
    while changed and text:
        changed = False
        stripped = text.strip("、，,：:和及与并的")
        for word in leads:
            if stripped.startswith(word):
                stripped = stripped[len(word) :]
            if stripped.endswith(word):
                stripped = stripped[: -len(word)]
        if stripped != text:
            text, changed = stripped, True
    return text.replace("分别", "")


def split_shared(subject: str, count: int) -> list[str]:
    """专利申请量、授权量年均增长率 → 专利申请量年均增长率, 专利授权量年均增长率.

    The last item carries the suffix shared by all (年均增长率) when the first item ends in
    an indicator head (量, 率); the first item carries the prefix shared by all (专利).
    """
    items = [item for item in subject.split("、") if item]
    if len(items) != count:
        return [subject] * count
    first, last = items[0], items[-1]
    suffix = ""
    if HEAD_NOUN_END.search(first) and (at := last.find(first[-1])) >= 0:
        suffix = last[at + 1 :]
        items[-1] = last[: at + 1]
    core = items[-1]
    prefix = first[: len(first) - len(core)] if len(first) > len(core) else ""
    out = []
    for index, item in enumerate(items):
        if index and prefix and not item.startswith(prefix):
            item = prefix + item
        out.append(item + suffix)
    return out


def _is_goal_clause(clause: str, sentence: str, dated: bool) -> bool:
    """Inside a measure: a goal reads as one (目标是, 力争, 达到, a deadline), and is no
    threshold (…以上的), quota (不超过), term or money grant."""
    if MONEY_GRANT.search(sentence) or clause.rstrip().endswith("的"):
        return False
    if any(word in clause for word in words(TERMS, "not_goal")):
        return False
    return dated or any(word in clause for word in words(TERMS, "cue"))


def _groups(matches: list[re.Match[str]], clause: str) -> Iterator[list[re.Match[str]]]:
    """Quantities joined only by 、 (15%、10%) form one group, the values of a 分别 list."""
    group: list[re.Match[str]] = []
    for match in matches:
        if group and re.fullmatch(r"\s*(?:以上)?\s*[、和及]\s*", clause[group[-1].end() : match.start()]):
            group.append(match)
            continue
        if group:
            yield group
        group = [match]
    if group:
        yield group


def _clause_targets(clause: str, offset: int, year: int | None, context: str) -> Iterator[Target]:
    """Targets of one clause; offset places its spans, context is the preceding plain clause."""
    matches = list(_quantity().finditer(clause))
    previous_end = 0
    groups = list(_groups(matches, clause))
    for number, group in enumerate(groups):
        before = clause[previous_end : group[0].start()]
        following = groups[number + 1][0].start() if number + 1 < len(groups) else len(clause)
        after = clause[group[-1].end() : following]
        subject = _clean(before)
        end = group[-1].end()
        if len(subject) <= 4 and context:
            # a bare 项目数量 or 培养 names its thing in the clause before
            subject = _clean(context) + subject
        if len(_clean(before)) <= 2:
            # the counted thing follows the number: 建设1个以上产业集聚区, 完成2个重点产业和…
            counted = re.split(r"[和及、]", after, maxsplit=1)[0]
            subject += _clean(re.sub(r"^\s*以上", "", counted))
            end += len(counted)
        indicators = split_shared(subject, len(group)) if len(group) > 1 else [subject]
        comparator = _comparator(before, after)
        for match, indicator in zip(group, indicators, strict=True):
            if indicator:
                yield Target(
                    indicator=indicator,
                    value=float(match.group("value")),
                    unit=match.group("unit") + (match.group("per") or ""),
                    year=year,
                    comparator=comparator,
                    span=(offset + match.start(), offset + match.end()),
                )
        previous_end = end


def goal_targets(text: str, year: int | None = None, in_measure: bool = False) -> tuple[Target, ...]:
    """Targets of a block of goal text (spans relative to it).

    year is the deadline inherited from headings above; a short line holding only a
    deadline (至2025年末) sets it for the lines below; 到2023年 in a paragraph sets it for
    the rest of that paragraph. Inside a measure (in_measure) clauses must read as goals.
    """
    found: list[Target] = []
    block_year = year
    for p_start, p_end in pieces(text, re.compile(r"\n")):
        paragraph = text[p_start:p_end]
        line_year = deadline_year(paragraph)
        if line_year and len(paragraph.strip()) <= SHORT_LINE and not _quantity().search(paragraph):
            block_year = line_year
            continue
        current = block_year
        context = ""
        for s_start, s_end in pieces(paragraph, SENTENCE_END):
            sentence = paragraph[s_start:s_end]
            for c_start, c_end in pieces(sentence, CLAUSE_END):
                clause = sentence[c_start:c_end]
                current = deadline_year(clause) or current
                has_number = bool(_quantity().search(clause))
                if has_number and (not in_measure or _is_goal_clause(clause, sentence, current is not None)):
                    found.extend(_clause_targets(clause, p_start + s_start + c_start, current, context))
                context = "" if has_number else clause
    return tuple(_unique(found))


def _unique(targets: list[Target]) -> Iterator[Target]:
    seen = set()
    for target in targets:
        key = (target.indicator, target.value, target.year)
        if key not in seen:
            seen.add(key)
            yield target


def _is_goal_section(section: Section) -> bool:
    heading = section.heading.strip()
    return bool(GOAL_HEADING.search(heading)) and not NOT_GOAL_HEADING.search(heading) and len(heading) <= 30


def _section_targets(section: Section, year: int | None, measures: set[tuple[str, ...]]) -> Iterator[Target]:
    """Targets of a goal section and its children; a year in its heading or lead text
    holds for the children, which are its list."""
    own_end = section.children[0].start - section.start if section.children else len(section.text)
    own = section.text[:own_end]
    yield from _shifted(goal_targets(own, year), section.start)
    inherited = deadline_year(own) or year
    for child in section.children:
        if child.path not in measures:
            yield from _section_targets(child, inherited, measures)


def _goal_sections(document: Document, measures: set[tuple[str, ...]]) -> Iterator[Section]:
    """Top-most goal sections that are no measures (their children come with them)."""
    stack = list(reversed(document.sections))
    while stack:
        section = stack.pop()
        if section.path not in measures and _is_goal_section(section):
            yield section
        else:
            stack.extend(reversed(section.children))


def _is_heading_line(line: str) -> bool:
    """An unnumbered heading of a web-page copy: a short line without sentence punctuation."""
    line = line.strip()
    return 0 < len(line) <= SHORT_LINE and not re.search(r"[。，,；;：:]", line)


def _front_goals(front: str) -> Iterator[tuple[int, int]]:
    """Spans of goal blocks under unnumbered headings (主要目标) before the numbered text:
    from the heading line to the next heading line that is no deadline (至2025年末)."""
    start: int | None = None
    offset = 0
    for line in front.splitlines(keepends=True):
        if _is_heading_line(line) and not deadline_year(line):
            if start is not None:
                yield start, offset
                start = None
            if GOAL_HEADING.search(line) and not NOT_GOAL_HEADING.search(line):
                start = offset + len(line)
        offset += len(line)
    if start is not None:
        yield start, offset


def _preamble_goals(front: str, blocks: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Spans of lines of running text before the numbered text that set a deadline
    (为…，力争到2025年，全市…达到8件。制定本措施), outside the goal blocks: an 意见 or 措施
    without a goal section states its goals in its opening paragraph."""
    offset = 0
    for line in front.splitlines(keepends=True):
        inside = any(start <= offset < end for start, end in blocks)
        if not inside and len(line.strip()) > SHORT_LINE and DEADLINE.search(line):
            yield offset, offset + len(line)
        offset += len(line)


def _shifted(
    targets: tuple[Target, ...], shift: int | None, measure_path: tuple[str, ...] | None = None
) -> Iterator[Target]:
    """Targets with spans moved from block-relative to source-text offsets (None if unknown)."""
    for target in targets:
        span = None
        if shift is not None and target.span is not None:
            span = (shift + target.span[0], shift + target.span[1])
        yield replace(target, span=span, measure_path=measure_path)


def extract(document: Document, record: PolicyRecord) -> PolicyRecord:
    """Targets of the goal blocks and dated opening paragraphs before the numbered text, of
    the goal sections, then of
    the measures (with measure_path); spans point into the original text."""
    source = document.source
    measure_paths = {m.path for m in record.measures}
    found: list[Target] = []
    front_start = max(source.text.find(document.front), 0)
    blocks = list(_front_goals(document.front))
    for start, end in blocks:
        found.extend(_shifted(goal_targets(document.front[start:end]), front_start + start))
    for start, end in _preamble_goals(document.front, blocks):
        found.extend(_shifted(goal_targets(document.front[start:end], in_measure=True), front_start + start))
    for section in _goal_sections(document, measure_paths):
        found.extend(_section_targets(section, None, measure_paths))
    for measure in record.measures:
        targets = goal_targets(measure.text, in_measure=True)
        found.extend(_shifted(targets, measure_start(document, measure), measure_path=measure.path))
    targets = tuple(
        replace(t, span=source.original_span(*t.span) if t.span is not None else None) for t in found
    )
    return replace(record, targets=targets)
