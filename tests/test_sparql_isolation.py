"""One query cannot take other people's down with it: heavy queries leave room for short requests,
queries that kill workers or nest too deeply fail alone, workers end with the service, and
concurrent dumps do not abort it. Each against a live service over the corpus."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from live_service import serve, service_process

from service.app import create_app
from service.config import Settings

PKG = "https://w3id.org/policykg/def#"
SIMPLE = [
    "ASK {}",
    f"PREFIX pkg: <{PKG}>\nSELECT ?p (COUNT(?m) AS ?n) WHERE {{ ?p pkg:hasMeasure ?m }} GROUP BY ?p",
]
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"VALUES ?v{i} {{ {' '.join(map(str, range(40)))} }}" for i in range(8)) + " }"
"""40^8 solutions to count: runs until the time limit stops it."""
MEMORY_HOG = ("SELECT * WHERE { " + " ".join(f"VALUES ?{name} {{ {' '.join(map(str, range(200)))} }}"
                                             for name in "abcd") + " } ORDER BY DESC(?a) LIMIT 5")
"""1.6 billion rows to sort: past the worker's memory limit within a second or two."""
HOSTILE = [MEMORY_HOG, "ASK " + "{" * 100 + "}" * 100, "ASK { ?s " + "/".join(["<urn:p>"] * 10_000) + " ?o }"]


@pytest.fixture(scope="module")
def base(corpus_store_path: Path) -> Iterator[str]:
    settings = Settings(corpus_store_path, query_timeout=8, query_workers=2, worker_memory=600)
    with serve(create_app(settings)) as url:
        yield url


def test_two_heavy_queries_leave_room_for_short_requests(base: str) -> None:
    """While two queries hold both workers, /health, an /id page, a simple /sparql query and a curated
    query are answered (by the spare worker), before the heavy ones end."""
    measure = httpx.get(f"{base}/sparql", params={"query": f"SELECT ?m {{ ?m a <{PKG}Measure> }} LIMIT 1"})
    entity = measure.json()["results"]["bindings"][0]["m"]["value"].replace("https://w3id.org/policykg", base)
    with ThreadPoolExecutor(2) as pool:
        heavy = [pool.submit(httpx.get, f"{base}/sparql", params={"query": ENDLESS}, timeout=60)
                 for _ in range(2)]
        time.sleep(0.5)
        short = [httpx.get(f"{base}/health", timeout=60),
                 httpx.get(entity, headers={"Accept": "text/html"}, timeout=60),
                 httpx.get(f"{base}/sparql", params={"query": SIMPLE[1]}, timeout=60),
                 httpx.get(f"{base}/queries/policies-in-force", timeout=60)]
        still_running = [not future.done() for future in heavy]
        stopped = [future.result() for future in heavy]
    assert [response.status_code for response in short] == [200, 200, 200, 200]
    assert still_running == [True, True]
    assert [response.status_code for response in stopped] == [503, 503]
    assert all("time limit" in response.json()["error"]["message"] for response in stopped)


def test_hostile_queries_in_a_loop_leave_simple_queries_alone(base: str) -> None:
    """Two clients send worker-killing and deeply nested queries for 10 s, and on until a third client
    has sent ten simple queries (a loaded machine answers it slower); its simple queries all succeed
    meanwhile, and every hostile one gets its 4xx or 503 with one line."""
    deadline = time.monotonic() + 10
    asked = threading.Event()
    hostile: Counter[tuple[int, str]] = Counter()
    simple: Counter[int] = Counter()
    lock = threading.Lock()

    def attack(offset: int) -> None:
        with httpx.Client(timeout=60) as client:
            turn = offset
            while not asked.is_set():
                response = client.post(f"{base}/sparql", content=HOSTILE[turn % len(HOSTILE)],
                                       headers={"Content-Type": "application/sparql-query"})
                with lock:
                    hostile[response.status_code, response.json()["error"]["message"][:40]] += 1
                turn += 1

    def ask() -> None:
        with httpx.Client(timeout=60) as client:
            turn = 0
            try:
                while time.monotonic() < deadline or turn < 10:
                    response = client.get(f"{base}/sparql", params={"query": SIMPLE[turn % len(SIMPLE)]})
                    with lock:
                        simple[response.status_code] += 1
                    turn += 1
            finally:
                asked.set()

    threads = [threading.Thread(target=attack, args=(n,)) for n in range(2)] + [threading.Thread(target=ask)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(simple) == {200}, simple
    assert {status for status, _ in hostile} <= {400, 503}, hostile
    assert (503, "the query needed more memory than a quer") in hostile, hostile
    assert (400, "the query nests groups, brackets or pare") in hostile, hostile


def _workers(service: int) -> set[int]:
    """The query worker processes under `service`."""
    found = set()
    for task in Path(f"/proc/{service}/task").iterdir():
        found |= {int(pid) for pid in (task / "children").read_text().split()}
    return {pid for pid in found if "spawn_main" in _command(pid)}


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_workers_end_with_a_killed_service(corpus_store_path: Path) -> None:
    """kill -9 of the service (or the OOM killer) leaves no worker behind, not even one that is
    evaluating a query and ignores SIGTERM."""
    with service_process("--store", str(corpus_store_path), "--query-workers", "2",
                         "--query-timeout", "60") as (base, process):
        workers = _workers(process.pid)
        assert len(workers) >= 3, "two workers and the spare (and the search index's, while it builds)"
        def evaluating() -> None:
            with suppress(httpx.RemoteProtocolError):  # the service is killed while it waits
                httpx.get(f"{base}/sparql", params={"query": ENDLESS}, timeout=90)

        busy = threading.Thread(target=evaluating, daemon=True)
        busy.start()
        time.sleep(1)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in workers if _alive(pid)] == []


def test_concurrent_dumps_do_not_abort_the_service(corpus_store_path: Path) -> None:
    """pyoxigraph's quad iterator may not move between threads; four dumps at once each get every quad."""
    with service_process("--store", str(corpus_store_path), "--query-workers", "1") as (base, process):
        def dump(_: int) -> bytes:
            with httpx.stream("GET", f"{base}/dump", timeout=60) as response:
                assert response.status_code == 200
                return b"".join(response.iter_bytes())

        with ThreadPoolExecutor(4) as pool:
            bodies = list(pool.map(dump, range(4)))
        assert process.poll() is None, "the service is still running"
        assert httpx.get(f"{base}/health").status_code == 200
    assert len(set(bodies)) == 1
    assert len(list(ox.parse(bodies[0], format=ox.RdfFormat.N_QUADS))) > 5000
