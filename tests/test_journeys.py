"""The acceptance journeys in a real browser (Chromium through Playwright) on a live server over the
corpus. Every journey fails on a request leaving the service's origin, has no serious or critical
axe-core violation, and leaves screenshots at desktop width and 400 px in tests/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Tab, chromium, horizontal_overflow, page_at, serious_violations, shoot
from live_service import serve
from playwright.sync_api import Browser, expect

from service.app import create_app
from service.config import Settings


@pytest.fixture(scope="module")
def base(corpus_store_path: Path) -> Iterator[str]:
    with serve(create_app(Settings(corpus_store_path, query_timeout=30, query_workers=2))) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as found:
        yield found


@pytest.fixture
def tab(browser: Browser, base: str) -> Iterator[Tab]:
    with page_at(browser, base) as opened:
        yield opened
        assert not opened.offsite, f"requests left the service: {opened.offsite}"


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
        assert page.locator("h1").count() == 1 and "json" not in (page.evaluate("document.contentType"))


def test_a_missing_page_is_a_chinese_page_with_a_way_back(tab: Tab) -> None:
    page = tab.page
    response = page.goto(tab.url("/no/such/page"))
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("没有找到这个页面")
    page.get_by_role("link", name="返回首页").click()
    expect(page).to_have_url(tab.url("/"))


def test_api_docs_show_the_operations_with_the_network_cut_off(tab: Tab) -> None:
    page = tab.page
    page.goto(tab.url("/docs"))
    expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/sparql" in paths and "/search" in paths
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
