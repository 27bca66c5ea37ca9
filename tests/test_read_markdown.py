"""read.markdown: the text a Markdown file renders to."""

from __future__ import annotations

from ingest.read import read_data

COLLECTION = """---
title: 某市专利促进条例
---
# 某市专利促进条例

<!-- INFO END -->

## 第一章　总则

**第一条**　为了促进专利创造和运用，制定本条例。
第二条　本条例适用于本市行政区域。

1. 加强 [专利导航](https://example.org)。
2. 推动`专利`转化。

| 项目 | 金额 |
|---|---|
| 发明专利 | 5000元 |
"""


def test_collection_renders_to_its_text() -> None:
    assert read_data(COLLECTION.encode(), "law.md").original.splitlines() == [
        "title: 某市专利促进条例", "某市专利促进条例", "第一章　总则",
        "第一条　为了促进专利创造和运用，制定本条例。",
        "第二条　本条例适用于本市行政区域。", "1.加强 专利导航。", "2.推动专利转化。",
        "项目", "金额", "发明专利", "5000元"]


def test_gb18030_markdown() -> None:
    text = "# 某市专利资助办法\n\n第一条　为了促进专利创造和运用，加强知识产权保护，制定本办法。\n"
    assert read_data(text.encode("gb18030"), "x.md").text.splitlines()[0] == "某市专利资助办法"
