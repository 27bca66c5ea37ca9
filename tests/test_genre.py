"""The extractor on documents of forms the corpus lacks (tests/data/genre, written for the
project with hand-made gold): 若干措施 with （1） items and 牵头/配合 lines, a GB18030 资助办法 in
第X章/第X条, a county plan with 分别 targets, a Taiwan-rendered web copy with site chrome, a PDF
copy with broken lines and page numbers, a notice with （责任单位：…） after each item, and the
wider genre: a 条例 with its table of contents, chapters, duty articles (…部门应当…) and penalties,
an application notice (申报通知) whose amounts stand under 资助标准, a 实施细则 with 第X节 and
articles whose items carry the amounts; and one real regulation as a law collection prints it in
Markdown (10_regulation_markdown.md: 重庆市专利促进与保护条例 from LawRefBook/Laws, a 地方性法规,
which copyright law leaves free; its gold made by hand).

Scored per document and category with a compact matcher in the spirit of the project's
scorer (titles by difflib similarity, units per matched measure, targets by value and year,
incentives by their numbers), so that a regression on any form fails here.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from ingest.pipeline import extract_record

GENRE = Path(__file__).resolve().parent / "data" / "genre"
DOCUMENTS = sorted(path.name for path in GENRE.iterdir() if path.suffix in (".txt", ".md"))
MEASURE_SIM = 0.8
UNIT_SIM = 0.85
INDICATOR_SIM = 0.5
METADATA = ("title", "doc_number", "issuer", "date_issued", "valid_until")
F1_FLOOR = {"measures": 0.9, "units": 0.9, "targets": 0.9, "incentives": 0.9}


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s《》“”\"']", "", text)


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _norm(a), _norm(b), autojunk=False).ratio()


def _unit_name(name: str, places: tuple[str, ...]) -> str:
    """A unit without its jurisdiction prefix: 南康区市场监管局, 区市场监管局 → 市场监管局."""
    name = _norm(name)
    for place in places:
        if place and name.startswith(place):
            return name[len(place):]
    return name[1:] if name[:1] in ("市", "区", "县") else name


def _pairs(gold: list[Any], pred: list[Any], same: Callable[[Any, Any], float],
           floor: float) -> list[tuple[Any, Any]]:
    """One-to-one greedy matching, best similarity first."""
    scored = sorted(((same(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)),
                    key=lambda t: -t[0])
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for score, i, j in scored:
        if score >= floor and i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            out.append((gold[i], pred[j]))
    return out


def _f1(matched: int, gold: int, pred: int) -> float:
    return 1.0 if gold + pred == 0 else 2 * matched / (gold + pred)


def _close(a: float | None, b: float | None) -> bool:
    return a is None or (b is not None and abs(a - b) < 1e-6)


def _incentive_same(gold: dict[str, Any], pred: dict[str, Any]) -> float:
    keys = [k for k in ("amount_cny", "rate", "cap_cny") if gold[k] is not None]
    return 1.0 if keys and all(_close(gold[k], pred[k]) for k in keys) else 0.0


def _target_same(gold: dict[str, Any], pred: dict[str, Any]) -> float:
    if not _close(gold["value"], pred["value"]) or gold["year"] != pred["year"]:
        return 0.0
    return _similar(gold["indicator"], pred["indicator"])


@cache
def _record(name: str) -> dict[str, Any]:
    return extract_record(GENRE / name).to_json()


@cache
def _gold(name: str) -> dict[str, Any]:
    gold: dict[str, Any] = json.loads((GENRE / name).with_suffix(".json").read_text(encoding="utf-8"))
    return gold


def scores(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, float]:
    """F1 per category of one predicted record against its gold."""
    jurisdiction = gold["jurisdiction"]
    places = tuple(sorted({p for name in (jurisdiction["name"], jurisdiction["parent"]) if name
                           for p in (name, name[:-1])}, key=len, reverse=True))
    measures = _pairs(gold["measures"], pred["measures"],
                      lambda g, p: _similar(g["title"], p["title"]), MEASURE_SIM)
    units = [0, 0, 0]
    incentives = [0, 0, 0]
    for g, p in measures:
        g_units = [_unit_name(u, places) for u in g["responsible_units"]]
        p_units = [_unit_name(u, places) for u in p["responsible_units"]]
        units[0] += len(_pairs(g_units, p_units, _similar, UNIT_SIM))
        incentives[0] += len(_pairs(g["incentives"], p["incentives"], _incentive_same, 1.0))
    units[1:] = _count(gold["measures"], "responsible_units"), _count(pred["measures"], "responsible_units")
    incentives[1:] = _count(gold["measures"], "incentives"), _count(pred["measures"], "incentives")
    targets = _pairs(gold["targets"], pred["targets"], _target_same, INDICATOR_SIM)
    return {
        "measures": _f1(len(measures), len(gold["measures"]), len(pred["measures"])),
        "units": _f1(*units),
        "targets": _f1(len(targets), len(gold["targets"]), len(pred["targets"])),
        "incentives": _f1(*incentives),
    }


def _count(measures: Iterable[dict[str, Any]], key: str) -> int:
    return sum(len(m[key]) for m in measures)


def test_every_document_has_gold() -> None:
    assert len(DOCUMENTS) >= 6
    assert all((GENRE / name).with_suffix(".json").exists() for name in DOCUMENTS)


def test_one_document_is_not_utf8() -> None:
    """The encodings side of read is exercised: at least one file is GB18030."""
    undecodable = []
    for name in DOCUMENTS:
        try:
            (GENRE / name).read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            undecodable.append(name)
    assert undecodable


@pytest.mark.parametrize("name", DOCUMENTS)
@pytest.mark.parametrize("category", sorted(F1_FLOOR))
def test_category_f1(name: str, category: str) -> None:
    assert scores(_gold(name), _record(name))[category] >= F1_FLOOR[category]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_metadata(name: str) -> None:
    gold, pred = _gold(name), _record(name)
    assert _similar(gold["title"], pred["title"] or "") >= 0.9
    for field in METADATA[1:]:
        assert pred[field] == gold[field], field
    for field in ("name", "level", "province", "parent"):
        assert pred["jurisdiction"][field] == gold["jurisdiction"][field], field


def test_matcher_can_fail() -> None:
    """The matcher scores a record with its measures and targets dropped as zero."""
    gold = _gold(DOCUMENTS[0])
    empty = {**gold, "measures": [], "targets": []}
    assert scores(gold, empty) == {"measures": 0.0, "units": 0.0, "targets": 0.0, "incentives": 0.0}
    assert scores(gold, gold) == {"measures": 1.0, "units": 1.0, "targets": 1.0, "incentives": 1.0}
