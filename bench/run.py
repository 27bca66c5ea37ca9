"""run: the benchmark. For each corpus size: ingest throughput and peak memory, the latency of
every curated query and of /search through the HTTP service, the same curated queries on an
rdflib in-memory Dataset as the reference (ratio, same rows), and a short concurrency run.

    python bench/run.py --sizes 10 100 1000        # full run, prints Markdown tables
    python bench/run.py --sizes 10 --quick         # smoke run (the test suite runs this)
    python bench/run.py --sizes 1000 10000 --search-only   # the search index build and /search

Everything runs on 127.0.0.1: the real `policykg ingest` and `policykg serve` commands as
child processes, over stores in bench/out/ (git-ignored). Curated queries are whatever
service/queries/*.rq holds when the run starts.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import pyoxigraph as ox
from rdflib.term import Node

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import patterns, write_corpus
from bench.measure import (
    KeepAlive,
    Latency,
    MemoryPeak,
    ReferenceEngine,
    RequestFailed,
    Rows,
    ending_with,
    latency,
    timed,
)
from bench.pages import pages
from ingest.build import default_jobs
from ingest.store import to_oxigraph
from service.curated import CuratedQuery, load_library, paged
from service.jurisdiction_paging import KEYS_QUERY, with_places
from service.search_disk import path_for

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PAGE = 100
ONE_RUN_ENOUGH = 10.0
"""Seconds past which one rdflib run is measure enough: its noise is far below the ratio, and more
runs would make the run at 1,000 documents take half an hour."""
_ITEMS = re.compile(r"[、,;|\s]+")
CLI = [sys.executable, "-c", "from service.cli import main; main()"]


@dataclass
class ReferenceFigures:
    """One way the rdflib reference ran a query: the median of its runs, or why there is none
    (rdflib's error, or its time limit), and whether its rows are the service's first page."""

    limit_s: float
    ms: float | None = None
    failure: str | None = None
    same_rows: bool | None = None


@dataclass
class QueryFigures:
    name: str
    params: dict[str, str] = field(default_factory=dict)
    http: Latency | None = None
    engine: Latency | None = None
    http_failure: str | None = None
    rows: int = 0
    whole: ReferenceFigures | None = None
    """rdflib on the whole query text with LIMIT 100."""
    page: ReferenceFigures | None = None
    """Queries paged by jurisdiction: rdflib on the cities the service evaluated for the first page."""
    page_cities: int = 0


@dataclass
class SizeFigures:
    documents: int
    ingest_seconds: float = 0.0
    ingested: int = 0
    quads: int = 0
    ingest_peak_mb: float = 0.0
    service_peak_mb: float = 0.0
    queries: list[QueryFigures] = field(default_factory=list)
    search: Latency | None = None
    search_failure: str | None = None
    search_ready_seconds: float | None = None
    """From the service answering to /search answering other than 503 (its first index built)."""
    concurrency: dict[str, float] = field(default_factory=dict)
    pages: list[tuple[str, Latency | str]] = field(default_factory=list)
    """Each kind of web page as a browser asks for it (bench/pages.py): latency, or why it failed."""


@dataclass(frozen=True)
class Options:
    out: Path
    jobs: int
    repeats: int
    warmup: int
    clients: int
    seconds: float
    reference_max: int
    reference_runs: int
    reference_timeout: float
    """Seconds per rdflib run of what the service's first page is compared with: the page's cities for
    a query paged by jurisdiction, the whole query for the others."""
    reference_whole_timeout: float = 60.0
    """Seconds per rdflib run of the whole query where the service pages by jurisdiction."""
    search_wait: float = 300.0
    """Seconds to wait for the search index (503 + Retry-After) before measuring /search."""
    reuse_stores: bool = False
    """Query the stores an earlier run left in `out` instead of ingesting again (no ingest figures)."""
    search_only: bool = False
    """Measure the search index build and /search only: no curated queries, rdflib or web pages."""


def ingest(size: int, options: Options) -> tuple[SizeFigures, Path]:
    """Generate the corpus, ingest it into a fresh store with `policykg ingest`, time it."""
    corpus, store = options.out / str(size), options.out / f"store-{size}"
    write_corpus(corpus, size)
    shutil.rmtree(store, ignore_errors=True)
    path_for(store).unlink(missing_ok=True)  # the search index kept from an earlier run: build it cold
    figures = SizeFigures(size)
    command = [*CLI, "--store", str(store), "ingest", "--jobs", str(options.jobs), str(corpus)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, preexec_fn=ending_with(os.getpid()))
    with MemoryPeak(process.pid) as memory:
        _, errors = process.communicate()
    figures.ingest_seconds = time.perf_counter() - start
    figures.ingest_peak_mb = memory.peak / 2**20
    summary = [line for line in errors.splitlines() if line.startswith("ingested ")]
    if not summary:
        raise RuntimeError(f"ingest of {size} documents failed:\n{errors[-2000:]}")
    figures.ingested = int(summary[-1].split()[1])
    reader = ox.Store.read_only(str(store))
    figures.quads = len(reader)
    del reader
    return figures, store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def service(store: Path, figures: SizeFigures) -> Iterator[KeepAlive]:
    """`policykg serve` on a free loopback port; its process tree's peak memory goes to `figures`."""
    port = free_port()
    command = [*CLI, "--store", str(store), "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               preexec_fn=ending_with(os.getpid()))
    client = KeepAlive(f"http://127.0.0.1:{port}")
    try:
        with MemoryPeak(process.pid) as memory:
            deadline = time.monotonic() + 60
            while True:
                try:
                    client.get("/openapi.json").checked()
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError("the service did not start") from None
                    time.sleep(0.2)
            yield client
        figures.service_peak_mb = memory.peak / 2**20
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=30)


def sample_values(query: CuratedQuery, store: ox.Store) -> dict[str, str]:
    """Defaults, plus the first value taken from the data for a required parameter without one."""
    raw = {}
    for parameter in query.parameters:
        if parameter.default is None and parameter.required and parameter.values_query:
            values = store.query(parameter.values_query, use_default_graph_as_union=True)
            assert isinstance(values, ox.QuerySolutions)
            first = next(iter(values), None)
            if first is not None:
                raw[parameter.name] = parameter.value_of(first["value"].value)
    return raw


def curated(client: KeepAlive, store_path: Path, size: int, options: Options) -> list[QueryFigures]:
    """Every curated query, first page: through HTTP, on the engine directly, and on rdflib."""
    store = ox.Store.read_only(str(store_path))
    library = load_library()
    keys = jurisdiction_keys(store)
    reference = None
    if size <= options.reference_max:
        dump = store_path.with_suffix(".nq")
        store.dump(str(dump), format=ox.RdfFormat.N_QUADS)
        reference = ReferenceEngine(dump, options.reference_timeout)
    found = []
    try:
        for name, query in library.items():
            raw = sample_values(query, store)
            bindings = query.bind(raw)
            sparql = paged(query.sparql, PAGE, 0)
            figures = QueryFigures(name, raw)

            substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()}
            over_http = partial(_get, client, f"/queries/{name}", {**raw, "limit": str(PAGE)})
            on_engine = partial(_engine_rows, store, sparql, substitutions)
            columns: list[str] = []
            rows: list[tuple[str, ...]] = []
            if client.get(f"/queries/{name}", {**raw, "limit": "1"}).status != 404:
                try:
                    figures.http = latency(over_http, options.repeats, options.warmup)
                    columns, rows = _http_rows(client, name, {**raw, "limit": str(PAGE)})
                except RequestFailed as error:
                    figures.http_failure = str(error)
            runs = (options.repeats, options.warmup) if size <= options.reference_max else (1, 0)
            figures.engine = latency(on_engine, *runs)  # the whole query: slow at large sizes, run once
            rows = rows or on_engine()
            figures.rows = len(rows)
            if reference is None:
                found.append(figures)
                continue
            whole_limit = options.reference_timeout
            if query.paged_by_jurisdiction and "city" not in bindings:
                cities = [row[columns.index("city")] for row in rows] if "city" in columns else []
                places, figures.page_cities = page_places(keys, cities, len(rows) >= PAGE)
                figures.page, reference = _reference(
                    reference, paged(with_places(query.sparql, places), PAGE, 0), bindings, rows,
                    options.reference_runs, options.reference_timeout)
                whole_limit = options.reference_whole_timeout
            figures.whole, reference = _reference(reference, sparql, bindings, rows, options.reference_runs,
                                                  whole_limit)
            found.append(figures)
    finally:
        if reference is not None:
            reference.close()
    return found


