"""Policy pages on a live server over the corpus: the head a legal database shows, the measures in
order with their units, targets and incentives, the full text with every fact highlighted at its
span, citations, downloads; and the stored full text that every span indexes into."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import rdflib
from live_service import serve

from service.app import create_app
from service.config import Settings
from service.money import money, percent
from service.routes.policy_page import document_type

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
PREFIXES = """PREFIX pkg: <https://w3id.org/policykg/def#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


@pytest.fixture(scope="module")
def base(corpus_store_path: Path) -> Iterator[str]:
    with serve(create_app(Settings(corpus_store_path, query_timeout=30, query_workers=2))) as url:
        yield url


def select(base: str, query: str) -> list[dict[str, str]]:
    rows = httpx.get(f"{base}/sparql", params={"query": PREFIXES + query}).json()["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in rows]


@pytest.fixture(scope="module")
def quanzhou(base: str) -> str:
    """The path of 泉州's 若干意见, found by its 发文字号."""
    rows = select(base, 'SELECT ?p WHERE { ?p eli:id_local "泉政文〔2021〕70号" }')
    return "/" + rows[0]["p"].removeprefix("https://w3id.org/policykg/")


def test_every_span_indexes_into_the_stored_full_text(base: str) -> None:
    rows = select(base, """SELECT ?quote ?piece WHERE {
      ?span a pkg:SourceSpan ; pkg:start ?s ; pkg:end ?e ; pkg:quote ?quote ; pkg:sourceDocument ?d .
      ?d pkg:fullText ?text BIND(SUBSTR(?text, ?s + 1, ?e - ?s) AS ?piece) }""")
    assert len(rows) > 100
    assert all(row["quote"] == row["piece"] for row in rows)


def test_policy_page_heads_like_a_legal_database_entry(base: str, quanzhou: str) -> None:
    page = httpx.get(base + quanzhou, headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    head = dict(re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", page.text.split('id="toc-heading"')[0]))
    assert head["发文字号"] == "泉政文〔2021〕70号"
    assert "泉州市人民政府" in head["发布机关"]
    assert head["成文日期"] == "2021-12-23"
    assert "泉州市" in head["地区"]
    assert head["文件类型"] == "若干意见"
    assert "已失效" in head["时效性"]
    assert "2024-12-22" in head["失效日期"]
    assert "有效期限" in head["失效日期"]
    assert "/tally/" not in page.text
    assert "/graph" not in page.text


def test_measures_are_in_their_order_with_units_targets_and_incentives(base: str, quanzhou: str) -> None:
    page = httpx.get(base + quanzhou, headers=BROWSER).text
    toc = re.findall(r'<li><a href="#measure-(\d+)">([^<]+)</a></li>', page)
    assert [int(n) for n, _ in toc] == list(range(1, len(toc) + 1))
    assert len(toc) >= 20
    numbers = [int(found.group(1)) for _, text in toc if (found := re.search(r"第(\d+)条", text))]
    assert numbers == sorted(numbers)
    pledge = page[page.index("开展知识产权质押融资贴息</h3>"):]
    pledge = pledge[:pledge.index("</section>")]
    assert "责任单位" in pledge
    assert "人民银行泉州市中心支行" in pledge
    assert "资金奖补" in pledge
    assert "贴息 按 30%，最高 20万元（每家企业每年）" in pledge


def test_the_full_text_highlights_every_fact_at_its_span(base: str, quanzhou: str) -> None:
    page = httpx.get(base + quanzhou, headers=BROWSER).text
    source = page[page.index('class="source-text"'):page.index('id="citations-heading"')]
    marked = re.findall(r"<mark[^>]*>(.*?)</mark>", source, re.S)
    assert len(marked) > 30
    for kind in ("measure", "target", "incentive"):
        anchors = re.findall(rf'href="#(src-{kind}-\d+)"', page)
        assert anchors, kind
        assert all(f'id="{anchor}"' in source for anchor in anchors), kind
    assert re.search(r'<mark class="fact fact-target">[^<]*4件', source)


def _source(page: str) -> str:
    return page[page.index('class="source-text"'):page.index('id="citations-heading"')]


def _facts(source: str) -> dict[str, str]:
    """The marked text after each anchor of the full text, up to the next anchor."""
    pieces = re.split(r'<span id="(src-[a-z]+-\d+)"></span>', source)
    return {anchor: "".join(re.findall(r"<mark[^>]*>(.*?)</mark>", following, re.S))
            for anchor, following in zip(pieces[1::2], pieces[2::2], strict=True)}


def test_the_traditional_copy_reads_in_simplified_with_the_printed_original_a_click_away(base: str) -> None:
    """福州's copy is printed in traditional characters: the page shows the normalised simplified text
    the search quotes, and the printed original on request, each fact marked on both."""
    [row] = select(base, 'SELECT ?p WHERE { ?p eli:title "福州市国家知识产权强市建设示范城市工作方案" }')
    path = base + "/" + row["p"].removeprefix("https://w3id.org/policykg/")
    page = httpx.get(path, headers=BROWSER).text
    assert 'href="?text=printed#source-heading">印刷原文</a>' in page
    simplified = _source(page)
    printed = _source(httpx.get(path, params={"text": "printed"}, headers=BROWSER).text)
    assert "福州市国家知识产权强市" in simplified
    assert "財產權" not in simplified
    assert "福州市國家智慧財產權強市" in printed
    shown, original = _facts(simplified), _facts(printed)
    assert shown.keys() == original.keys()
    assert len(shown) > 20
    for anchor, text in shown.items():
        digits = re.findall(r"\d+", unicodedata.normalize("NFKC", original[anchor]))
        assert re.findall(r"\d+", text) == digits, anchor
        assert len(text) >= len(original[anchor]) * 0.8, anchor


@pytest.mark.parametrize(("fmt", "media", "check"), [
    ("text", "text/plain", lambda body: "泉政文〔2021〕70号" in body),
    ("turtle", "text/turtle", lambda body: len(rdflib.Graph().parse(data=body, format="turtle")) > 5),
    ("jsonld", "application/ld+json",
     lambda body: len(rdflib.Graph().parse(data=body, format="json-ld")) > 5),
])
def test_downloads_of_the_policy(base: str, quanzhou: str, fmt: str, media: str, check: object) -> None:
    response = httpx.get(f"{base}{quanzhou}?format={fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert "attachment" in response.headers["content-disposition"]
    assert check(response.text)  # type: ignore[operator]


def test_turtle_by_accept_is_kept(base: str, quanzhou: str) -> None:
    response = httpx.get(base + quanzhou, headers={"Accept": "text/turtle"})
    assert response.headers["content-type"].startswith("text/turtle")


@pytest.mark.parametrize(("title", "kind"), [
    ("泉州市人民政府关于促进知识产权高质量发展的若干意见", "若干意见"),
    ("福州市国家知识产权强市建设示范城市工作方案", "工作方案"),
    ("泰安市泰山区国家知识产权强县建设试点县（区）工作方案（2022-2025年）", "工作方案"),
    ("某市专利资助管理办法", "管理办法"),
    ("关于知识产权的说明", ""),
])
def test_document_type_from_the_title(title: str, kind: str) -> None:
    assert document_type(title) == kind


@pytest.mark.parametrize(("value", "text"), [
    ("300000", "30万元"), ("1500", "1500元"), ("12500000", "1250万元"), (None, "")])
def test_money_as_drafters_write_it(value: str | None, text: str) -> None:
    assert money(value) == text


def test_rates_as_percentages() -> None:
    assert percent("0.1") == "10%"
    assert percent("0.005") == "0.5%"
