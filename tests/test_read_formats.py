"""The readers per format: a policy saved as a government web page, a repost, a Word file, a
PDF (one and two columns) or Markdown, or copied as text from a page or a law database, gives
the record its plain text gives, quotes that are
in the file, and for PDF the page of every fact. The inputs are made here from the corpus
(bench/formats.py: python-docx, reportlab with a CJK font, the layout of real sites)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import lxml.html
import pypdfium2 as pdfium
import pytest

from bench import formats
from ingest.pipeline import build, extract_record
from ingest.read import read_data, read_file
from ingest.read.html import page_text
from ingest.vocab import PKG

ROOT = Path(__file__).resolve().parent.parent
CORPUS_FILES = sorted((ROOT / "corpus").glob("*.txt"))
GENRE_FILES = sorted((ROOT / "tests" / "data" / "genre").glob("*.txt"))
WITHOUT = ("source", "span", "text", "page", "sentence")
"""What differs between copies of one document by nature: its file name, offsets, pages, and the
spacing of quoted sentences."""


def _fields(path: Path) -> formats.Fields:
    record = extract_record(path)
    return formats.Fields(record.title or "", record.doc_number or "", record.issuer or "",
                          record.date_issued or "", record.date_issued or "")


MAKERS: dict[str, tuple[str, Callable[[Path], bytes]]] = {
    "gov-page": (".html", lambda path: formats.gov_page(_original(path), _fields(path)).encode()),
    "repost-gb18030": (".html", lambda path: formats.repost_page(_original(path), _fields(path), "gb18030")),
    "copied-page": (".txt", lambda path: _copied_page(path).encode()),
    "database-copy": (".txt", lambda path: _database_copy(path).encode("gb18030")),
    "docx": (".docx", lambda path: formats.docx(_original(path))),
    "markdown": (".md", lambda path: formats.markdown(_original(path)).encode()),
    "pdf": (".pdf", lambda path: formats.pdf(_original(path))),
    "pdf-two-columns": (".pdf", lambda path: formats.pdf(_original(path), columns=2)),
}


def _database_copy(path: Path) -> str:
    """The text as a law database gives it: its 【…】 header above the document."""
    fields = _fields(path)
    header = (f"【发布部门】{fields.issuer}\n【发文字号】{fields.doc_number}\n"
              f"【发布日期】{fields.date_written}\n【时效性】现行有效\n【效力级别】地方规范性文件\n")
    return header + _original(path)


def _copied_page(path: Path) -> str:
    """The text of a government page as a user copies it from the browser."""
    return page_text(formats.gov_page(_original(path), _fields(path)), path.name)


def _original(path: Path) -> str:
    return read_file(path).original


@cache
def _made(path: Path, maker: str, folder: Path) -> Path:
    suffix, make = MAKERS[maker]
    out = folder / f"{path.stem}.{maker}{suffix}"
    out.write_bytes(make(path))
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path, str], Path]:
    folder = tmp_path_factory.mktemp("formats")
    return lambda path, maker: _made(path, maker, folder)


def _comparable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if k not in WITHOUT}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


@pytest.mark.parametrize("maker", sorted(MAKERS))
@pytest.mark.parametrize("path", CORPUS_FILES + GENRE_FILES, ids=lambda path: path.stem[:12])
def test_every_format_gives_the_record_of_the_text(path: Path, maker: str,
                                                   made: Callable[[Path, str], Path]) -> None:
    expected = _comparable(extract_record(path).to_json())
    assert _comparable(extract_record(made(path, maker)).to_json()) == expected


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _quotes(path: Path) -> list[tuple[str, int | None]]:
    """(quote, page) of every measure, incentive and target of the document's graph."""
    graph = build(path).graph
    out = []
    for span in graph.subjects(PKG.quote, None):
        page = graph.value(span, PKG.page)
        out.append((str(graph.value(span, PKG.quote)), int(page) if page is not None else None))
    return out


@pytest.mark.parametrize("maker", ["gov-page", "repost-gb18030"])
def test_web_page_quotes_are_text_of_the_page(maker: str, made: Callable[[Path, str], Path]) -> None:
    page = made(CORPUS_FILES[1], maker)
    shown = _squeezed(lxml.html.document_fromstring(page.read_bytes()).text_content())
    quotes = _quotes(page)
    assert len(quotes) > 50
    assert all(_squeezed(quote) in shown for quote, _ in quotes)


def test_docx_quotes_are_text_of_the_paragraphs(made: Callable[[Path, str], Path]) -> None:
    import docx

    path = made(CORPUS_FILES[1], "docx")
    document = docx.Document(str(path))
    cells = (cell.text for table in document.tables for row in table.rows for cell in row.cells)
    shown = _squeezed("".join(p.text for p in document.paragraphs) + "".join(cells))
    assert all(_squeezed(quote) in shown for quote, _ in _quotes(path))


@pytest.mark.parametrize("maker", ["pdf", "pdf-two-columns"])
def test_pdf_facts_name_the_page_their_quote_is_on(maker: str, made: Callable[[Path, str], Path]) -> None:
    path = made(CORPUS_FILES[1], maker)
    document = pdfium.PdfDocument(path)
    pages = [_squeezed(document[i].get_textpage().get_text_range()) for i in range(len(document))]
    quotes = _quotes(path)
    assert {page for _, page in quotes} == set(range(1, len(pages) + 1))
    for quote, page in quotes:
        assert page is not None
        assert _squeezed(quote)[:8] in pages[page - 1]


def test_pdf_record_has_the_page_of_each_fact(made: Callable[[Path, str], Path]) -> None:
    record = extract_record(made(CORPUS_FILES[1], "pdf")).to_json()
    pages = [measure["page"] for measure in record["measures"]]
    assert pages == sorted(pages)
    assert pages[0] == 1
    assert pages[-1] > 3
    assert all(incentive["page"] for measure in record["measures"] for incentive in measure["incentives"])
    assert all(target["page"] for target in record["targets"])
    assert extract_record(CORPUS_FILES[1]).measures[0].page is None


def test_pdf_reader_drops_running_heads_and_page_numbers(made: Callable[[Path, str], Path]) -> None:
    source = read_file(made(CORPUS_FILES[1], "pdf"))
    assert len(source.pages) > 3
    assert "行政规范性文件" not in source.original
    assert not re.search(r"^- ?\d+ ?-$", source.original, re.M)
    assert "对每个创新引领型、风险防御型、转型升级型项目，分别补助50万元、40万元、30万元。" in source.text


def test_format_is_told_by_content_not_name() -> None:
    page = formats.gov_page("某市知识产权若干措施\n一、加强保护。每件补助1000元。\n", formats.Fields())
    assert read_data(page.encode(), "saved-from-site.doc").format == "html"
    assert read_data(formats.pdf("某市知识产权若干措施\n"), "download").format == "pdf"
    assert read_data(formats.docx("某市知识产权若干措施\n"), "attachment.bin").format == "docx"
