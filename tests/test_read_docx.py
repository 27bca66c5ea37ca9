"""read.docx: paragraphs, Word's automatic numbering as printed, tables, special spaces."""

from __future__ import annotations

import io

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from ingest.read import read_data

NUMBERING = f"""<w:abstractNum {nsdecls("w")} w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>"""


def numbered(document: docx.document.Document, text: str, level: int) -> None:
    paragraph = document.add_paragraph(text)
    properties = paragraph._p.get_or_add_pPr()
    number = f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
    properties.append(parse_xml(number))


def saved(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_automatic_numbering_is_printed() -> None:
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(NUMBERING))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for text, level in [("总体要求", 0), ("主要任务", 0), ("强化创造", 1), ("培育高价值专利。", 2),
                        ("推动商标品牌建设。", 2), ("促进运用", 1), ("开展质押融资。", 2), ("保障措施", 0)]:
        numbered(document, text, level)
    assert read_data(saved(document), "plan.docx").original.splitlines() == [
        "一、总体要求", "二、主要任务", "（一）强化创造", "1.培育高价值专利。", "2.推动商标品牌建设。",
        "（二）促进运用", "1.开展质押融资。", "三、保障措施"]


def test_tables_and_special_spaces() -> None:
    document = docx.Document()
    document.add_paragraph("专利\u200b导航\u00a0项目")
    row = document.add_table(rows=1, cols=2).rows[0]
    row.cells[0].text, row.cells[1].text = "责任单位：", "市市场监管局、市科技局"
    merged = document.add_table(rows=1, cols=3).rows[0]
    merged.cells[0].merge(merged.cells[1]).text = "重点任务"
    merged.cells[2].text = "市财政局"
    source = read_data(saved(document), "x.docx")
    assert source.text.splitlines() == ["专利导航项目", "责任单位：市市场监管局、市科技局",
                                        "重点任务", "市财政局"]
