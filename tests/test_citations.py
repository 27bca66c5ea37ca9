"""extract.citations: cited and repealed documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.extract import citations
from ingest.read import read_bytes, read_file
from ingest.record import PolicyRecord
from ingest.segment import Document

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _document(text: str) -> Document:
    return Document(read_bytes(text.encode("utf-8"), "snippet.txt"), "", (), "")


def _run(text: str, title: str | None = None, doc_number: str | None = None) -> PolicyRecord:
    record = PolicyRecord("snippet.txt", title=title, doc_number=doc_number)
    return citations.extract(_document(text), record)


def _corpus(stem: str, date_issued: str | None = None) -> PolicyRecord:
    path = next(CORPUS.glob(f"{stem}_*.txt"))
    document = Document(read_file(path), "", (), "")
    return citations.extract(document, PolicyRecord(path.name, date_issued=date_issued))


@pytest.mark.parametrize(
    ("text", "cites"),
    [
        ("为贯彻落实《国家知识产权战略纲要》，制定本方案。", ["国家知识产权战略纲要"]),
        (
            "根据《福建省知识产权强县管理办法》（闽知管〔2017〕30号）等有关文件精神",
            ["福建省知识产权强县管理办法", "闽知管〔2017〕30号"],
        ),
        ("贯彻落实国发[2015]71号文件精神", ["国发〔2015〕71号"]),
        ("按照(国办发【2020】 9 号)要求", ["国办发〔2020〕9号"]),
        ("将《专利法》《商标法》列入普法内容，宣传《专利法》", ["专利法", "商标法"]),
        ("实施《知识产权强国建设纲要(2021-2035年)》", ["知识产权强国建设纲要（2021-2035年）"]),
        ("加强知识产权保护，提升服务水平。", []),
        # a short name the text defines for a cited document is no second document
        ("根据《广东省知识产权战略纲要》（粤府〔2007〕88号）（以下简称《纲要》），结合《纲要》目标",
         ["广东省知识产权战略纲要", "粤府〔2007〕88号"]),
        ("依照《某省专利条例》(下称《条例》)的规定", ["某省专利条例"]),
    ],
)
def test_cites(text: str, cites: list[str]) -> None:
    assert list(_run(text).cites) == cites


@pytest.mark.parametrize(
    ("text", "title", "doc_number", "excluded"),
    [
        ("现将《某市知识产权工作方案》印发给你们，请认真组织实施。", None, None, "某市知识产权工作方案"),
        ("关于印发《某区专利资助办法》的通知", None, None, "某区专利资助办法"),
        ("某市工作方案\n《某市工作方案》，某市人民政府发布的方案。", None, None, "某市工作方案"),
        ("依照《某市若干意见》执行。", "某市若干意见", None, "某市若干意见"),
        ("\n某政〔2021〕7号\n\n各县人民政府：", None, None, "某政〔2021〕7号"),
        ("见某政文〔2021〕8号。", None, "某政文〔2021〕8号", "某政文〔2021〕8号"),
    ],
)
def test_own_title_and_number_are_not_cited(
    text: str, title: str | None, doc_number: str | None, excluded: str
) -> None:
    assert excluded not in _run(text, title, doc_number).cites


@pytest.mark.parametrize(
    ("text", "repeals"),
    [
        (
            "本意见自发布之日起施行，有效期3年。《某市关于加强商标工作的意见》（某政文〔2018〕70号）"
            "同时废止，2021年度符合（某政文〔2018〕70号）奖补条件的项目在2022年申报兑现。",
            ["某市关于加强商标工作的意见", "某政文〔2018〕70号"],
        ),
        ("本办法施行之日起，废止《某县专利资助办法》。", ["某县专利资助办法"]),
        ("原某政办〔2015〕3号文件停止执行。", ["某政办〔2015〕3号"]),
        ("落实《某市专利资助办法》，对侵权行为依法查处。", []),
        # the clause begins after the last line break or full stop before the keyword
        ("《某县专利资助办法》继续执行。\n《某县商标奖励办法》同时废止。", ["某县商标奖励办法"]),
        ("《某县专利资助办法》继续执行！《某县商标奖励办法》同时废止。", ["某县商标奖励办法"]),
    ],
)
def test_repeals(text: str, repeals: list[str]) -> None:
    record = _run(text)
    assert list(record.repeals) == repeals
    assert set(repeals) <= set(record.cites)


def test_corpus_000_cites_basis_and_laws_not_itself() -> None:
    record = _corpus("000")
    assert "国家知识产权战略纲要" in record.cites
    assert "泉鲤政办〔2017〕120号" in record.cites
    assert "专利法" in record.cites
    assert "鲤城区实施福建省知识产权强区工程工作方案" not in record.cites
    assert "泉鲤政办〔2018〕45号" not in record.cites
    assert record.repeals == ()


def test_corpus_001_repeals() -> None:
    record = _corpus("001", date_issued="2021-12-23")
    assert set(record.repeals) == {"泉州市人民政府关于加强商标品牌建设工作的意见", "泉政文〔2018〕70号"}
    assert "泉政文〔2021〕70号" not in record.cites


def test_corpus_004_transmittal_title_excluded() -> None:
    record = _corpus("004")
    assert not any(name.startswith("泰安市泰山区国家知识产权强县") for name in record.cites)
    assert "国知办函运字〔2021〕1197号" in record.cites
    assert len(record.cites) == 10
