"""read.pdf: reading order, running heads, page numbers and paragraphs of a PDF's text layer."""

from __future__ import annotations

from bench import formats
from ingest.read import read_data

PARAGRAPH = ("为深入实施知识产权强国战略，加快建设知识产权强市，推动经济高质量发展，"
             "结合本市实际，制定以下措施。") * 3
TEXT = "\n".join(["某市知识产权若干措施", PARAGRAPH, "一、提升创造质量",
                  *(f"{n}.支持高价值专利培育。对新授权的发明专利，每件给予{n}000元资助，鼓励企业加大研发投入。"
                    for n in range(1, 40)), "某市人民政府", "2023年4月10日"])


def test_one_column_pages() -> None:
    source = read_data(formats.pdf(TEXT), "x.pdf")
    lines = source.original.splitlines()
    assert lines[:3] == ["某市知识产权若干措施", PARAGRAPH, "一、提升创造质量"]
    assert lines[-2:] == ["某市人民政府", "2023年4月10日"]
    assert len(lines) == len(TEXT.splitlines())
    assert len(source.pages) >= 3
    assert source.page_at(0) == 1
    assert source.page_at(len(source.original) - 1) > 2


def test_two_columns_read_left_then_right() -> None:
    one = read_data(formats.pdf(TEXT), "x.pdf").original
    two = read_data(formats.pdf(TEXT, columns=2), "x.pdf").original
    assert two == one
