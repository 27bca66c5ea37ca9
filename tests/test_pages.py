"""The web pages over HTTP on a live server over the corpus: the layout, the home page, error pages
for browsers and the JSON error shape for API clients, the static files, and the templates'
hygiene (no inline script, no event-handler attribute: the Content-Security-Policy allows neither)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from importlib.resources import files
from pathlib import Path

import httpx
import pytest
from live_service import searchable, serve

from service.app import create_app
from service.config import Settings
from service.pages import item_path
from service.routes.home import DayView

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
TEMPLATES = sorted(p.name for p in (files("service") / "templates").iterdir() if p.name.endswith(".html"))
QUANZHOU = "泉州市人民政府关于促进知识产权高质量发展的若干意见"
VENDOR = Path(str(files("service") / "static" / "vendor"))


@pytest.fixture(scope="module")
def base(corpus_store_path: Path) -> Iterator[str]:
    with serve(create_app(Settings(corpus_store_path, query_timeout=30, query_workers=2))) as url:
        yield searchable(url)


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_have_no_inline_script_and_no_event_handler(name: str) -> None:
    text = (files("service") / "templates" / name).read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", text), "on…= handler"
    assert "style=" not in text, "inline style"


@pytest.mark.parametrize(("path", "cited"), [
    ("二/（二）/14", "二、（二）第14条"),
    ("三/26", "三、第26条"),
    ("第三章/第十条", "第三章第十条"),
    ("4/3/9", "4.3.9"),
    ("", ""),
])
def test_an_item_path_reads_as_a_reader_cites_it(path: str, cited: str) -> None:
    assert item_path(path) == cited


def test_home_page_counts_the_store_and_lists_the_latest_documents(base: str) -> None:
    page = httpx.get(f"{base}/", headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    counts = {label: value for value, label in re.findall(r"<b>([^<]+)</b><span>([^<]+)</span>", page.text)}
    assert counts["政策文件"] == "5"
    assert int(counts["措施"]) > 50
    assert counts["发文年份"] == "2016–2022"
    assert page.text.count('href="/id/policy/') >= 5
    assert 'action="/search"' in page.text


def _listed(page: str) -> list[tuple[str, str]]:
    """(title, validity) of each row of the policy list."""
    row = r'<tr><td><a href="/id/policy/[^"]+">([^<]+)</a>.*?<span class="badge[^"]*">([^<]+)</span></td>'
    return re.findall(row, page, re.S)


def test_the_policy_list_says_each_policys_validity_today_and_filters_by_it(base: str) -> None:
    """The status is the ingest side's rule on today's date: 汕尾's 2016 plan states neither an entry
    into force nor an end (未知); 泉州's 若干意见 ended after its stated 3-year term (已失效)."""
    page = httpx.get(f"{base}/policies", headers=BROWSER).text
    listed = dict(_listed(page))
    assert len(listed) == 5
    assert listed["汕尾市建设引领型知识产权强市实施方案"] == "未知"
    assert listed[QUANZHOU] == "已失效"
    counts = dict(re.findall(r'<option value="(现行有效|已失效|尚未生效|未知)"[^>]*>[^<（]+（(\d+)）', page))
    assert sum(map(int, counts.values())) == 5
    assert counts["未知"] == "1"
    expired = _listed(httpx.get(f"{base}/policies", params={"validity": "已失效"}, headers=BROWSER).text)
    assert len(expired) == int(counts["已失效"])
    assert {status for _, status in expired} == {"已失效"}
    chosen = {"validity": "已失效", "place": "泉州市"}
    narrowed = httpx.get(f"{base}/policies", headers=BROWSER, params=chosen)
    assert [title for title, _ in _listed(narrowed.text)] == [QUANZHOU]


def test_the_kept_list_of_a_day_gives_the_next_days_status_and_counts() -> None:
    """/policies keeps the statuses and filter counts of a day; a new day or a new list makes them again."""
    listed = [{"policy": "a", "date": "2023-12-20", "inForce": "2024-01-01", "until": "2024-12-31",
               "place": "泉州市"},
              {"policy": "b", "date": "2016-05-01", "place": "汕尾市"}]
    view = DayView()
    june = view.rows(listed, date(2024, 6, 1))
    assert [row["validity"] for row in june] == ["现行有效", "未知"]
    assert view.counts(june, {"place": "泉州市"})["validity"]["现行有效"] == 1
    assert view.rows(listed, date(2024, 6, 1)) is june
    january = view.rows(listed, date(2025, 1, 2))
    assert [row["validity"] for row in january] == ["已失效", "未知"]
    statuses = view.counts(january, {"place": "泉州市"})["validity"]
    assert statuses == {"现行有效": 0, "已失效": 1, "尚未生效": 0, "未知": 0}
    assert view.rows(list(listed), date(2025, 1, 2)) is not january


@pytest.mark.parametrize("path", [
    "/", "/policies", "/compare", "/search", "/queries", "/docs", "/redoc", "/def"])