def jurisdiction_keys(store: ox.Store) -> list[tuple[str, str]]:
    """(city, place) pairs as the service pages by them (service/jurisdictions.rq)."""
    answer = store.query(KEYS_QUERY, use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    return [(str(s["city"].value), str(s["place"].value)) for s in answer]


def page_places(keys: list[tuple[str, str]], cities: list[str], full: bool) -> tuple[list[str], int]:
    """The places, and how many cities, the service evaluated at least to answer a first page whose
    city column is `cities`: the keys up to the page's last city (it takes cities in key order, a
    few at a time), or all of them when the page is not full (the cities ran out first)."""
    names = list(dict.fromkeys(city for city, _ in keys))
    if full and cities:
        names = names[: names.index(cities[-1]) + 1]
    chosen = set(names)
    return [place for city, place in keys if city in chosen], len(names)


def _reference(engine: ReferenceEngine, sparql: str, bindings: Mapping[str, Node], rows: Rows, runs: int,
               limit: float) -> tuple[ReferenceFigures, ReferenceEngine]:
    """Run one query on rdflib up to `runs` times (once when a run takes over `ONE_RUN_ENOUGH`
    seconds), compare its rows with `rows` (the service's first page); a fresh engine when the old
    one had to be stopped."""
    figures = ReferenceFigures(limit)
    answers: list[tuple[float, Rows]] = []
    while len(answers) < runs and (not answers or answers[-1][0] <= ONE_RUN_ENOUGH):
        answer = engine.run(sparql, bindings, limit)
        if isinstance(answer, str):
            figures.failure = answer
            break
        answers.append(answer)
    if answers and figures.failure is None:
        figures.ms = Latency.of([seconds for seconds, _ in answers]).median
        figures.same_rows = same_rows(answers[0][1], rows)
    return figures, engine if engine.alive else ReferenceEngine(engine.nquads, engine.timeout)


def same_rows(some: list[tuple[str, ...]], others: list[tuple[str, ...]]) -> bool:
    """The same rows in any order, and the same items in any order inside a cell: SPARQL leaves the
    order of GROUP_CONCAT (and of rows without ORDER BY) to the engine."""
    def key(row: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(sorted(_ITEMS.split(cell))) for cell in row)
    return Counter(map(key, some)) == Counter(map(key, others))


def _http_rows(client: KeepAlive, name: str, params: dict[str, str]) -> tuple[list[str], Rows]:
    """Columns and rows of the first page as the service answers it (CSV cells are lexical forms),
    to compare with rdflib's."""
    reply = client.get(f"/queries/{name}", params, accept="text/csv").checked()
    header, *rows = csv.reader(io.StringIO(reply.body.decode("utf-8-sig")))
    return header, [tuple(row) for row in rows]


def _get(client: KeepAlive, path: str, params: dict[str, str]) -> None:
    client.get(path, params).checked()


def _engine_rows(store: ox.Store, sparql: str, substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal],
                 ) -> list[tuple[str, ...]]:
    """The rows Oxigraph itself gives, as lexical forms, to compare with rdflib's."""
    answer = store.query(sparql, use_default_graph_as_union=True, substitutions=substitutions)  # type: ignore[arg-type]
    assert isinstance(answer, ox.QuerySolutions)
    names = [v.value for v in answer.variables]
    return [tuple("" if s[n] is None else s[n].value for n in names) for s in answer]


