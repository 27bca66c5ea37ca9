"""sparql: the latency of simple `/sparql` queries through HTTP, and a burst of concurrent ones.

    python bench/sparql.py --store .policykg/store          # start `policykg serve` on it
    python bench/sparql.py --url URL [--url URL2]            # services already running (compared)

Each query of QUERIES is timed over one kept-alive connection per service (median and p95 of
`--repeats` runs after 5 warm-ups, the kinds and the services interleaved so that a drift of the
machine touches them alike); then `--clients` threads send them all at once for `--rounds` rounds
and the statuses are counted, and finally each is sent once more, alone, to see that the service
still answers it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import KeepAlive, Latency, timed
from bench.run import CLI, ROOT, free_port

PREFIXES = """PREFIX pkg: <https://w3id.org/policykg/def#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
"""
TITLES_BODY = """SELECT ?title (COUNT(?m) AS ?measures) WHERE { ?p eli:title ?title ; pkg:hasMeasure ?m }
GROUP BY ?title"""
QUERIES = {
    "ask-empty": "ASK {}",
    "readme-group-by": PREFIXES + TITLES_BODY,
    "count-subquery": PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ {TITLES_BODY} }} }}",
    "ask-prefixed": PREFIXES + "ASK { ?p a pkg:Policy }",
    "construct": PREFIXES + "CONSTRUCT { ?p eli:title ?t } WHERE { ?p a pkg:Policy ; eli:title ?t }",
    "filter-regex": PREFIXES + 'SELECT ?t WHERE { ?p eli:title ?t FILTER(REGEX(?t, "知识产权")) } LIMIT 10',
    "values-limit": PREFIXES + "SELECT ?p WHERE { VALUES ?type { pkg:Policy pkg:Measure } ?p a ?type } "
                               "LIMIT 20",
}
ACCEPT = {"construct": "text/turtle"}


@contextmanager
def served(store: Path) -> Iterator[str]:
    port = free_port()
    command = [*CLI, "--store", str(store), "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        with KeepAlive(url) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    client.get("/openapi.json").checked()
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError("the service did not start") from None
                    time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def latencies(urls: list[str], repeats: int) -> dict[tuple[str, str], Latency]:
    """(query, url) -> latency, every query sent to every service in turn."""
    seconds: dict[tuple[str, str], list[float]] = {(name, url): [] for name in QUERIES for url in urls}
    clients = {url: KeepAlive(url) for url in urls}
    try:
        for turn in range(repeats + 5):
            for name, query in QUERIES.items():
                for url, client in clients.items():
                    spent = timed(lambda c=client, q=query, n=name: c.get(
                        "/sparql", {"query": q}, ACCEPT.get(n, "application/json")).checked())
                    if turn >= 5:
                        seconds[name, url].append(spent)
    finally:
        for client in clients.values():
            client.close()
    return {key: Latency.of(values) for key, values in seconds.items()}


def ask(client: KeepAlive, name: str, query: str) -> int:
    """The status of `query` sent through `client`."""
    return client.get("/sparql", {"query": query}, ACCEPT.get(name, "application/json")).status


def burst(url: str, clients: int, rounds: int) -> Counter[int]:
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def client_loop() -> None:
        with KeepAlive(url, timeout=60) as client:
            for _ in range(rounds):
                for name, query in QUERIES.items():
                    status = ask(client, name, query)
                    with lock:
                        statuses[status] += 1

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", action="append", help="a running service (repeat to compare several)")
    where.add_argument("--store", type=Path, help="an embedded store to serve")
    parser.add_argument("--repeats", type=int, default=100)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--burst-first", action="store_true",
                        help="send the burst first, to a service that has answered nothing yet")
    options = parser.parse_args(argv)
    with (served(options.store) if options.store else _given(options.url[0])) as first:
        urls = [first, *options.url[1:]] if options.url else [first]
        bursts = {url: burst(url, options.clients, options.rounds) for url in urls if options.burst_first}
        print("| query | " + " | ".join(f"{url} median ms | p95 ms" for url in urls) + " |")
        print("|---|" + "---:|---:|" * len(urls))
        figures = latencies(urls, options.repeats)
        for name in QUERIES:
            cells = (f"{figures[name, url].median:.2f} | {figures[name, url].p95:.2f}" for url in urls)
            print(f"| {name} | " + " | ".join(cells) + " |")
        for url in urls:
            statuses = bursts.get(url) or burst(url, options.clients, options.rounds)
            with KeepAlive(url) as client:
                after = Counter(ask(client, name, query) for name, query in QUERIES.items())
            print(f"\n{url}: burst of {options.clients} clients x {options.rounds} rounds: "
                  f"{dict(sorted(statuses.items()))}; then one at a time: {dict(sorted(after.items()))}")


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


if __name__ == "__main__":
    main()
