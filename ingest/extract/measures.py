"""extract.measures: the action items of a policy's task and measure sections.

A measure is a numbered item in a section that asks for action (主要任务, 保障措施, 其他事项 …),
never in 指导思想, 基本原则 or 目标 sections, which carry principles and targets. Group headings
with numbered items under them are not measures; their leaves are.
"""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from functools import cache
from importlib import resources

from ingest.errors import IngestError
from ingest.record import Measure, PolicyRecord
from ingest.segment import Document, Section


@cache
def section_kinds() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(heading pattern, kind) rows of ingest/data/section_kinds.tsv, in order."""
    text = resources.files("ingest").joinpath("data/section_kinds.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader((line for line in text.splitlines() if not line.startswith("#")),
                          delimiter="\t")
    return tuple((re.compile(row["pattern"]), row["kind"]) for row in rows)


def section_kind(heading: str) -> str:
    """The kind of a section told by its heading; "task" when no pattern says otherwise."""
    compact = re.sub(r"\s+", "", heading).rstrip("。：:")
    for pattern, kind in section_kinds():
        if pattern.search(compact):
            return kind
    return "task"


def measure_sections(sections: tuple[Section, ...], top: bool = True) -> list[Section]:
    """Leaves of task sections, in document order; a group's kind decides for all below it,
    and so does the unnumbered part heading (主要目标, 重点任务) of a web copy's top sections."""
    out: list[Section] = []
    for section in sections:
        if (section.children or top) and section_kind(section.heading) != "task":
            continue
        if top and section.part and section_kind(section.part) != "task":
            continue
        if section.children:
            out.extend(measure_sections(section.children, top=False))
        else:
            out.append(section)
    return out


def extract(document: Document, record: PolicyRecord) -> PolicyRecord:
    """Fill record.measures with one Measure per action item, its span in the original text."""
    sections = measure_sections(document.sections)
    if not sections:
        raise IngestError(record.source, "measures",
                          "numbered sections found, but none in a task or measure section")
    source = document.source
    measures = tuple(
        Measure(path=section.path, title=section.heading, text=section.text,
                span=source.original_span(section.start, section.end))
        for section in sections)
    return replace(record, measures=measures)
