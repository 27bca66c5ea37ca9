"""Target indicator texts → concepts of the indicator scheme (ontology/indicators.ttl).

INTERFACE STUB (to be replaced; keep the signature).
"""

from __future__ import annotations


def concept_of(indicator: str) -> str | None:
    """Local name of the indicator concept the text denotes, or None when none fits."""
    return None
