"""Comparison pages on a live server over the corpus: every curated query's editor text gives the
rows of its page, "all" means all, headers are Chinese, IRIs show as labelled links; and the side-by-
side comparison of places, organ, jurisdiction, indicator, topic, measure and fact pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_plus

import httpx
import pytest
from live_service import searchable, serve

from service.app import create_app
from service.comparison_table import Cell, chart, table
from service.config import Settings
from service.curated import load_library

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
LIBRARY = load_library()


@pytest.fixture(scope="module")
def base(corpus_store_path: Path) -> Iterator[str]:
    with serve(create_app(Settings(corpus_store_path, query_timeout=30, query_workers=2))) as url:
        yield searchable(url)


def values(row: dict[str, dict[str, str]]) -> tuple[str, ...]:
    return tuple(sorted(f"{k}={v['value']}" for k, v in row.items()))


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_the_query_shown_gives_the_same_rows_run_as_it_is(base: str, name: str) -> None:
    """What "open in the SPARQL editor" carries, posted to /sparql, answers the page's rows."""
    # by today every corpus policy has ended or says nothing of its validity: ask a day some were in force
    params: dict[str, str] = {"date": "2024-06-01"} if name == "policies-in-force" else {}
    page = httpx.get(f"{base}/queries/{name}", params=params, headers=BROWSER)
    if page.status_code == 400:  # a required parameter: take the first value the form offers
        form = httpx.get(f"{base}/queries/{name}", params={"format": "json"})
        assert form.status_code == 400
        listing = httpx.get(f"{base}/queries").json()["queries"]
        wanted = next(q for q in listing if q["name"] == name)["parameters"]
        params = {p["name"]: p["values"][0]["value"] for p in wanted if p["required"]}
        page = httpx.get(f"{base}/queries/{name}", params=params, headers=BROWSER)
    editor = re.search(r'href="/sparql#query=([^"]+)"', page.text)
    assert page.status_code == 200, name
    assert editor, name
    sparql = unquote_plus(editor.group(1).replace("&amp;", "&"))
    assert "VALUES (" in sparql or not params
    rows = httpx.post(f"{base}/sparql", data={"query": sparql}).json()["results"]["bindings"]
    shown = httpx.get(f"{base}/queries/{name}", params={**params, "format": "json"}).json()
    assert len(rows) == len(shown["rows"]) > 0, name
    texts = [c for c in shown["columns"] if all(isinstance(row.get(c, ""), str) for row in shown["rows"])]
    assert [[r.get(c, {}).get("value") for c in texts] for r in rows] == \
        [[row.get(c) for c in texts] for row in shown["rows"]], name


def test_all_means_all_indicators(base: str) -> None:
    default = httpx.get(f"{base}/queries/targets-by-indicator", params={"format": "json"}).json()
    everything = httpx.get(f"{base}/queries/targets-by-indicator",
                           params={"indicator": "", "format": "json"}).json()
    assert len(everything["rows"]) > 3 * len(default["rows"])
    assert "indicator" not in everything["bindings"]
    page = httpx.get(f"{base}/queries/targets-by-indicator", params={"indicator": ""}, headers=BROWSER).text
    assert '<option value="" selected>（全部）</option>' in page


def test_comparison_table_reads_in_chinese_with_labelled_links(base: str) -> None:
    page = httpx.get(f"{base}/queries/city-topic-coverage", headers=BROWSER).text
    headers = re.findall(r'<th scope="col" title="(\w+)">([^<]+)</th>', page)
    assert ("city", "地区") in headers
    assert ("topic", "主题") in headers
    assert "topicLabel" not in dict(headers)  # merged into the topic link
    assert re.search(r'<td><a href="/def/topic/\w+">[^<a-zA-Z]+</a></td>', page)
    assert 'data-chart="' in page
    assert 'format=csv' in page


def test_a_policy_shows_as_its_title_linked_and_a_comparator_as_a_sign(base: str) -> None:
    page = httpx.get(f"{base}/queries/targets-by-indicator", params={"indicator": ""}, headers=BROWSER).text
    headers = dict(re.findall(r'<th scope="col" title="(\w+)">([^<]+)</th>', page))
    assert headers["title"] == "文件标题"
    assert "policy" not in headers  # the title is its link
    title = "泉州市人民政府关于促进知识产权高质量发展的若干意见"
    assert re.search(f'<td class="wide"><a href="/id/policy/[^"]+">{title}</a></td>', page)
    assert "<td>≥</td>" in page
    assert "<td>&gt;=</td>" not in page


