"""A curated query's rows as a table people read: Chinese headers, an IRI shown as its label and
linked through the service, numbers right-aligned, long text folded, and the columns a chart can
draw (numeric ones against the first label column)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from service.pages import href, local_name

__all__ = ["Cell", "Table", "chart", "column_labels", "table"]

NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("integer", "decimal", "double", "float")}
FOLD_AT = 60
"""Characters past which a cell is folded (its first part shown, the rest on demand)."""


@dataclass(frozen=True)
class Cell:
    text: str
    link: str = ""
    kind: str = "text"
    """text, number or long (folded)."""


@dataclass(frozen=True)
class Table:
    columns: list[tuple[str, str]]
    """(variable, header) of each shown column."""
    rows: list[list[Cell]]
    numeric: list[str]
    """Variables whose every value is a number: what a chart draws."""


@cache
def _fields() -> dict[str, list[str]]:
    """routes/column-labels.tsv: variable → [Chinese header, how a chart uses it, the IRI column it names]."""
    text = (files("service") / "routes" / "column-labels.tsv").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {row[0]: [*row[1:], "", ""][:3] for row in rows if len(row) >= 2}


@cache
def _columns() -> dict[str, tuple[str, str]]:
    """variable → (Chinese header, how a chart uses it)."""
    return {name: (header, role) for name, (header, role, _) in _fields().items()}


def column_labels() -> dict[str, str]:
    """variable → Chinese header."""
    return {name: header for name, (header, _) in _columns().items()}


SIGNS = {">=": "≥", "<=": "≤"}
"""A comparator as a reader writes it."""


def table(columns: list[str], rows: list[dict[str, dict[str, str]]]) -> Table:
    """The shown table of SPARQL JSON rows: a NAMELabel column beside NAME becomes NAME's link text, and
    so does a text column that names NAME (column-labels.tsv), in its own place; NAME is not shown."""
    labels = column_labels()
    named = {c: _fields()[c][2] for c in columns if c in _fields() and _fields()[c][2] in columns}
    merged = {f"{c}Label" for c in columns if f"{c}Label" in columns} | set(named.values())
    shown = [c for c in columns if c not in merged]
    numeric = [c for c in shown if any(c in r for r in rows) and _columns().get(c, ("", ""))[1] != "label"
               and all(r[c].get("datatype") in NUMERIC for r in rows if c in r)]
    out = [[_cell(row, c, numeric, named.get(c)) for c in shown] for row in rows]
    return Table([(c, labels.get(c, c)) for c in shown], out, numeric)


def _cell(row: dict[str, dict[str, str]], column: str, numeric: list[str], names: str | None = None) -> Cell:
    """The cell of `column`; a text column that `names` an IRI column is that IRI's link text."""
    named = row.get(names) if names else None
    if named is not None and named["type"] == "uri":
        return Cell(row.get(column, {}).get("value") or local_name(named["value"]), href(named["value"]))
    term = row.get(column)
    if term is None:
        return Cell("")
    if term["type"] == "uri":
        label = row.get(f"{column}Label", {}).get("value") or local_name(term["value"])
        return Cell(label, href(term["value"]))
    if column in numeric:
        return Cell(term["value"], kind="number")
    text = SIGNS.get(term["value"], term["value"])
    return Cell(text, kind="long" if len(text) > FOLD_AT else "text")


def chart(shown: Table) -> dict[str, object] | None:
    """Bars for the numeric columns, one per row, labelled by the first two other columns; None when
    nothing is numeric (counts by topic or stage, values by city are). Numbers of different units
    (targets of every indicator) are not drawn on one axis: the chart counts the rows by the first
    label column instead (targets by city)."""
    if not shown.numeric or not shown.rows:
        return None
    variables = [c for c, _ in shown.columns]
    label_at = [i for i, c in enumerate(variables)
                if c not in shown.numeric and _columns().get(c, ("", ""))[1] not in ("detail", "scale")][:2]
    scales = [i for i, c in enumerate(variables) if _columns().get(c, ("", ""))[1] == "scale"]
    if any(len({row[i].text for row in shown.rows}) > 1 for i in scales) and label_at:
        counts = Counter(row[label_at[0]].text for row in shown.rows)
        return {"labels": list(counts), "series": [{"name": "行数", "values": list(counts.values())}]}
    labels = [" · ".join(row[i].text for i in label_at if row[i].text) for row in shown.rows]
    headers = dict(shown.columns)
    series = [{"name": headers[c], "values": [_number(row[variables.index(c)].text) for row in shown.rows]}
              for c in shown.numeric]
    return {"labels": labels, "series": series}


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
