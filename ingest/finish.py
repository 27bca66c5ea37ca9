"""finish: the record stage, the record as extraction leaves it, placed on the pages of its source.

Every extract stage works on offsets into the text; a paged source (PDF) also tells the page each
measure, incentive and target begins on, so that a reader finds the quote on paper too.
"""

from __future__ import annotations

from dataclasses import replace

from ingest.read import SourceText
from ingest.record import PolicyRecord

__all__ = ["finish"]


def finish(record: PolicyRecord, source: SourceText) -> PolicyRecord:
    """The record with the page of its source each measure, incentive and target begins on,
    when the source has pages; else the record as it is."""
    if not source.pages:
        return record

    def page(span: tuple[int, int] | None) -> int | None:
        return source.page_at(span[0]) if span is not None else None

    measures = tuple(replace(m, page=page(m.span), incentives=tuple(
        replace(i, page=page(i.span or m.span)) for i in m.incentives)) for m in record.measures)
    spans = {m.path: m.span for m in record.measures}
    targets = tuple(replace(t, page=page(t.span or spans.get(t.measure_path or ()))) for t in record.targets)
    return replace(record, measures=measures, targets=targets)
