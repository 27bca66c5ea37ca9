"""read.tables: a table row of a web page or a Word file as lines of text.

A row of label and value cells (索引号： | 014236233/2022-05689 | 发布机构： | 某区人民政府, the
政府信息公开 table; 责任单位： | 市科技局 in a Word file) becomes a line per pair, label and value
together, as the same fields read in a plain-text copy; any other row is a line per cell.
"""

from __future__ import annotations

import re
from functools import cache

from ingest import lexicon

__all__ = ["bare_label", "label_pairs", "label_pattern", "labelled", "metadata_labels", "row_lines"]

_COLON = ("：", ":")


@cache
def metadata_labels() -> dict[str, str]:
    """label → field (title, doc_number, issuer, …) from ingest/data/metadata_labels.tsv."""
    return {row["label"]: row["field"] for row in lexicon.records("metadata_labels.tsv")}


@cache
def label_pattern() -> re.Pattern[str]:
    """A label as fields print it: 【发布机构】, 发布机构：, 发布机构 ："""
    labels = "|".join(map(re.escape, sorted(metadata_labels(), key=len, reverse=True)))
    return re.compile(rf"[【\[［]\s*(?P<bracketed>{labels})\s*[】\]］]\s*[：:]?|(?P<plain>{labels})\s*[：:]")


def bare_label(text: str) -> str | None:
    """A label on a line of its own, without a colon: a table cell copied as a line."""
    bare = re.sub(r"[\s【】\[\]［］：:]", "", text)
    return bare if bare in metadata_labels() else None


def labelled(text: str) -> bool:
    """True for a line of labelled fields: it opens with a label, or is one."""
    found = label_pattern().match(text)
    return bool(found and found.start() <= 1) or bare_label(text) is not None


def row_lines(cells: list[str]) -> list[str]:
    """The lines of one table row: label：value per pair when the row is made of pairs, else
    a line per non-empty cell."""
    return label_pairs(cells) or [cell.strip() for cell in cells if cell.strip()]


def label_pairs(cells: list[str]) -> list[str] | None:
    """label：value for each pair of a row of label and value cells, or None for another row."""
    cells = [re.sub(r"\s+", " ", cell).strip() for cell in cells]
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) % 2:
        cells.append("")
    labels = cells[::2]
    if not cells or not all(_is_label(label) for label in labels):
        return None
    return [label + ("" if label.endswith(_COLON) else "：") + value
            for label, value in zip(labels, cells[1::2], strict=True)]


def _is_label(cell: str) -> bool:
    compact = re.sub(r"[\s【】\[\]［］]", "", cell)
    return (compact.endswith(_COLON) and len(compact) <= 12) or compact in metadata_labels()
