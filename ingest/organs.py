"""Responsible-unit names → one canonical organ per jurisdiction, typed by an organ type.

Policies name the same organ many ways (市市场监管局, 市场监督管理局, 泉州市市场监督管理局);
questions such as "which units co-own most measures" need one organ behind them, and
comparisons across cities need a type shared by all (market regulation, finance …). The
types and their labels live in ontology/organ-types.ttl, the short forms in
ingest/data/organ_aliases.tsv: both are data, loaded once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from rdflib import Namespace

from ingest import lexicon, schemes
from ingest.record import Jurisdiction

ORGAN_TYPE = Namespace("https://w3id.org/policykg/def/organ-type/")
_LEVEL_MARK = {"province": "省", "city": "市", "district": "区", "county": "县"}
_TRAILING_ALIAS = re.compile(r"（[^（）]*）$")


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


def normal(text: str) -> str:
    """NFKC with full-width brackets kept, no whitespace: names compared on one footing."""
    text = unicodedata.normalize("NFKC", text).replace("(", "（").replace(")", "）")
    return "".join(text.split())




@cache
def labels() -> tuple[tuple[str, str], ...]:
    """(Chinese label, organ-type local name), longest label first."""
    return schemes.label_index("organ-types.ttl", str(ORGAN_TYPE), normal)


@cache
def aliases() -> tuple[tuple[str, str], ...]:
    """(short form, full form), longest short form first."""
    pairs = [(normal(short), normal(full)) for short, full in lexicon.rows("organ_aliases.tsv")]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


@cache
def surface_labels() -> frozenset[str]:
    """Every label or short form that names an organ on its own (科技局, 人民检察院)."""
    return frozenset(label for label, _ in labels()) | {short for short, _ in aliases()}


@cache
def _surface_tuple() -> tuple[str, ...]:
    """surface_labels() as str.startswith and str.endswith take them: one C loop, not a generator."""
    return tuple(surface_labels())


def organ_type(name: str) -> str | None:
    """The type of the longest label found in the name (its trailing alias set aside)."""
    main = _TRAILING_ALIAS.sub("", normal(name)) or normal(name)
    for label, concept in labels():
        if label in main:
            return concept
    return None


def names_organ(name: str) -> bool:
    """True when the name ends as an organ does (…局, …领导小组): free text is trusted only then."""
    main = _TRAILING_ALIAS.sub("", normal(name)) or normal(name)
    return main.endswith(_surface_tuple())


def is_bare(name: str) -> bool:
    """True for an organ named without any place (科技局, 人民检察院): a 、 list's prefix applies."""
    return _TRAILING_ALIAS.sub("", normal(name)) in surface_labels()


def expand(name: str) -> str:
    """The full form of the name's end: 市场监管局 → 市场监督管理局, 管委会 → 管理委员会."""
    for short, full in aliases():
        if name.endswith(short) and not name.endswith(full):
            return name[: -len(short)] + full
    return name


def places(jurisdiction: Jurisdiction) -> tuple[str, ...]:
    """Names a unit may start with to say whose it is: the jurisdiction, its parent, its province."""
    return tuple(p for p in (jurisdiction.name, jurisdiction.parent, jurisdiction.province) if p)


def _owner(main: str, jurisdiction: Jurisdiction) -> tuple[str | None, str]:
    """(jurisdiction the name belongs to, name without that place), or (None, name) when the
    name starts with a place of its own (泉州海关, 人民银行泉州市中心支行 are kept whole)."""
    if is_bare(main) or main.startswith("各"):
        return jurisdiction.name, main
    for place in places(jurisdiction):
        if main.startswith(place) and len(main) > len(place):
            return place, main[len(place) :]
    mark, rest = main[:1], main[1:]
    if not rest or main.startswith(_surface_tuple()):
        return None, main
    if jurisdiction.name and mark == _LEVEL_MARK.get(jurisdiction.level or ""):
        return jurisdiction.name, rest
    if jurisdiction.parent and mark == "市" and jurisdiction.level in ("district", "county"):
        return jurisdiction.parent, rest
    return None, main


@lru_cache(maxsize=4096)
def resolve(name: str, jurisdiction: Jurisdiction) -> Organ:
    """The organ a unit name denotes: the jurisdiction's full name + the full form of the rest.

    市市场监管局, 市场监督管理局 and 泉州市市场监督管理局 in a 泉州市 policy give one organ;
    a trailing alias (市委宣传部（版权局）) is set aside; names that carry their own place
    (泉州海关, 人民银行泉州市中心支行) keep it and are only expanded. Cached: a document names
    the same few organs dozens of times.
    """
    main = _TRAILING_ALIAS.sub("", normal(name)) or normal(name)
    owner, rest = _owner(main, jurisdiction)
    canonical = (owner or "") + expand(rest)
    return Organ(key=canonical, name=canonical, organ_type=organ_type(main),
                 jurisdiction=owner or jurisdiction.name)
