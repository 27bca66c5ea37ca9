"""bench: the synthetic corpus is deterministic and of the genre (it goes through the real pipeline
and validates), parallel ingest gives what serial ingest gives, the benchmark's client survives the
service closing idle connections, and the benchmark runs end to end."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from live_service import serve
from oxigraph_server import oxigraph_server

from bench.generate import document, places, write_corpus
from bench.growth import windows
from bench.measure import KeepAlive, RequestFailed
from bench.run import page_places, retry_after, same_rows
from ingest.build import build_all, ingest_all
from ingest.errors import IngestError
from ingest.pipeline import build
from ingest.store import DocumentEntry, Solutions
from ingest.store.embedded import EmbeddedStore
from ingest.write import DocumentGraph
from service.app import create_app
from service.config import Settings
from service.curated import load_library

ROOT = Path(__file__).resolve().parent.parent


def test_same_seed_and_index_give_the_same_document() -> None:
    assert document(7) == document(7)
    assert document(7, seed=1) != document(7)
    assert document(7)[1] != document(8)[1]


def test_a_smaller_corpus_is_the_head_of_a_larger_one(tmp_path: Path) -> None:
    small = write_corpus(tmp_path / "3", 3)
    large = write_corpus(tmp_path / "5", 5)
    def texts(paths: list[Path]) -> list[str]:
        return [p.read_text(encoding="utf-8") for p in paths]
    assert texts(small) == texts(large[:3])


@pytest.mark.parametrize(("pattern", "meaning"), [
    (r"^责任单位：[市区县]\S+局", "a 责任单位 line led by the level prefix"),
    (r"^\d+\.\S+。", "numbered measures"),
    (r"^（[一二三四五六]）", "section headings"),
    (r"到20\d\d年，", "a deadline year for targets"),
    (r"\d+万元", "money amounts"),
    (r"〔20\d\d〕\d+号", "a 发文字号"),
])
def test_documents_have_the_parts_of_the_genre(pattern: str, meaning: str) -> None:
    texts = [document(i)[1] for i in range(6)]
    assert all(re.search(pattern, text, re.M) for text in texts), meaning


def test_places_come_from_the_division_table_with_level_prefixes() -> None:
    table = places()
    assert len(table) > 2000
    assert {place.prefix for place in table} == {"市", "区", "县"}
    assert any(place.name == "泉州市" for place in table)


def test_generated_documents_go_through_the_pipeline_and_validate(tmp_path: Path) -> None:
    for path in write_corpus(tmp_path, 6):
        built = build(path)
        assert built.report.conforms, built.report
        record = built.record
        assert record.jurisdiction is not None, path.name
        assert record.jurisdiction.code, path.name
        assert len(record.measures) >= 10, path.name
        assert record.targets, path.name
        assert sum(len(m.incentives) for m in record.measures) >= 3, path.name
        assert all(m.responsible_units for m in record.measures if m.path[0] == "二"), path.name


def test_parallel_build_gives_the_serial_results_in_order(tmp_path: Path) -> None:
    paths = write_corpus(tmp_path, 6)
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"")
    serial = list(build_all([*paths, broken], jobs=1))
    parallel = list(build_all([*paths, broken], jobs=2))
    assert [type(r) for r in parallel] == [type(r) for r in serial]
    assert isinstance(parallel[-1], IngestError)
    assert parallel[-1].source == "broken.txt"
    pairs = zip(serial[:-1], parallel[:-1], strict=True)
    assert all(isinstance(a, DocumentGraph) and isinstance(b, DocumentGraph)
               and a.record == b.record and set(a.graph) == set(b.graph) for a, b in pairs)


def stored_quads(store: EmbeddedStore) -> set[tuple[str, ...]]:
    """Every quad but the ingest times, which differ between two runs."""
    found = store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
                        "FILTER(?p != <http://purl.org/dc/terms/modified>) }")
    assert isinstance(found, Solutions)
    return {tuple(str(row[v]) for v in ("g", "s", "p", "o")) for row in found.rows}


def test_parallel_ingest_stores_what_serial_ingest_stores(tmp_path: Path) -> None:
    """Workers send serialised writes, not graphs: the store must not see the difference."""
    paths = write_corpus(tmp_path, 6)
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"")
    serial, parallel = EmbeddedStore(), EmbeddedStore()
    one = list(ingest_all(serial, [*paths, broken], jobs=1))
    two = list(ingest_all(parallel, [*paths, broken], jobs=2))
    assert [type(e) for e in two] == [type(e) for e in one] == [DocumentEntry] * 6 + [IngestError]
    assert [(e.source, e.graph, e.policy, e.triples) for e in two if isinstance(e, DocumentEntry)] == \
        [(e.source, e.graph, e.policy, e.triples) for e in one if isinstance(e, DocumentEntry)]
    assert len(stored_quads(serial)) > 5000
    assert stored_quads(parallel) == stored_quads(serial)


@pytest.mark.parametrize(("header", "seconds"), [
    ("3", 3.0),
    ("0.5", 0.5),
    (None, 1.0),
    ("Wed, 21 Oct 2026 07:28:00 GMT", 1.0),
    ("0", 0.1),
    ("3600", 10.0),
])
def test_retry_after_is_honoured_within_bounds(header: str | None, seconds: float) -> None:
    assert retry_after(header) == seconds


@pytest.mark.parametrize(("some", "others", "same"), [
    ([("a", "x、y")], [("a", "y、x")], True),
    ([("a", "1"), ("b", "2")], [("b", "2"), ("a", "1")], True),
    ([("a", "1")], [("a", "2")], False),
    ([("a", "1")], [("a", "1"), ("a", "1")], False),
])
def test_rows_compare_up_to_order(some: list[tuple[str, ...]], others: list[tuple[str, ...]],
                                  same: bool) -> None:
    assert same_rows(some, others) is same


KEYS = [("三明市", "p1"), ("泉州市", "p2"), ("鼓楼区", "p3"), ("鼓楼区", "p4"), ("龙岩市", "p5")]


@pytest.mark.parametrize(("cities", "full", "places", "count"), [
    (["三明市", "泉州市"], True, ["p1", "p2"], 2),
    (["泉州市"], True, ["p1", "p2"], 2),
    (["泉州市", "鼓楼区"], True, ["p1", "p2", "p3", "p4"], 3),
    (["泉州市"], False, ["p1", "p2", "p3", "p4", "p5"], 4),
    ([], False, ["p1", "p2", "p3", "p4", "p5"], 4),
])
def test_the_reference_page_binds_every_city_the_service_evaluated_before_the_pages_last(
        cities: list[str], full: bool, places: list[str], count: int) -> None:
    """Cities without rows before the page's last city were evaluated too; places sharing a name go
    together; a page that is not full means the service ran out of cities."""
    assert page_places(KEYS, cities, full) == (places, count)


def test_the_client_sends_again_on_a_connection_the_service_closed(corpus_store_path: Path) -> None:
    """uvicorn closes a connection idle past its keep-alive timeout (5 s by default, 1 s here), as
    the benchmark's is while rdflib runs; the next GET goes on a new one."""
    app = create_app(Settings(corpus_store_path, query_workers=1))
    with serve(app, timeout_keep_alive=1) as url, KeepAlive(url) as client:
        listed = client.get("/queries").checked().body
        time.sleep(1.5)
        assert client.get("/queries").checked().body == listed
        with pytest.raises(RequestFailed, match=r"^HTTP 404: "):
            client.get("/queries/no-such-query").checked()


