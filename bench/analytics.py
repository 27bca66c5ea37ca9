"""analytics: the analyst workload, timed through HTTP on each store, with the rows checked equal.

The workload is what an analyst does past a first page: every curated comparison whole (the
interactive answer up to the result limit, `GET /queries/<name>?limit=10000`, and the export of
every row, `/queries/<name>/export`), and the typical aggregates of `bench/analytics/*.rq` sent to
`/sparql` as written (counts by topic, jurisdiction, year and organ type, target statistics per
indicator, incentive amounts per topic and province, citation counts, COUNT(*)). Each store is
served by a `policykg serve` of its own: the embedded store (a directory) or a remote SPARQL
endpoint (a URL), so only the store differs between two rows of the table.

    python bench/analytics.py --documents 10000 --store embedded=/work/bench-data/store-10000 \\
        --store oxigraph-server=http://127.0.0.1:7878/query --json bench/out/analytics-10000.json

Every answer is read as CSV and reduced to a canonical multiset of rows (GROUP_CONCAT items in any
order, numbers to 6 significant digits), compared with the first store's: "same rows".
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import KeepAlive, Latency, MemoryPeak, Reply, RequestFailed, timed
from bench.run import CLI, ROOT, free_port, search_requests, wait_for_search
from service.curated import load_library

WORKLOAD = Path(__file__).resolve().parent / "analytics"
WHOLE = 10_000
"""Rows of the interactive whole answer: the service's default result limit."""
_ITEMS = re.compile(r"、| ; |\?")
"""GROUP_CONCAT separators; '?' is Virtuoso 7.2's rendering of 、 (tests/test_store_remote.py)."""


@dataclass(frozen=True)
class Item:
    """One request of the workload: its kind (whole, export, sparql), name and how to send it."""

    kind: str
    name: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    sparql: str | None = None


@dataclass
class Figures:
    store: str
    documents: int
    kind: str
    name: str
    rows: int = 0
    latency: Latency | None = None
    load: float = 0.0
    """The 1-minute load average when the item started."""
    failure: str | None = None
    fingerprint: str = ""
    same_rows: bool | None = None


IN_FORCE_ON = "2024-06-01"
"""The day policies-in-force asks about: policies of the corpus and of the synthetic documents are in
force then, whereas by today every corpus policy has ended or says nothing of its validity."""


def workload(policy: str | None, export: bool) -> list[Item]:
    """The curated comparisons whole (and exported), then the ad-hoc aggregates."""
    items = []
    for name in load_library():
        params = {"policy": policy} if name == "policy-overview" and policy else {}
        if name == "policy-overview" and not policy:
            continue
        if name == "policies-in-force":
            params = {"date": IN_FORCE_ON}
        items.append(Item("whole", name, f"/queries/{name}", {**params, "limit": str(WHOLE)}))
        if export:
            items.append(Item("export", name, f"/queries/{name}/export", params))
    for path in sorted(WORKLOAD.glob("*.rq")):
        items.append(Item("sparql", path.stem, "/sparql", sparql=path.read_text(encoding="utf-8")))
    return items


def send(client: KeepAlive, item: Item) -> Reply:
    if item.sparql is not None:
        return client.post(item.path, item.sparql.encode("utf-8"), "application/sparql-query",
                           accept="text/csv").checked()
    return client.get(item.path, item.params, accept="text/csv").checked()


def canonical(body: bytes) -> tuple[int, Counter[tuple[tuple[str, ...], ...]]]:
    """Row count and the rows as a multiset of cells, each cell its sorted items, numbers rounded."""
    _, *rows = csv.reader(io.StringIO(body.decode("utf-8-sig")))
    def cell(text: str) -> tuple[str, ...]:
        return tuple(sorted(_number(item) for item in _ITEMS.split(text)))
    return len(rows), Counter(tuple(cell(c) for c in row) for row in rows)


def _number(text: str) -> str:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    return f"{value:.6g}" if value.is_finite() else text


def measure(client: KeepAlive, item: Item, repeats: int, warmup: int) -> tuple[Latency, Reply]:
    for _ in range(warmup):
        send(client, item)
    replies: list[Reply] = []
    seconds = [timed(lambda: replies.append(send(client, item))) for _ in range(repeats)]
    return Latency.of(seconds), replies[-1]