def search_requests() -> list[dict[str, str]]:
    """Drafter-like queries: the heading clauses of the measure patterns, then whole paragraphs."""
    measures = patterns()["measure"]
    return [{"q": text.split("。")[0]} for text in measures[:6]] + [{"q": text} for text in measures[6:8]]


def search(client: KeepAlive, options: Options) -> Latency:
    requests = search_requests()
    for params in requests * options.warmup:
        client.get("/search", params).checked()
    seconds = [timed(partial(_get, client, "/search", params))
               for _ in range(options.repeats) for params in requests]
    return Latency.of(seconds)


def wait_for_search(client: KeepAlive, params: dict[str, str], limit: float) -> int:
    """The status of /search once it answers other than 503: the service builds its index in the
    background after start-up and answers 503 with Retry-After until the first one exists. The
    wait honours Retry-After (at least 0.1 s, at most 10 s a time) and ends after `limit` seconds."""
    deadline = time.monotonic() + limit
    while True:
        reply = client.get("/search", params)
        if reply.status != 503 or time.monotonic() >= deadline:
            return reply.status
        left = max(0.0, deadline - time.monotonic())
        time.sleep(min(retry_after(reply.headers.get("Retry-After")), left))


def retry_after(header: str | None) -> float:
    """Seconds to wait from a Retry-After header in seconds (an HTTP date or nothing: 1 s), bounded."""
    try:
        seconds = float(header) if header else 1.0
    except ValueError:
        seconds = 1.0
    return min(max(seconds, 0.1), 10.0)


