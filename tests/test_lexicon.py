"""The one loader of ingest/data's tables: comments and blank lines skipped, a header names columns."""

from __future__ import annotations

import pytest

from ingest import lexicon


def test_rows_are_the_lines_of_a_table_without_comments() -> None:
    rows = lexicon.rows("organ_aliases.tsv")
    assert ("市场监管局", "市场监督管理局") in rows
    assert all(len(row) == 2 and not row[0].startswith("#") for row in rows)


@pytest.mark.parametrize(("name", "columns"), [
    ("divisions.tsv", {"code", "name", "level", "province", "parent"}),
    ("section_kinds.tsv", {"pattern", "kind"}),
    ("metadata_labels.tsv", {"field", "label"}),
])
def test_records_are_named_by_the_header(name: str, columns: set[str]) -> None:
    records = lexicon.records(name)
    assert records
    assert all(set(record) == columns for record in records)
    assert all(record[column] != column for record in records for column in columns)


def test_a_division_is_a_record() -> None:
    assert any(r["name"] == "泉州市" and r["level"] == "city" for r in lexicon.records("divisions.tsv"))
