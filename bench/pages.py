"""pages: the latency of every kind of web page, as a browser asks for it (Accept: text/html),
through HTTP on 127.0.0.1: the home page, the lists, the search page, a comparison page, two places
side by side, the SPARQL workbench, the API docs, and one resource of each kind with a page."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from bench.measure import KeepAlive, Latency, RequestFailed, latency

BASE = "https://w3id.org/policykg/"
BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
SAMPLE = Path(__file__).with_name("pages.rq")


def page_paths(store: ox.Store) -> list[tuple[str, str, dict[str, str]]]:
    """(name, path, params) of the pages to time, the resources sampled from the store."""
    found = store.query(SAMPLE.read_text(encoding="utf-8"), use_default_graph_as_union=True)
    assert isinstance(found, ox.QuerySolutions)
    row = next(iter(found), None)
    paths: list[tuple[str, str, dict[str, str]]] = [
        ("home", "/", {}), ("policies", "/policies", {}), ("search form", "/search", {}),
        ("search results", "/search", {"q": "知识产权质押融资贴息"}),
        ("comparison (all indicators)", "/queries/targets-by-indicator", {"indicator": ""}),
        ("query library", "/queries", {}), ("SPARQL workbench", "/sparql", {}), ("API docs", "/docs", {})]
    if row is None:
        return paths
    for name in ("policy", "measure", "target", "incentive", "organ", "place", "indicator", "topic"):
        term = row[name]
        if isinstance(term, ox.NamedNode):
            paths.append((f"{name} page", "/" + term.value.removeprefix(BASE), {}))
    city = row["city"]
    if city is not None:
        paths.append(("compare (one place)", "/compare", {"city": city.value}))
    return paths


def pages(client: KeepAlive, store_path: Path, repeats: int, warmup: int) -> list[tuple[str, Latency | str]]:
    """(page, latency or why it failed) of each page of page_paths."""
    store = ox.Store.read_only(str(store_path))
    timed: list[tuple[str, Latency | str]] = []
    for name, path, params in page_paths(store):
        def get(path: str = path, params: dict[str, str] = params) -> None:
            client.get(path, params, accept=BROWSER).checked()
        try:
            timed.append((name, latency(get, repeats, warmup)))
        except RequestFailed as error:
            timed.append((name, str(error)))
    return timed
