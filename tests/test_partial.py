"""partial: a copy cut mid-sentence or visibly abridged is kept with what it holds and says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.partial import partial_reason
from ingest.pipeline import extract_record
from ingest.read import read_bytes
from ingest.segment import segment

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def reason(text: str) -> str | None:
    return partial_reason(segment(read_bytes(text.encode("utf-8"), "snippet.txt")))


@pytest.mark.parametrize(("text", "expected"), [
    ("某市工作方案\n一、主要任务\n1.加强创造。内容。\n2.加强运用。支持企业开展专利导航和",
     "文本在句中截断 (text ends mid-sentence): …2.加强运用。支持企业开展专利导航和"),
    ("某市知识产权工作意见\n为贯彻落实国家战略，推动知识产权高质量发展，结合我市实际，现提出",
     "文本在句中截断 (text ends mid-sentence): …知识产权高质量发展，结合我市实际，现提出"),
    ("某市工作方案\n一、主要任务\n1.加强创造。内容。\n（略）\n3.加强保护。内容。\n",
     "文本有删节 (abridged): （略）"),
    ("某市工作方案\n一、主要任务\n1.加强创造。内容。\n……\n3.加强保护。内容。\n",
     "文本有删节 (abridged): ……"),
    ("某市工作方案\n一、主要任务\n1.加强创造。内容。\n二、保障措施（略）\n",
     "文本有删节 (abridged): 二、保障措施（略）"),
    ("某市知识产权工作方案（节选）\n一、主要任务\n1.加强创造。内容。\n",
     "文本有删节 (abridged): 某市知识产权工作方案（节选）"),
    # whole texts: a last heading, a 责任单位 field, site furniture, a signature
    ("某市工作方案\n一、主要任务\n1.加强创造。内容。\n2.加强运用。内容。\n", None),
    ("某区工作方案\n一、主要任务\n1.加强创造。\n2.加强运用。\n责任单位：区科技局、区财政局", None),
    ("某市工作方案\n一、主要任务\n1.加强创造。支持企业。\n2.加强运用，推进转化\n"
     "上一篇：某市专利资助办法\n打印本页\n", None),
    ("某市工作方案\n一、主要任务\n1.加强创造，推进转化\n某市人民政府\n2021年12月23日\n", None),
    ("某市工作方案\n一、主要任务\n1.实施专利导航，形成策略（略有调整的按新规执行）。\n", None),
])
def test_partial_reason(text: str, expected: str | None) -> None:
    assert reason(text) == expected


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda path: path.name[:3])
def test_corpus_documents_are_whole(path: Path) -> None:
    assert extract_record(path).partial is None


def test_a_cut_copy_keeps_its_metadata_targets_and_measures(tmp_path: Path) -> None:
    """001 cut off in its 14th item, as a failed download leaves it: extracted, not refused."""
    text = next(CORPUS.glob("001_*.txt")).read_text(encoding="utf-8")
    cut = tmp_path / "quanzhou-cut.txt"
    cut.write_text(text[: text.index("14.") + 40], encoding="utf-8")
    record = extract_record(cut)
    assert record.partial is not None
    assert record.partial.startswith("文本在句中截断")
    assert record.title == "泉州市人民政府关于促进知识产权高质量发展的若干意见"
    assert record.doc_number == "泉政文〔2021〕70号"
    assert len(record.targets) == 8
    assert len(record.measures) == 14
    assert record.measures[0].incentives
