"""Target indicator texts → concepts of the indicator scheme (ontology/indicators.ttl).

Cities word the same indicator differently (全市每万人口高价值发明专利拥有量, 万人高价值发明专利
拥有量); comparing targets across cities needs one concept per indicator. The labels live in
the Turtle scheme, so adding a variant is a data change, not a code change.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from rdflib import Namespace

from ingest import schemes

INDICATOR = Namespace("https://w3id.org/policykg/def/indicator/")


def _normal(text: str) -> str:
    """NFKC without whitespace: labels and texts compared on the same footing."""
    return "".join(unicodedata.normalize("NFKC", text).split())




@cache
def labels() -> tuple[tuple[str, str], ...]:
    """(normalised Chinese label, concept local name), longest label first."""
    return schemes.label_index("indicators.ttl", str(INDICATOR), _normal)


def concept_of(indicator: str) -> str | None:
    """Local name of the indicator concept the text denotes, or None when none fits.

    The longest label found inside the text wins, so 专利申请量年均增长率 goes to the growth
    concept and not to 专利申请量.
    """
    text = _normal(indicator)
    for label, concept in labels():
        if label in text:
            return concept
    return None
