"""extract.incentives: the money each measure grants, with its span in the original text.

How a grant is read out of a text (amounts, caps, rates, conditions) is extract.grants; this stage
places each grant of a measure in the document.
"""

from __future__ import annotations

from dataclasses import replace

from ingest.extract.grants import incentives_in
from ingest.extract.quantities import measure_start
from ingest.record import Measure, PolicyRecord
from ingest.segment import Document


def _with_incentives(document: Document, measure: Measure) -> Measure:
    start = measure_start(document, measure)
    incentives = []
    for incentive in incentives_in(measure.text):
        span = None
        if start is not None and incentive.span is not None:
            span = document.source.original_span(start + incentive.span[0], start + incentive.span[1])
        incentives.append(replace(incentive, span=span))
    return replace(measure, incentives=tuple(incentives))


def extract(document: Document, record: PolicyRecord) -> PolicyRecord:
    """Every measure with the money figures it grants."""
    return replace(record, measures=tuple(_with_incentives(document, m) for m in record.measures))
