"""The acceptance journeys in a real browser (Chromium through Playwright) on a live server over the
corpus. Every journey fails on a request leaving the service's origin, has no serious or critical
axe-core violation, and leaves screenshots at desktop width and 400 px in tests/screenshots/."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from browser import Tab, chromium, horizontal_overflow, page_at, serious_violations, shoot
from live_service import searchable, serve
from playwright.sync_api import Browser, expect

from service.app import create_app
from service.config import Settings


@pytest.fixture(scope="module")
def base(corpus_store_path: Path) -> Iterator[str]:
    with serve(create_app(Settings(corpus_store_path, query_timeout=30, query_workers=2))) as url:
        yield searchable(url)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as found:
        yield found


@pytest.fixture
def tab(browser: Browser, base: str) -> Iterator[Tab]:
    with page_at(browser, base) as opened:
        yield opened
        assert not opened.offsite, f"requests left the service: {opened.offsite}"
        assert not opened.refused, f"the Content-Security-Policy refused: {opened.refused}"


def readable(tab: Tab, name: str) -> None:
    """Accessible, usable at 400 px (only boxes scroll sideways, not the page), screenshots taken."""
    assert serious_violations(tab) == []
    shoot(tab, name)
    tab.page.set_viewport_size({"width": 400, "height": 860})
    assert horizontal_overflow(tab) <= 0
    tab.page.set_viewport_size({"width": 1280, "height": 900})


def test_home_page_says_what_the_store_holds_and_leads_each_user_in(tab: Tab) -> None:
    page = tab.page
    page.goto(tab.url("/"))
    expect(page.locator("h1")).to_contain_text("知识产权政策")
    stats = page.locator(".stat")
    expect(stats.first).to_contain_text("5")
    for link in ("查找先例", "对比查询库", "浏览政策文件", "编写 SPARQL 查询"):
        expect(page.get_by_role("link", name=link)).to_be_visible()
    expect(page.locator("#recent + ul li")).to_have_count(5)
    readable(tab, "home")
    for name in ("政策", "查询库", "词表"):
        page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True).click()
        assert page.locator("h1").count() == 1
        assert "json" not in (page.evaluate("document.contentType"))


def test_a_missing_page_is_a_chinese_page_with_a_way_back(tab: Tab) -> None:
    page = tab.page
    response = page.goto(tab.url("/no/such/page"))
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("没有找到这个页面")
    page.get_by_role("link", name="返回首页").click()
    expect(page).to_have_url(tab.url("/"))


def test_api_docs_show_the_operations_with_the_network_cut_off(tab: Tab) -> None:
    page = tab.page
    page.goto(tab.url("/docs"))
    expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/sparql" in paths
    assert "/search" in paths
    shoot(tab, "docs")
    page.goto(tab.url("/redoc"))
    expect(page.get_by_text("/sparql").first).to_be_attached(timeout=20_000)


def test_the_sparql_workbench_runs_an_example_from_the_library_and_charts_it(tab: Tab) -> None:
    page = tab.page
    page.goto(tab.url("/sparql"))
    expect(page.locator(".yasqe .CodeMirror")).to_be_visible(timeout=20_000)
    example = page.locator("#examples option", has_text="价值链环节").get_attribute("value")
    page.select_option("#examples", value=example)
    page.click(".yasqe_queryButton")
    expect(page.locator(".yasr table tbody tr").first).to_be_visible(timeout=20_000)
    expect(page.locator("#chart svg")).to_be_attached()
    readable(tab, "sparql")


def test_a_drafter_searches_from_home_and_narrows_the_results(tab: Tab) -> None:
    """Journey 1: 知识产权质押融资贴息 from the home page finds 泉州's 贴息 measure with its money and
    units; choosing a city and a topic narrows the list."""
    page = tab.page
    page.goto(tab.url("/"))
    page.get_by_role("searchbox").fill("知识产权质押融资贴息")
    page.get_by_role("searchbox").press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))
    first = page.locator("li.result").first
    expect(first).to_contain_text("开展知识产权质押融资贴息")
    expect(first).to_contain_text("泉州市")
    expect(first).to_contain_text("贴息 按 30%，最高 20万元（每家企业每年）")
    expect(first).to_contain_text("人民银行泉州市中心支行")
    before = int(re.search(r"共 (\d+) 条", page.locator("#result-count").inner_text()).group(1))  # type: ignore[union-attr]
    readable(tab, "journey-1-search")
    page.select_option("select[name=jurisdiction]", "泉州市")
    expect(page).to_have_url(re.compile(r"jurisdiction=%E6%B3%89%E5%B7%9E"))
    page.select_option("select[name=topic]", "PledgeFinancing")
    expect(page).to_have_url(re.compile(r"topic=PledgeFinancing"))
    after = int(re.search(r"共 (\d+) 条", page.locator("#result-count").inner_text()).group(1))  # type: ignore[union-attr]
    assert 0 < after < before
    for card in page.locator("li.result").all():
        expect(card).to_contain_text("泉州市")
    assert "year=" not in page.url  # empty fields are not sent; the permalink stays short
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 CSV").click()
    assert Path(download.value.path()).read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_drafter_finds_the_traditional_character_policy_with_simplified_words(tab: Tab) -> None:
    """Journey 1, second half: the 福州 policy, a traditional-character copy, is found with simplified
    words (the corpus is converted at ingest; the ranking for everyday words belongs to the search API)."""
    page = tab.page
    page.goto(tab.url("/search?q=" + quote("知识产权质押融资") + "&jurisdiction=" + quote("福州市")))
    expect(page.locator("li.result").first).to_contain_text("福州市")
    expect(page.locator("li.result").first).to_contain_text("福州市国家知识产权强市建设示范城市工作方案")


def test_a_drafter_opens_the_policy_and_checks_each_fact_in_the_text(tab: Tab) -> None:
    """Journey 2: from a result to its policy: 发文字号, 发布机关, dates, measures in order, highlights."""
    page = tab.page
    page.goto(tab.url("/search?q=" + quote("知识产权质押融资贴息")))
    page.locator("li.result").first.get_by_role("link", name=re.compile("若干意见")).click()
    expect(page.locator("h1")).to_have_text("泉州市人民政府关于促进知识产权高质量发展的若干意见")
    facts = page.get_by_label("文件信息")
    for text in ("泉政文〔2021〕70号", "泉州市人民政府", "2021-12-23", "若干意见"):
        expect(facts).to_contain_text(text)
    toc = page.locator("ol.toc li").all_inner_texts()
    assert len(toc) >= 20
    assert toc[0].startswith("二、（一）第1条 ")
    page.get_by_role("link", name="二、（二）第14条 开展知识产权质押融资贴息").click()
    measure = page.locator("#measure-14")
    expect(measure).to_contain_text("贴息 按 30%，最高 20万元（每家企业每年）")
    measure.get_by_role("link", name="贴息 按 30%，最高 20万元（每家企业每年）").click()
    anchor = page.url.split("#")[1]
    highlighted = page.locator(f"#{anchor} + mark")
    expect(highlighted).to_be_in_viewport()
    assert "fact-incentive" in (highlighted.get_attribute("class") or "")
    assert page.locator(".source-text mark.fact-target").count() >= 5
    readable(tab, "journey-2-policy")


def test_an_analyst_compares_all_targets_downloads_csv_and_reruns_the_query(tab: Tab) -> None:
    """Journey 3: targets-by-indicator with "all", a chart, CSV with BOM, the query in the editor
    gives the same rows."""
    page = tab.page
    page.goto(tab.url("/queries"))
    page.get_by_role("link", name="指标目标跨城市对比").click()
    page.select_option("select[name=indicator]", label="（全部）")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#comparison-chart svg, .chart svg").first).to_be_attached()
    rows = page.locator(".table-box tbody tr")
    count = rows.count()
    indicators = set(page.locator(".table-box tbody tr td:nth-child(6)").all_inner_texts())
    assert count > 20
    assert len(indicators) > 5
    headers = page.locator(".table-box thead th").all_inner_texts()
    assert "地区" in headers
    assert "目标值" in headers
    readable(tab, "journey-3-comparison")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 CSV").click()
    body = Path(download.value.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(table) - 1 == count
    page.get_by_role("link", name="在 SPARQL 编辑器中打开").click()
    expect(page.locator(".yasqe .CodeMirror")).to_be_visible(timeout=20_000)
    page.click(".yasqe_queryButton")
    expect(page.locator(".yasr")).to_contain_text(f"{count} results", timeout=20_000)
    readable(tab, "journey-3-editor")


def test_a_researcher_follows_an_organ_to_the_measures_it_shares(tab: Tab) -> None:
    """Journey 4: an organ page, then the measures it shares with another organ."""
    page = tab.page
    page.goto(tab.url("/search?q=" + quote("知识产权质押融资贴息")))
    page.locator("li.result").first.get_by_role("link").first.click()
    page.get_by_role("link", name="人民银行泉州市中心支行").first.click()
    expect(page.locator("h1")).to_have_text("人民银行泉州市中心支行")
    partners = page.locator("#partners-heading + .table-box tbody tr")
    assert partners.count() >= 3
    name = partners.first.locator("td").first.inner_text()
    partners.first.locator("td").nth(1).get_by_role("link").click()
    expect(page.locator("#measures-heading")).to_contain_text(f"与 {name} 共同承担的措施")
    shared = page.locator("#measures-heading ~ ul li")
    assert shared.count() >= 1
    readable(tab, "journey-4-organ")
    shared.first.get_by_role("link").first.click()
    expect(page.locator("dl.facts")).to_contain_text(name)


def test_two_cities_side_by_side(tab: Tab) -> None:
    """Journey 5: 泉州 and 福州 compared: what one takes up that the other does not."""
    page = tab.page
    page.goto(tab.url("/compare"))
    selects = page.locator("select[name=city]")
    selects.nth(0).select_option("泉州市")
    selects.nth(1).select_option("福州市")
    page.get_by_role("button", name="对比").click()
    expect(page.locator("#only-heading")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("泉州市 有、福州市 没有的主题"))).to_be_visible()
    headers = page.locator("#targets-heading + .table-box thead th").all_inner_texts()
    assert headers == ["指标", "泉州市", "福州市"]
    topics = page.locator("#topics-heading ~ .table-box tbody tr")
    assert topics.count() > 5
    expect(page.locator("#units-heading + .table-box tbody tr").first).to_be_visible()
    readable(tab, "journey-5-compare")
