"""Chinese administrative divisions (ingest/data/divisions.tsv): names found in text → Jurisdiction.

A policy names its own region in the issuing organ (泉州市鲤城区人民政府办公室) or in its title.
Names repeat across provinces (鼓楼区 is in 福州, 南京, 徐州, 开封), so a name is resolved
with the help of the higher-level names written around it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from ingest import lexicon
from ingest.record import Jurisdiction

_RANK = {"province": 0, "city": 1, "district": 2, "county": 2}


@cache
def divisions() -> dict[str, tuple[Jurisdiction, ...]]:
    """Every division by name; most names are unique, some repeat in several cities."""
    by_name: dict[str, list[Jurisdiction]] = {}
    for row in lexicon.records("divisions.tsv"):
        division = Jurisdiction(name=row["name"], level=row["level"],  # type: ignore[arg-type]
                                province=row["province"], parent=row["parent"] or None,
                                code=row["code"])
        by_name.setdefault(row["name"], []).append(division)
    return {name: tuple(found) for name, found in by_name.items()}


@cache
def by_code(code: str) -> Jurisdiction | None:
    """The division of a GB/T 2260 code (350500 → 泉州市), or None."""
    codes = {division.code: division for found in divisions().values() for division in found}
    return codes.get(code)


@cache
def _longest_name() -> int:
    return max(len(name) for name in divisions())


def names_in(text: str) -> list[str]:
    """Division names written in the text, longest match first at each place, left to right.

    Two-character district names (城区, 郊区, 矿区) are ordinary words and are not taken.
    """
    table, found, i = divisions(), [], 0
    while i < len(text):
        for size in range(min(_longest_name(), len(text) - i), 1, -1):
            name = text[i:i + size]
            if name in table and not (size == 2 and name.endswith("区")):
                found.append(name)
                i += size
                break
        else:
            i += 1
    return found


def resolve(names: Iterable[str], context: str = "") -> Jurisdiction | None:
    """The most local division among the names, the others (and `context`) telling homonyms apart."""
    named = list(dict.fromkeys(names))
    if not named:
        return None
    candidates = [division for name in named for division in divisions()[name]]
    around = set(names_in(context))

    def fit(division: Jurisdiction) -> tuple[int, int, int]:
        higher = (division.parent, division.province)
        return (_RANK[division.level or "province"], sum(name in named for name in higher),
                sum(name in around for name in higher))

    return max(candidates, key=fit)
