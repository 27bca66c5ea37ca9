"""The ingest pipeline: an ordered list of named stages run by one loop.

read → segment → extract (one stage per kind of fact) → record. A failure anywhere is an
IngestError naming the file and the stage, so the CLI can print one clear line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TypeVar

from ingest.errors import IngestError
from ingest.extract import citations, incentives, measures, metadata, targets, topics, units, validity
from ingest.partial import partial_reason
from ingest.read import SourceText, read_file
from ingest.record import PolicyRecord
from ingest.segment import Document, segment

__all__ = ["EXTRACT_STAGES", "extract_record", "paged"]

T = TypeVar("T")
Stage = Callable[[Document, PolicyRecord], PolicyRecord]

EXTRACT_STAGES: tuple[tuple[str, Stage], ...] = (
    ("metadata", metadata.extract),
    ("measures", measures.extract),
    ("units", units.extract),
    ("targets", targets.extract),
    ("incentives", incentives.extract),
    ("citations", citations.extract),
    ("validity", validity.extract),
    ("topics", topics.extract),
)


def extract_record(path: Path, source: SourceText | None = None) -> PolicyRecord:
    """The record of one corpus file, or IngestError saying which stage failed and why; `source`
    is the file already read, when the caller needs it too (read once)."""
    name = path.name
    text = source if source is not None else read_file(path)
    document = _run(name, "segment", lambda: segment(text))
    record = PolicyRecord(source=name, partial=partial_reason(document))
    for stage, extract in EXTRACT_STAGES:
        record = _run(name, stage, partial(extract, document, record))
    return paged(record, text) if text.pages else record


def paged(record: PolicyRecord, source: SourceText) -> PolicyRecord:
    """The record with the page of its source (PDF) that each measure, incentive and target
    begins on, so that a reader finds the quote on paper too."""
    def page(span: tuple[int, int] | None) -> int | None:
        return source.page_at(span[0]) if span is not None else None

    measures = tuple(replace(m, page=page(m.span), incentives=tuple(
        replace(i, page=page(i.span or m.span)) for i in m.incentives)) for m in record.measures)
    spans = {m.path: m.span for m in record.measures}
    targets = tuple(replace(t, page=page(t.span or spans.get(t.measure_path or ()))) for t in record.targets)
    return replace(record, measures=measures, targets=targets)


def _run(name: str, stage: str, step: Callable[[], T]) -> T:
    """Run one stage; an unexpected ValueError becomes an IngestError naming file and stage."""
    try:
        return step()
    except IngestError:
        raise
    except ValueError as error:
        raise IngestError(name, stage, str(error)) from error