def test_the_quick_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    figures = tmp_path / "figures.json"
    run = subprocess.run([sys.executable, "bench/run.py", "--sizes", "10", "--quick", "--out", str(tmp_path),
                          "--json", str(figures)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    [size] = json.loads(figures.read_text(encoding="utf-8"))
    assert size["documents"] == size["ingested"] == 10
    assert size["quads"] > 5000
    assert size["ingest_peak_mb"] > 0
    assert size["service_peak_mb"] > 0
    assert {q["name"] for q in size["queries"]} == set(load_library())
    assert all(q["engine"]["runs"] == 3 for q in size["queries"])
    paged = {name for name, query in load_library().items() if query.paged_by_jurisdiction}
    assert all(q["whole"]["same_rows"] for q in size["queries"]), size["queries"]
    assert {q["name"] for q in size["queries"] if q["page"] and q["page"]["same_rows"]} == paged
    assert "| rdflib whole | whole ÷ HTTP | rdflib page (cities) |" in run.stdout
    assert size["concurrency"]["requests"] > 0
    assert size["concurrency"]["failed"] == 0
    assert "### Ingest" in run.stdout
    assert "| 10 | 10 |" in run.stdout
    assert size["search_ready_seconds"] is not None, size["search_failure"]
    assert size["search"]["runs"] > 0, size["search_failure"]
    timed_pages = dict(size["pages"])
    assert {"home", "policy page", "organ page", "indicator page", "SPARQL workbench"} <= set(timed_pages)
    assert all(isinstance(timed, dict) and timed["runs"] > 0 for timed in timed_pages.values()), timed_pages
    assert "### Web pages (ms, Accept: text/html)" in run.stdout


def test_the_search_only_benchmark_measures_the_index_build_and_search(tmp_path: Path) -> None:
    figures = tmp_path / "figures.json"
    run = subprocess.run([sys.executable, "bench/run.py", "--sizes", "10", "--quick", "--search-only",
                          "--out", str(tmp_path), "--json", str(figures)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    [size] = json.loads(figures.read_text(encoding="utf-8"))
    assert size["queries"] == []
    assert size["pages"] == []
    assert size["search_ready_seconds"] is not None, size["search_failure"]
    assert size["search"]["runs"] > 0, size["search_failure"]
    assert size["concurrency"]["requests"] > 0
    assert size["concurrency"]["failed"] == 0


def _serving(store: Path) -> list[int]:
    """Processes of `policykg serve` on `store`, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in words and str(store).encode() in words:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")
def test_a_benchmark_killed_on_timeout_leaves_no_service_running(tmp_path: Path) -> None:
    """subprocess.run(timeout=…) kills with SIGKILL: the service the benchmark started ends with it."""
    command = [sys.executable, "bench/run.py", "--sizes", "10", "--quick", "--out", str(tmp_path)]
    bench = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    store = tmp_path / "store-10"
    deadline = time.monotonic() + 240
    while not (served := _serving(store)) and bench.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    bench.kill()
    bench.wait()
    assert served, "the benchmark never started its service"
    deadline = time.monotonic() + 60
    while _serving(store) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _serving(store)


def test_the_analyst_workload_gives_the_same_rows_on_the_embedded_store_and_an_oxigraph_server(
        corpus_store_path: Path, tmp_path: Path) -> None:
    """The workload through HTTP on two stores holding the same data: every item answers with rows,
    and the rows are the same on both (bench/analytics.py compares them)."""
    copy = tmp_path / "copy"
    shutil.copytree(corpus_store_path, copy)
    figures = tmp_path / "analytics.json"
    with oxigraph_server(copy) as base:
        run = subprocess.run([sys.executable, "bench/analytics.py", "--documents", "5", "--repeats", "1",
                              "--warmup", "0", "--store", f"embedded={corpus_store_path}",
                              "--store", f"oxigraph-server={base}/query", "--json", str(figures)],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(figures.read_text(encoding="utf-8"))
    kinds = {(r["kind"], r["name"]) for r in results}
    assert {("whole", name) for name in load_library()} <= kinds
    assert {("export", name) for name in load_library()} <= kinds
    assert {("sparql", path.stem) for path in (ROOT / "bench" / "analytics").glob("*.rq")} <= kinds
    assert {r["store"] for r in results} == {"embedded", "oxigraph-server"}
    assert all(r["failure"] is None and r["rows"] > 0 and r["same_rows"] for r in results), results
    assert "| store | documents | kind | query | rows | median ms | p95 ms | load | same rows |" in run.stdout


@pytest.mark.parametrize(("marks", "every", "rates"), [
    ([(1.0, 10, 0.5), (2.0, 20, 0.7)], 10, [(10, 10.0, 0.5), (20, 10.0, 0.7)]),
    ([(1.0, 5, 0.0), (2.0, 10, 0.0), (4.0, 20, 1.0)], 10, [(10, 5.0, 0.0), (20, 5.0, 1.0)]),
    ([(3.0, 9, 0.0)], 10, []),
])
def test_the_ingest_rate_is_read_over_windows_of_documents(
        marks: list[tuple[float, int, float]], every: int, rates: list[tuple[int, float, float]]) -> None:
    assert windows(marks, every) == rates
