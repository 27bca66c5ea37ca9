"""The validity status of a policy on a day (时效性): 现行有效, 已失效, 尚未生效 or 未知.

Computed when asked, never stored, from what the graph states of the policy: its entry into
force (eli:first_date_entry_in_force), else its issue date (eli:date_document); its last day
in force (eli:date_no_longer_in_force); and the entry into force of a stored policy that
repeals it (eli:repeals). Unknown is said, not guessed: a policy is in force only when its
text gives an entry into force or an end, so a plan with neither (an undated 2016 plan) is
未知 in 2026, not 现行有效. Dates known only to the month or year are intervals: on a day inside
one the answer is 未知. `validity.rq` beside this module is the same rule in SPARQL, for
readers of the store; ontology/policykg.ttl documents it.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from importlib import resources
from typing import Final, Literal

from rdflib import URIRef

from ingest.vocab import PKG

__all__ = ["CONCEPTS", "EXPIRED", "IN_FORCE", "NOT_YET", "STATUSES", "UNKNOWN", "Status", "status",
           "status_query", "status_rule"]

Status = Literal["现行有效", "已失效", "尚未生效", "未知"]
IN_FORCE: Final = "现行有效"
EXPIRED: Final = "已失效"
NOT_YET: Final = "尚未生效"
UNKNOWN: Final = "未知"
STATUSES: tuple[Status, ...] = (IN_FORCE, EXPIRED, NOT_YET, UNKNOWN)
CONCEPTS: dict[Status, URIRef] = {IN_FORCE: PKG.InForce, EXPIRED: PKG.Expired, NOT_YET: PKG.NotYetInForce,
                                  UNKNOWN: PKG.ValidityUnknown}
"""The concept of ontology/policykg.ttl that names each status (its skos:notation is the status)."""


def status(on: date, *, in_force_from: str | None = None, issued: str | None = None,
           until: str | None = None, repealed_from: str | None = None) -> Status:
    """The status on day `on`, from ISO dates (YYYY, YYYY-MM or YYYY-MM-DD) as the graph has them:
    entry into force, issue date, last day in force, first day of a repealing policy's force."""
    day = on.isoformat()
    start = in_force_from or issued
    if (repealed_from and _reached(day, repealed_from)) or (until and _past(day, until)):
        return EXPIRED
    if start and day < start:
        return NOT_YET
    if ((in_force_from or until) and start and _reached(day, start)
            and (not until or day <= until) and (not repealed_from or day < repealed_from)):
        return IN_FORCE
    return UNKNOWN


def _reached(day: str, when: str) -> bool:
    """`day` is surely on or after `when` (after the whole month or year of a partial date)."""
    return day == when or (day > when and not day.startswith(when))


def _past(day: str, end: str) -> bool:
    """`day` is surely after the last day `end`."""
    return day > end and not day.startswith(end)


@cache
def status_query() -> str:
    """SELECT ?policy ?date ?validity ?status … for every policy (bind ?date, and ?policy for one);
    ?validity is a concept of CONCEPTS, ?status its notation when the vocabulary is stored."""
    return resources.files("ingest").joinpath("validity.rq").read_text(encoding="utf-8")


def status_rule() -> str:
    """The BIND block of status_query() that turns ?date, ?inForceFrom, ?issued, ?validUntil and
    ?repealedFrom into the concept ?validity: what a query that shows a status copies."""
    found = re.search(r"# status rule: begin\n(.*?)\n\s*# status rule: end", status_query(), re.S)
    if found is None:
        raise ValueError("validity.rq has lost its status rule markers")
    return found.group(1)