def test_every_header_link_leads_to_a_page(base: str, path: str) -> None:
    response = httpx.get(base + path, headers=BROWSER)
    assert response.status_code == 200, path
    assert response.headers["content-type"].startswith("text/html"), path
    for link in re.findall(r'<nav aria-label="主导航">(.*?)</nav>', response.text, re.S):
        for target in re.findall(r'href="([^"]+)"', link):
            assert httpx.get(base + target, headers=BROWSER).headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(("path", "status"), [
    ("/no-such-page", 404), ("/policies?page=0", 422), ("/id/policy/nothing-here", 404),
    ("/sparql?query=SELECT", 400),
])
def test_browsers_get_an_error_page_and_api_clients_the_json_shape(base: str, path: str, status: int) -> None:
    page = httpx.get(base + path, headers=BROWSER)
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert 'href="/"' in page.text
    assert f"HTTP {status}" in page.text
    api = httpx.get(base + path)
    assert api.status_code == status
    assert api.json()["error"]["status"] == status


def test_docs_load_every_script_and_style_from_the_service(base: str) -> None:
    for path in ("/docs", "/redoc"):
        page = httpx.get(base + path).text
        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
        assert any("vendor" in a for a in assets), path
        assert not re.search(r'(?:src|href)="(?:https?:)?//', page.split("<footer")[0]), path
        for asset in assets:
            assert httpx.get(base + asset).status_code == 200, asset


@pytest.mark.parametrize("folder", sorted(p.name for p in VENDOR.iterdir() if p.is_dir()))
def test_every_vendored_library_carries_its_licence_and_is_in_the_manifest(folder: str) -> None:
    assert any(f.name.upper().startswith("LICENSE") for f in (VENDOR / folder).iterdir())
    manifest = (VENDOR / "manifest.tsv").read_text(encoding="utf-8")
    assert re.search(rf"^{folder}\t", manifest, re.M)


def test_sparql_opens_the_editor_for_a_browser_and_describes_the_service_to_clients(base: str) -> None:
    editor = httpx.get(f"{base}/sparql", headers=BROWSER)
    assert editor.headers["content-type"].startswith("text/html")
    assert 'id="workbench"' in editor.text
    assert "指标目标跨城市对比" in editor.text
    assert "PREFIX pkg:" in editor.text
    for accept in (None, "text/turtle", "application/rdf+xml"):
        described = httpx.get(f"{base}/sparql", headers={"Accept": accept} if accept else {})
        assert described.status_code == 200
        assert "text/html" not in described.headers["content-type"]
        assert "sparql-service-description" in described.text or "ns/sparql-service" in described.text


def _cards(page: str) -> list[str]:
    return re.findall(r'<li class="card result">(.*?)</li>\n', page, re.S)


@pytest.mark.parametrize("params", [
    {"q": "知识产权质押融资贴息", "jurisdiction": "", "topic": "", "year_from": "", "year_to": "", "type": "",
     "validity": ""},
    {"q": "", "jurisdiction": "泉州市", "topic": "", "year_from": "", "year_to": "", "type": "",
     "validity": ""},
    {"q": "专利导航", "year_from": "2016", "year_to": "", "validity": "已失效"},
    {"q": "", "topic": "PledgeFinancing", "type": "", "validity": "已失效"},
])
def test_search_permalink_and_export_work_with_any_field_empty(base: str, params: dict[str, str]) -> None:
    page = httpx.get(f"{base}/search", params=params, headers=BROWSER, timeout=30)
    assert page.status_code == 200
    total = int(re.search(r"共 (\d+) 条措施", page.text).group(1))  # type: ignore[union-attr]
    assert total > 0
    given = {k: v for k, v in params.items() if v}
    permalink = re.search(r'<a href="([^"]+)">本页链接</a>', page.text).group(1)  # type: ignore[union-attr]
    assert dict(httpx.URL(permalink.replace("&amp;", "&")).params) == given
    again = httpx.get(base + permalink.replace("&amp;", "&"), headers=BROWSER, timeout=30)
    assert _cards(again.text) == _cards(page.text)
    export = re.search(r'<a href="(/search/export\.csv[^"]*)">导出 CSV</a>', page.text)
    assert export
    body = httpx.get(base + export.group(1).replace("&amp;", "&"), timeout=30).content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:2] == ["地区", "政策文件"]
    assert len(rows) - 1 == min(total, 1000)


def test_search_cards_carry_validity_money_and_units_and_filter_by_validity(base: str) -> None:
    page = httpx.get(f"{base}/search", params={"q": "知识产权质押融资贴息"}, headers=BROWSER, timeout=30).text
    first = _cards(page)[0]
    assert "泉州市" in first
    assert "贴息 按 30%，最高 20万元（每家企业每年）" in first
    assert "人民银行泉州市中心支行" in first
    assert re.search(r'<span class="badge expired" title="时效性">已失效</span>', first)
    offered = dict(re.findall(r'<option value="(现行有效|已失效|尚未生效|未知)"[^>]*>[^<（]+（(\d+)）', page))
    assert offered, "the validity filter offers its values with their counts"
    for status, count in offered.items():
        narrowed = httpx.get(f"{base}/search", params={"q": "知识产权质押融资贴息", "validity": status},
                             headers=BROWSER, timeout=30).text
        assert re.search(r"共 (\d+) 条措施", narrowed).group(1) == count  # type: ignore[union-attr]
        badges = re.findall(r'title="时效性">([^<]+)</span>', narrowed)
        assert badges
        assert set(badges) == {status}
