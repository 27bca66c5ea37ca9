"""The validity status (时效性) pages show for a policy, by the one rule of the ingest side
(ingest.validity.status) applied to what the graph states, on the day the page is asked for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from ingest.validity import EXPIRED, IN_FORCE, NOT_YET, STATUSES, Status, status

__all__ = ["BADGES", "STATUSES", "repealed_from", "validity"]

BADGES: dict[str, str] = {IN_FORCE: "in-force", EXPIRED: "expired", NOT_YET: "pending"}
"""The style of each status's badge (未知 keeps the plain one)."""


def validity(row: Mapping[str, str], on: date | None = None) -> Status:
    """The status on `on` (today) of a policy row with inForce, date (issued), until and
    repealedFrom as the page queries name them."""
    return status(on or date.today(), in_force_from=row.get("inForce"), issued=row.get("date"),
                  until=row.get("until"), repealed_from=row.get("repealedFrom"))


def repealed_from(repealers: Iterable[Mapping[str, str]]) -> str | None:
    """The earliest day a stored repealing policy took effect (its entry into force, else its
    issue date), from rows with the repealer's otherInForce and otherDate."""
    days = [row.get("otherInForce") or row.get("otherDate") for row in repealers]
    return min((day for day in days if day), default=None)