@pytest.mark.parametrize(("row", "cells"), [
    ({"title": {"type": "literal", "value": "若干意见"}, "comparator": {"type": "literal", "value": ">="},
      "policy": {"type": "uri", "value": "https://w3id.org/policykg/id/policy/350500/n-1"}},
     [Cell("若干意见", "/id/policy/350500/n-1"), Cell("≥")]),
    ({"policy": {"type": "uri", "value": "https://w3id.org/policykg/id/policy/350500/n-1"}},  # no title
     [Cell("n-1", "/id/policy/350500/n-1"), Cell("")]),
    ({"title": {"type": "literal", "value": "若干意见"}, "comparator": {"type": "literal", "value": "="}},
     [Cell("若干意见"), Cell("=")]),
])
def test_a_column_naming_an_iri_is_its_link(row: dict[str, dict[str, str]], cells: list[Cell]) -> None:
    shown = table(["title", "comparator", "policy"], [row])
    assert [name for name, _ in shown.columns] == ["title", "comparator"]
    assert shown.rows == [cells]


@pytest.mark.parametrize(("columns", "rows", "numeric", "labels"), [
    (["city", "value", "unit", "year"],
     [{"city": {"type": "literal", "value": "泉州市"}, "value": {"type": "literal", "value": "4",
       "datatype": "http://www.w3.org/2001/XMLSchema#decimal"}, "unit": {"type": "literal", "value": "件"},
       "year": {"type": "literal", "value": "2023", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}],
     ["value"], ["泉州市 · 2023"]),
    (["city", "title"], [{"city": {"type": "literal", "value": "福州市"},
                          "title": {"type": "literal", "value": "方案"}}], [], None),
    (["city", "value", "unit"],  # targets in 件 and in 万元 are not drawn on one axis: counted by city
     [{"city": {"type": "literal", "value": city}, "unit": {"type": "literal", "value": unit},
       "value": {"type": "literal", "value": value, "datatype": "http://www.w3.org/2001/XMLSchema#decimal"}}
      for city, unit, value in (("泉州市", "件", "4"), ("泉州市", "万元", "200"), ("福州市", "件", "10"))],
     ["value"], ["泉州市", "福州市"]),
])
def test_charts_draw_measures_not_years(columns: list[str], rows: list[dict[str, dict[str, str]]],
                                         numeric: list[str], labels: list[str] | None) -> None:
    shown = table(columns, rows)
    assert shown.numeric == numeric
    drawn = chart(shown)
    assert (drawn["labels"] if drawn else None) == labels


def test_places_side_by_side(base: str) -> None:
    page = httpx.get(f"{base}/compare", params=[("city", "泉州市"), ("city", "福州市")], headers=BROWSER).text
    assert "泉州市 有、福州市 没有的主题" in page
    assert "福州市 有、泉州市 没有的主题" in page
    targets = page[page.index('id="targets-heading"'):page.index('id="topics-heading"')]
    assert "10件（2025年）" in targets
    assert "4件（2023年）" in targets
    assert httpx.get(f"{base}/compare", params={"city": "不存在市"}, headers=BROWSER).status_code == 200


@pytest.mark.parametrize(("path", "expected"), [
    ("/id/jurisdiction/350500", ["泉州市", "泉政文〔2021〕70号", "量化目标", "与其他地区对比"]),
    ("/def/indicator/highValueInventionPatentsPer10k", ["泉州市", "福州市", "data-chart"]),
    ("/def/topic/PledgeFinancing", ["知识产权质押融资", "开展知识产权质押融资贴息", "data-chart"]),
])
def test_entity_pages_read_as_pages(base: str, path: str, expected: list[str]) -> None:
    page = httpx.get(base + path, headers=BROWSER)
    assert page.status_code == 200
    for text in expected:
        assert text in page.text, text
    assert "/tally/" not in page.text
