"""pages: the latency of every kind of web page, as a browser asks for it (Accept: text/html),
through HTTP on 127.0.0.1: the home page, the lists, the search page, a comparison page, two places
side by side, the SPARQL workbench, the API docs, and one resource of each kind with a page.

    python bench/pages.py --store bench/out/store-1000    # the pages alone, on a store of bench/run.py

bench/run.py times them too, after its curated queries; run by itself, this starts `policykg serve`
on the store, waits for its search index and prints a Markdown table with the load average.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import KeepAlive, Latency, RequestFailed, latency
from service.curated import load_library

BASE = "https://w3id.org/policykg/"
BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
SAMPLE = Path(__file__).with_name("pages.rq")
PAGES = [("policy page", "policy"), ("policy page, most measures", "largest"), ("measure page", "measure"),
         ("target page", "target"), ("incentive page", "incentive"), ("organ page", "organ"),
         ("place page", "place"), ("indicator page", "indicator"), ("topic page", "topic")]
"""(page, variable of pages.rq) of the resource pages timed."""


def page_paths(store: ox.Store) -> list[tuple[str, str, dict[str, str]]]:
    """(name, path, params) of the pages to time, the resources sampled from the store."""
    from bench.run import sample_values  # bench.run imports this module
    found = store.query(SAMPLE.read_text(encoding="utf-8"), use_default_graph_as_union=True)
    assert isinstance(found, ox.QuerySolutions)
    row = next(iter(found), None)
    paths: list[tuple[str, str, dict[str, str]]] = [
        ("home", "/", {}), ("policies", "/policies", {}), ("search form", "/search", {}),
        ("search results", "/search", {"q": "知识产权质押融资贴息"}),
        ("comparison: targets-by-indicator, all indicators", "/queries/targets-by-indicator",
         {"indicator": ""}),
        ("query library", "/queries", {}), ("SPARQL workbench", "/sparql", {}), ("API docs", "/docs", {})]
    paths += [(f"comparison: {name}", f"/queries/{name}", sample_values(query, store))
              for name, query in load_library().items()]
    if row is None:
        return paths
    for name, variable in PAGES:
        term = row[variable]
        if isinstance(term, ox.NamedNode):
            paths.append((name, "/" + term.value.removeprefix(BASE), {}))
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


def main(argv: list[str] | None = None) -> None:
    from bench.run import SizeFigures, search_requests, service, wait_for_search
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="an embedded store (bench/out/store-N)")
    parser.add_argument("--repeats", type=int, default=20, help="timed runs of each page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs before them")
    parser.add_argument("--search-wait", type=float, default=300.0,
                        help="seconds to wait for the search index")
    args = parser.parse_args(argv)
    with service(args.store, SizeFigures(0)) as client:
        status = wait_for_search(client, search_requests()[0], args.search_wait)
        before = os.getloadavg()[0]
        timed = pages(client, args.store, args.repeats, args.warmup)
        after = os.getloadavg()[0]
    print(f"store {args.store}, /search {status}, "
          f"load average (1 min) {before:.1f} before, {after:.1f} after\n")
    print("| page | median ms | p95 ms |\n|---|---:|---:|")
    for name, measured in timed:
        figures = measured if isinstance(measured, str) else f"{measured.median:,.1f} | {measured.p95:,.1f}"
        print(f"| {name} | {figures} |")


if __name__ == "__main__":
    main()