@contextmanager
def service(location: str, timeout: float) -> Iterator[tuple[KeepAlive, MemoryPeak]]:
    """`policykg serve` over a store directory or a SPARQL endpoint URL, on a free loopback port."""
    where = ["--endpoint", location] if location.startswith("http") else ["--store", location]
    port = free_port()
    command = [*CLI, *where, "serve", "--host", "127.0.0.1", "--port", str(port),
               "--query-timeout", str(timeout)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = KeepAlive(f"http://127.0.0.1:{port}", timeout=timeout + 60)
    try:
        with MemoryPeak(process.pid) as memory:
            deadline = time.monotonic() + 900  # start-up runs the `values from` queries over the whole store
            while True:
                try:
                    client.get("/openapi.json").checked()
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError(f"the service over {location} did not start") from None
                    time.sleep(0.5)
            yield client, memory
    finally:
        client.close()
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def first_policy(client: KeepAlive) -> str | None:
    """A stored policy, for policy-overview (the first by IRI, the same on every store)."""
    query = "SELECT ?p WHERE { ?p a <https://w3id.org/policykg/def#Policy> } ORDER BY ?p LIMIT 1"
    reply = client.post("/sparql", query.encode(), "application/sparql-query").checked()
    rows = json.loads(reply.body)["results"]["bindings"]
    return str(rows[0]["p"]["value"]) if rows else None


def run_store(label: str, location: str, documents: int, options: argparse.Namespace) -> list[Figures]:
    found = []
    with service(location, options.query_timeout) as (client, _):
        wait_for_search(client, search_requests()[0], options.search_wait)  # its build takes the CPUs
        for item in workload(first_policy(client), options.export):
            if options.only and not any(re.search(pattern, item.name) for pattern in options.only):
                continue
            figures = Figures(label, documents, item.kind, item.name, load=os.getloadavg()[0])
            runs = (1, 0) if item.kind == "export" else (options.repeats, options.warmup)
            try:
                figures.latency, reply = measure(client, item, *runs)
                figures.rows, rows = canonical(reply.body)
                figures.fingerprint = hashlib.sha256(repr(sorted(rows.items())).encode()).hexdigest()
            except (RequestFailed, OSError) as error:
                figures.failure = str(error)[:120]
            took = figures.latency.median if figures.latency else figures.failure
            print(f"{label} {item.kind} {item.name}: {figures.rows} rows, {took} ms, load {figures.load:.1f}",
                  file=sys.stderr, flush=True)
            found.append(figures)
    return found


def compare(results: list[Figures]) -> None:
    """Mark each item's rows as the same as (or not) the first store's rows for that item."""
    first: dict[tuple[str, str], str] = {}
    for figures in results:
        key = (figures.kind, figures.name)
        if figures.failure:
            continue
        if key not in first:
            first[key] = figures.fingerprint
            figures.same_rows = True
        else:
            figures.same_rows = figures.fingerprint == first[key]


def report(results: list[Figures]) -> str:
    lines = ["| store | documents | kind | query | rows | median ms | p95 ms | load | same rows |",
             "|---|---:|---|---|---:|---:|---:|---:|---|"]
    for f in sorted(results, key=lambda f: (f.kind != "whole", f.kind, f.name, f.documents)):
        same = "–" if f.same_rows is None else ("yes" if f.same_rows else "NO")
        median = f.failure or (f"{f.latency.median:,.0f}" if f.latency else "–")
        p95 = f"{f.latency.p95:,.0f}" if f.latency and not f.failure else "–"
        lines.append(f"| {f.store} | {f.documents:,} | {f.kind} | {f.name} | {f.rows:,} | {median} | {p95} "
                     f"| {f.load:.1f} | {same} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", action="append", required=True, metavar="LABEL=DIR|URL",
                        help="a store to measure: an embedded store directory or a SPARQL query endpoint")
    parser.add_argument("--documents", type=int, required=True,
                        help="documents in the stores (for the table)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--query-timeout", type=float, default=600.0)
    parser.add_argument("--search-wait", type=float, default=600.0)
    parser.add_argument("--no-export", dest="export", action="store_false", help="skip the exports")
    parser.add_argument("--only", nargs="*", help="regular expressions: only the queries they match")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args(argv)
    results: list[Figures] = []
    for spec in args.store:
        label, _, location = spec.partition("=")
        results += run_store(label, location, args.documents, args)
        compare(results)
        if args.json:
            args.json.write_text(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1))
    print(report(results))


if __name__ == "__main__":
    main()
