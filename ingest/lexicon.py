"""The word lists and rule tables of the genre: tab-separated files in ingest/data, read by one loader.

A line that starts with # is a comment, a blank line is skipped; every other line is one row of
fields. A file whose first row names its columns is read as records (column → field).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

__all__ = ["records", "rows"]


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of ingest/data/NAME (a .tsv file), in order."""
    text = (files("ingest") / "data" / name).read_text(encoding="utf-8")
    lines = (line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return tuple(tuple(line.split("\t")) for line in lines)


def records(name: str) -> tuple[dict[str, str], ...]:
    """The rows of ingest/data/NAME after its header row, each by the header's column names."""
    header, *body = rows(name)
    return tuple(dict(zip(header, row, strict=True)) for row in body)
