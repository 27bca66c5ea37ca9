"""extract.citations: STUB, to be written."""

from __future__ import annotations

from ingest.record import PolicyRecord
from ingest.segment import Document


def extract(document: Document, record: PolicyRecord) -> PolicyRecord:
    return record
