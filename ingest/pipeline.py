"""The ingest pipeline: an ordered list of named stages run by one loop.

read → segment → extract (one stage per kind of fact) → record. A failure anywhere is an
IngestError naming the file and the stage, so the CLI can print one clear line.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from ingest.errors import IngestError
from ingest.extract import citations, incentives, measures, metadata, targets, topics, units
from ingest.read import SourceText, read_file
from ingest.record import PolicyRecord
from ingest.segment import Document, segment

T = TypeVar("T")
Stage = Callable[[Document, PolicyRecord], PolicyRecord]

EXTRACT_STAGES: tuple[tuple[str, Stage], ...] = (
    ("metadata", metadata.extract),
    ("measures", measures.extract),
    ("units", units.extract),
    ("targets", targets.extract),
    ("incentives", incentives.extract),
    ("citations", citations.extract),
    ("topics", topics.extract),
)


def extract_record(path: Path, source: SourceText | None = None) -> PolicyRecord:
    """The record of one corpus file, or IngestError saying which stage failed and why; `source`
    is the file already read, when the caller needs it too (read once)."""
    name = path.name
    text = source if source is not None else read_file(path)
    document = _run(name, "segment", lambda: segment(text))
    record = PolicyRecord(source=name)
    for stage, extract in EXTRACT_STAGES:
        record = _run(name, stage, partial(extract, document, record))
    return record


def _run(name: str, stage: str, step: Callable[[], T]) -> T:
    """Run one stage; an unexpected ValueError becomes an IngestError naming file and stage."""
    try:
        return step()
    except IngestError:
        raise
    except ValueError as error:
        raise IngestError(name, stage, str(error)) from error
