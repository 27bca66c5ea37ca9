"""read.html: a saved web page → the text a reader sees, without site furniture, its metadata
table as label：value lines."""

from __future__ import annotations

import pytest

from ingest.read import read_data
from ingest.read.html import page_text


def page(body: str, head: str = '<meta charset="utf-8">') -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(("body", "text"), [
    ("<p>一、总体要求</p><p>　　推动高质量发展。</p>", "一、总体要求\n　　推动高质量发展。\n"),
    ("<div>第一条 保护专利权。<br>第二条 适用于本市。</div>", "第一条 保护专利权。\n第二条 适用于本市。\n"),
    ("<p>推动知识产权\n   高质量发展。</p>", "推动知识产权 高质量发展。\n"),
    ("<table><tr><td>索引号：</td><td>0001/2023-01</td><td>发布机构：</td><td>某市人民政府</td></tr>"
     "<tr><td>发文字号</td><td>某政〔2023〕1号</td></tr></table>",
     "索引号：0001/2023-01\n发布机构：某市人民政府\n发文字号：某政〔2023〕1号\n"),
    ("<table><tr><td>序号</td><td>任务</td></tr><tr><td>1</td><td>推动专利转化</td></tr></table>",
     "序号\n任务\n1\n推动专利转化\n"),
], ids=["paragraphs", "line-breaks", "markup-white-space", "metadata-table", "other-table"])
def test_layout(body: str, text: str) -> None:
    assert page_text(page(body), "x.html") == text


@pytest.mark.parametrize("furniture", [
    '<div class="nav"><a href="/">首页</a><a href="/zwgk">政务公开</a></div>',
    '<ul><li><a href="/1">关于印发某方案的通知</a></li><li><a href="/2">关于某办法的通知</a></li></ul>',
    '<div class="bdsharebuttonbox">分享到：<a href="#">微信</a></div>',
    '<div id="footer">版权所有 某市人民政府 ICP备05012345号</div>',
    '<script>var views = "浏览次数";</script><style>p { color: red }</style>',
    "<!-- 相关文件 --><nav>政务公开</nav><aside>热点专题</aside>",
])
def test_site_furniture_is_dropped(furniture: str) -> None:
    body = "<h1>某市知识产权若干措施</h1><p>一、加强保护。对每件发明专利补助1000元。</p>"
    assert page_text(page(furniture + body + furniture), "x.html") == page_text(page(body), "x.html")


def test_an_element_named_like_furniture_that_holds_the_text_is_kept() -> None:
    body = '<div class="print-content"><p>一、加强保护。对每件发明专利补助1000元，推动专利转化。</p></div>'
    assert "对每件发明专利补助1000元" in page_text(page(body), "x.html")


@pytest.mark.parametrize("head", [
    '<meta charset="utf-8"><title>某市专利资助办法_政策文件_某市人民政府</title>',
    '<meta name="ArticleTitle" content="某市专利资助办法"><title>政策文件 - 某市人民政府</title>'])
def test_title_of_the_page_when_the_body_lacks_it(head: str) -> None:
    assert page_text(page("<p>第一条 为了保护专利权。</p>", head), "x.html").startswith("某市专利资助办法\n")


def test_utf8_page_that_kept_its_old_charset() -> None:
    markup = page("<p>知识产权质押融资</p>", '<meta charset="gb2312">')
    assert read_data(markup.encode("utf-8"), "saved.html").text == "知识产权质押融资\n"


@pytest.mark.parametrize(("charset", "printed"), [
    ("gb2312", "知识产权质押融资"), ("gbk", "知识产权质押融资"), ("gb18030", "知识产权质押融资"),
    ("big5", "知識產權質押融資")])
def test_declared_charset(charset: str, printed: str) -> None:
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    markup = page(f"<p>{printed}</p>", head)
    source = read_data(markup.encode(charset), "x.html")
    assert source.text == "知识产权质押融资\n"
    assert source.format == "html"
