"""Responsible-unit names → one canonical organ per jurisdiction, typed by an organ type.

INTERFACE STUB (to be replaced; keep the signatures).
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.record import Jurisdiction


@dataclass(frozen=True)
class Organ:
    key: str
    """Stable key of the organ within its jurisdiction, used in its IRI."""
    name: str
    """Canonical full name: 泉州市市场监督管理局."""
    organ_type: str | None
    """Local name of a concept in ontology/organ-types.ttl, or None when unknown."""
    jurisdiction: str | None
    """Name of the jurisdiction the organ belongs to (泉州市), or None."""


def resolve(name: str, jurisdiction: Jurisdiction) -> Organ:
    return Organ(key=name, name=name, organ_type=None, jurisdiction=jurisdiction.name)
