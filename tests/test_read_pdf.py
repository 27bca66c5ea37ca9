"""read.pdf: reading order, running heads, page numbers and paragraphs of a PDF's text layer."""

from __future__ import annotations

import io

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


def _typeset(lines: list[tuple[str, float, str]], columns_of: float = 1.0) -> bytes:
    """A page as an office suite prints a 公文: (text, size, alignment) per line, centred
    titles in a larger type, body lines wrapped at the margin of a column `columns_of` the
    text width."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    y, room = height - 90, (width - 144) * columns_of
    for text, size, align in lines:
        indent = 2 * size if align == "indent" else 0.0
        while text:
            cut = len(text)
            while pdfmetrics.stringWidth(text[:cut], font, size) > room - indent:
                cut -= 1
            page.setFont(font, size)
            if align == "centre":
                page.drawCentredString(width / 2, y, text[:cut])
            else:
                page.drawString(72 + indent, y, text[:cut])
            y, text, indent = y - 1.6 * size, text[cut:], 0.0
    page.showPage()
    page.save()
    return out.getvalue()


def test_title_wrapped_in_large_type_stays_apart_from_the_number_below() -> None:
    title = "某某市市场监督管理局关于组织申报二〇二四年度某某市知识产权专项资金资助项目的通知"
    text = read_data(_typeset([(title, 20, "centre"), ("某市监〔2024〕15号", 14, "left"),
                               ("各县（区）市场监督管理局：", 14, "left")]), "x.pdf").original
    assert text.splitlines()[-2:] == ["某市监〔2024〕15号", "各县（区）市场监督管理局："]


def test_a_short_page_of_short_lines_keeps_them_apart() -> None:
    """Lines that end short of the margin of a page are not run on, whatever they share."""
    lines = ["关于组织申报2024年度某某市知识产权专项资金项目的通知", "某市监〔2024〕15号", "一、申报范围",
             "（一）发明专利每件资助3000元。", "某某市市场监督管理局", "2024年3月1日"]
    text = read_data(_typeset([(line, 12, "left") for line in lines]), "x.pdf").original
    assert text.splitlines() == lines


def test_spaced_headings_are_one_line_in_order() -> None:
    text = read_data(_typeset([("目　　录", 16, "centre"), ("第一章　总　　则", 14, "centre"),
                               ("第一条 为了鼓励发明创造，制定本条例。", 12, "indent")]), "x.pdf").original
    assert text.splitlines()[:2] == ["目　　录", "第一章　总　　则"]


def test_a_short_two_column_text_reads_as_in_one() -> None:
    """Columns of a few lines each have their own margins, so their paragraphs run on."""
    paragraph = "市人民政府应当设立专利专项资金，用于专利申请资助、专利运用和保护，所需经费列入本级财政预算。"
    text = "\n".join(["某市专利条例", *(f"第{n}条 {paragraph}" for n in "一二三四五六七八")])
    two = read_data(formats.pdf(text, columns=2), "x.pdf").original
    assert two == read_data(formats.pdf(text), "x.pdf").original


def test_paragraphs_of_a_short_column_run_on() -> None:
    """A page whose text keeps to the left half (a two-column text's last page): its paragraphs
    are joined at its own margin."""
    paragraph = "市人民政府应当设立专利专项资金，用于专利申请资助、专利运用和保护，所需经费列入本级财政预算。"
    text = read_data(_typeset([("第九条", 12, "left"), (paragraph, 12, "indent")], columns_of=0.45),
                     "x.pdf").original
    assert text.splitlines() == ["第九条", paragraph]
