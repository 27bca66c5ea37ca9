"""extract.measures: the action items of a policy's task and measure sections.

A measure is a numbered item in a section that asks for action (主要任务, 保障措施, 其他事项 …),
never in 指导思想, 基本原则 or 目标 sections, which carry principles and targets. Group headings
with numbered items under them are not measures; their leaves are. A heading no pattern
knows counts as a task, so a policy whose headings are its own phrases still has measures.
In a regulation, 办法 or 细则 each article that asks for action is a measure, whatever its
chapter: articles of purpose (为了…制定本条例), scope (适用), definitions (本条例所称), principles
and entry into force are not (ingest/data/article_kinds.tsv). A text with no measure gives an
empty list: its metadata still counts.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from ingest import lexicon
from ingest.extract.grants import incentives_in
from ingest.record import Measure, PolicyRecord
from ingest.segment import Document, Section


@cache
def kinds(file_name: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, kind) rows of a file of ingest/data (section_kinds.tsv: headings;
    article_kinds.tsv: first sentences of articles), in order."""
    return tuple((re.compile(row["pattern"]), row["kind"]) for row in lexicon.records(file_name))


def _kind(text: str, file_name: str, otherwise: str) -> str:
    """The kind of the first pattern of the file found in the text, else `otherwise`."""
    return next((kind for pattern, kind in kinds(file_name) if pattern.search(text)), otherwise)


def article_kind(text: str) -> str:
    """What an article (第X条) does, told by its first sentence (after a caption such as
    【立法目的】): purpose, scope, definition, principle, in_force (entry into force, validity,
    repeal), or "action" (a measure)."""
    body = re.sub(r"\s+", "", re.sub(r"^\s*第[一二三四五六七八九十百零〇\d]+条\s*(【[^】]*】)?", "", text))
    return _kind(body.split("。", 1)[0], "article_kinds.tsv", "action")


def section_kind(heading: str) -> str:
    """The kind of a section told by its heading; "task" when no pattern says otherwise."""
    return _kind(re.sub(r"\s+", "", heading).rstrip("。：:"), "section_kinds.tsv", "task")


def measure_sections(sections: tuple[Section, ...], top: bool = True) -> list[Section]:
    """Leaves of task sections, in document order; a group's kind decides for all below it,
    and so does the unnumbered part heading (主要目标, 重点任务) of a web copy's top sections.
    An article (第X条) is one measure with its items, unless it only states purpose, scope,
    definitions, principles or entry into force (article_kind), in any chapter, 总则 too.
    Under a general part of numbered items only those that grant money are kept."""
    out: list[Section] = []
    for section in sections:
        kind = section_kind(section.heading)
        if top and section.part and section_kind(section.part) != "task":
            continue
        if section.style == "article":
            out.extend([section] if article_kind(section.text) == "action" else [])
        elif kind == "general" and all(child.style == "article" for child in section.children):
            out.extend(measure_sections(section.children, top=False))
        elif kind == "general" and section.children:
            out.extend(leaf for leaf in _leaves(section) if incentives_in(leaf.text))
        elif (section.children or top) and kind != "task":
            continue
        elif section.children:
            out.extend(measure_sections(section.children, top=False))
        else:
            out.append(section)
    return out


def _leaves(section: Section) -> list[Section]:
    if not section.children:
        return [section]
    return [leaf for child in section.children for leaf in _leaves(child)]


def extract(document: Document, record: PolicyRecord) -> PolicyRecord:
    """Fill record.measures with one Measure per action item, its span in the original text."""
    source = document.source
    measures = tuple(
        Measure(path=section.path, title=section.heading, text=section.text,
                span=source.original_span(section.start, section.end))
        for section in measure_sections(document.sections))
    return replace(record, measures=measures)