def concurrency(base_url: str, paths: list[tuple[str, dict[str, str]]], options: Options) -> dict[str, float]:
    """`clients` threads, each with its own connection, looping over `paths` for `seconds`."""
    seconds: list[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + options.seconds

    def client_loop(offset: int) -> None:
        with KeepAlive(base_url, timeout=60) as client:
            turn = offset
            while time.monotonic() < deadline:
                path, params = paths[turn % len(paths)]
                start = time.perf_counter()
                ok = client.get(path, params).ok
                with lock:
                    seconds.append(time.perf_counter() - start)
                    failures[0] += not ok
                turn += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(options.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    stats = Latency.of(seconds) if seconds else Latency(0, 0, 0)
    return {"clients": options.clients, "requests": len(seconds), "failed": failures[0],
            "per_second": len(seconds) / elapsed, "median_ms": stats.median, "p95_ms": stats.p95}


def run_size(size: int, options: Options) -> SizeFigures:
    store = options.out / f"store-{size}"
    if options.reuse_stores and store.is_dir():
        figures = SizeFigures(size)
    else:
        figures, store = ingest(size, options)
    with service(store, figures) as client:
        start = time.perf_counter()
        status = wait_for_search(client, search_requests()[0], options.search_wait)
        figures.search_ready_seconds = time.perf_counter() - start
        if not options.search_only:  # the curated queries after the index build, which takes the CPUs
            figures.queries = curated(client, store, size, options)
            figures.pages = pages(client, store, options.repeats, options.warmup)
        try:
            figures.search = None if status == 404 else search(client, options)
        except RequestFailed as error:
            figures.search_failure = str(error)
        paths = [(f"/queries/{q.name}", {**q.params, "limit": str(PAGE)}) for q in figures.queries if q.http]
        if figures.search:
            paths += [("/search", params) for params in search_requests()]
        if paths:
            figures.concurrency = concurrency(client.base_url, paths, options)
    return figures


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def _ratio(reference: ReferenceFigures | None, http: float | None, http_failure: str | None) -> str:
    """rdflib's time over the service's median; past its limit, the least the ratio can be."""
    if reference is None:
        return "–"
    if reference.ms and http:
        return f"{reference.ms / http:,.0f}×"
    if reference.failure and reference.failure.startswith("over") and http:
        return f"{reference.failure} (≥ {reference.limit_s * 1000 / http:,.0f}×)"
    return reference.failure or http_failure or "–"


def report(results: list[SizeFigures], options: Options) -> str:
    """The figures as Markdown tables."""
    lines = [f"jobs={options.jobs}, repeats={options.repeats} after {options.warmup} warm-up, "
             f"first page = {PAGE} rows", "", "### Ingest", "",
             "| documents | ingested | seconds | documents/s | quads | triples/s | peak MB (ingest) |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        if not r.ingest_seconds:
            lines.append(f"| {r.documents:,} | store of an earlier run, not ingested again | | | | | |")
            continue
        rate = r.ingested / r.ingest_seconds
        lines.append(f"| {r.documents:,} | {r.ingested:,} | {r.ingest_seconds:,.1f} | {rate:,.1f} | "
                     f"{r.quads:,} | {r.quads / r.ingest_seconds:,.0f} | {r.ingest_peak_mb:,.0f} |")
    lines += ["", "### Curated queries (ms) and the rdflib reference", "",
              "| documents | query | rows | HTTP median | HTTP p95 | engine, whole query "
              "| rdflib whole | whole ÷ HTTP | rdflib page (cities) | page ÷ HTTP | same rows |",
              "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        for q in r.queries:
            http = q.http.median if q.http else None
            p95 = q.http.p95 if q.http else None
            engine = q.engine.median if q.engine else None
            page = "–" if q.page is None else f"{_ms(q.page.ms)} ({q.page_cities:,})"
            same = " · ".join(f"{label} {'yes' if ref.same_rows else 'NO'}"
                              for label, ref in (("page", q.page), ("whole", q.whole))
                              if ref is not None and ref.same_rows is not None) or "–"
            lines.append(f"| {r.documents:,} | {q.name} | {q.rows} | {_ms(http)} | {_ms(p95)} "
                         f"| {_ms(engine)} | {_ms(q.whole.ms if q.whole else None)} "
                         f"| {_ratio(q.whole, http, q.http_failure)} | {page} "
                         f"| {_ratio(q.page, http, q.http_failure)} | {same} |")
    lines += ["", "### /search and service", "",
              "| documents | index ready s | /search median | /search p95 | clients | requests/s | p95 ms "
              "| failed | service peak MB |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        c = r.concurrency
        searched = r.search_failure or _ms(r.search.median if r.search else None)
        ready = "–" if r.search_ready_seconds is None else f"{r.search_ready_seconds:,.1f}"
        lines.append(f"| {r.documents:,} | {ready} | {searched} | "
                     f"{_ms(r.search.p95 if r.search else None)} | {c.get('clients', 0):.0f} | "
                     f"{c.get('per_second', 0):,.1f} | {_ms(c.get('p95_ms'))} | {c.get('failed', 0):.0f} | "
                     f"{r.service_peak_mb:,.0f} |")
    lines += ["", "### Web pages (ms, Accept: text/html)", "", "| documents | page | median | p95 |",
              "|---:|---|---:|---:|"]
    for r in results:
        for name, measured in r.pages:
            figures = (f"{measured} | |" if isinstance(measured, str)
                       else f"{_ms(measured.median)} | {_ms(measured.p95)} |")
            lines.append(f"| {r.documents:,} | {name} | {figures}")
    return "\n".join(lines)


def _stop(signum: int, _: object) -> None:
    """SIGTERM ends the run as an exception does: the service and the rdflib child are stopped."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--out", type=Path, default=OUT, help="corpora and stores (default: bench/out)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="ingest processes (default: CPUs)")
    parser.add_argument("--quick", action="store_true", help="few repeats, short concurrency run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (at most 64)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the concurrency run (≤ 60)")
    parser.add_argument("--reference-max", type=int, default=1000,
                        help="largest size also run on the rdflib reference")
    parser.add_argument("--reference-timeout", type=float, default=300.0,
                        help="seconds per rdflib run of what the first page is compared with (the page's "
                             "cities for a query paged by jurisdiction, else the whole query)")
    parser.add_argument("--reference-whole-timeout", type=float, default=60.0,
                        help="seconds per rdflib run of the whole query where the service pages "
                             "by jurisdiction")
    parser.add_argument("--search-wait", type=float, default=300.0,
                        help="seconds to wait for the first search index (503 with Retry-After)")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument("--reuse-stores", action="store_true",
                        help="query the stores an earlier run left in --out instead of ingesting again")
    parser.add_argument("--search-only", action="store_true",
                        help="measure the search index build and /search only (no curated queries, "
                             "rdflib or web pages)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    options = Options(out=args.out, jobs=args.jobs,
                      repeats=3 if args.quick else 20, warmup=1 if args.quick else 3,
                      clients=min(args.clients, 2 if args.quick else 64),
                      seconds=min(args.seconds, 2.0 if args.quick else 60.0),
                      reference_max=args.reference_max, reference_runs=1 if args.quick else 3,
                      reference_timeout=args.reference_timeout,
                      reference_whole_timeout=args.reference_whole_timeout, search_wait=args.search_wait,
                      reuse_stores=args.reuse_stores, search_only=args.search_only)
    results = []
    for size in args.sizes:
        results.append(run_size(size, options))
        print(f"size {size} done", file=sys.stderr, flush=True)
        if args.json:
            args.json.write_text(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=2))
    print(report(results, options))


if __name__ == "__main__":
    main()
