"""Keyset paging by jurisdiction: a comparison answered a few cities at a time, page by page, gives
the rows of the whole query in the same order. Over a live service on the corpus plus 60 synthetic
documents (some 50 jurisdictions, so pages span several evaluations)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import httpx
import pyoxigraph as ox
import pytest
from live_service import serve

from bench.generate import write_corpus
from bench.run import same_rows
from ingest.build import ingest_all
from ingest.errors import IngestError
from ingest.ontology import load_ontology
from ingest.store import to_oxigraph
from ingest.store.embedded import EmbeddedStore
from service.app import create_app
from service.config import Settings
from service.curated import HeaderError, load_library, parse_query
from service.jurisdiction_paging import FIRST_JURISDICTIONS, jurisdictions_needed, split, with_places

PAGED = sorted(name for name, query in load_library().items() if query.paged_by_jurisdiction)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory, corpus_files: list[Path]) -> Path:
    folder = tmp_path_factory.mktemp("paging")
    documents = write_corpus(folder / "synthetic", 60)
    store = EmbeddedStore(folder / "store")
    failed = [e for e in ingest_all(store, [*corpus_files, *documents]) if isinstance(e, IngestError)]
    load_ontology(store)
    store.close()
    assert not failed
    return folder / "store"


@pytest.fixture(scope="module")
def base(store_path: Path) -> Iterator[str]:
    with serve(create_app(Settings(store_path, query_timeout=30, result_limit=1000, query_workers=2))) as url:
        yield url


def _whole(store_path: Path, name: str) -> list[tuple[str, ...]]:
    """The rows of the query as written, evaluated whole on the engine, as lexical forms."""
    query = load_library()[name]
    substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in query.bind({}).items()}
    store = ox.Store.read_only(str(store_path))
    answer = store.query(query.sparql, use_default_graph_as_union=True, substitutions=substitutions)  # type: ignore[arg-type]
    assert isinstance(answer, ox.QuerySolutions)
    names = [v.value for v in answer.variables]
    return [tuple("" if s[n] is None else s[n].value for n in names) for s in answer]


def _page(base: str, name: str, limit: int, offset: int) -> tuple[list[tuple[str, ...]], str]:
    response = httpx.get(f"{base}/queries/{name}", params={"limit": limit, "offset": offset},
                         headers={"Accept": "text/csv"}, timeout=60)
    response.raise_for_status()
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return [tuple(row) for row in table[1:]], unquote(response.headers["x-sparql-query"])


def test_the_store_spans_several_evaluations(store_path: Path) -> None:
    cities = {row[0] for row in _whole(store_path, "policies-in-force")}
    assert len(cities) > 4 * FIRST_JURISDICTIONS


@pytest.mark.parametrize("name", PAGED)
def test_pages_are_the_pages_of_the_whole_query(base: str, store_path: Path, name: str) -> None:
    whole = _whole(store_path, name)
    pages, offset = [], 0
    while True:
        rows, sparql = _page(base, name, 40, offset)
        assert "keyset paging" in sparql
        pages.extend(rows)
        offset += 40
        if len(rows) < 40:
            break
    assert [row[0] for row in pages] == [row[0] for row in whole]  # city first, in the same order
    assert same_rows(pages, whole)
    middle, _ = _page(base, name, 25, 13)
    assert [row[0] for row in middle] == [row[0] for row in pages[13:38]]


def test_a_bound_city_runs_the_query_once(base: str) -> None:
    rows, _ = _page(base, "targets-by-indicator", 100, 0)
    bound = httpx.get(f"{base}/queries/targets-by-indicator", params={"city": "泉州市"}).json()
    assert "keyset paging" not in bound["sparql"]
    assert {r["city"] for r in bound["rows"]} == {"泉州市"}
    assert {r["value"] for r in bound["rows"]} == {int(float(row[1])) for row in rows if row[0] == "泉州市"}


def test_the_marker_binds_the_places_given() -> None:
    text = "SELECT ?city ?place WHERE { VALUES ?place { UNDEF } ?place <urn:label> ?city } ORDER BY ?city"
    bound = with_places(text, ["https://w3id.org/policykg/id/jurisdiction/350500", "urn:x:b"])
    assert "VALUES ?place { <https://w3id.org/policykg/id/jurisdiction/350500> <urn:x:b> }" in bound


@pytest.mark.parametrize(("body", "problem"), [
    ("SELECT ?city WHERE { ?place <urn:label> ?city } ORDER BY ?city", "VALUES ?place { UNDEF }"),
    ("SELECT ?city WHERE { VALUES ?place { UNDEF } ?place <urn:label> ?city } ORDER BY DESC(?n) ?city",
     "ORDER BY starts with ?city"),
])
def test_a_paged_query_must_mark_its_places_and_order_by_city(body: str, problem: str) -> None:
    header = "#+ title: t\n#+ description: d\n#+ page by: jurisdiction\n#+ param city: label\n"
    with pytest.raises(HeaderError, match="paged by jurisdiction") as raised:
        parse_query("bad", header + body)
    assert problem in str(raised.value)


@pytest.mark.parametrize(("missing", "rows_per_jurisdiction", "size", "expected"), [
    (78, 23 / 8, 16, 33),   # 23 rows per 8 cities: 78 more need ~27 cities, and a fifth more
    (1, 12.0, 8, FIRST_JURISDICTIONS),  # never fewer than the first evaluation
    (100, 0.0, 8, 32),      # nothing found yet: four times as many
    (98, 2 / 8, 8, 32),     # a rate read from 8 cities: at most four times as many
    (100, 0.01, 256, 512),  # very sparse: at most MOST_JURISDICTIONS
])
def test_the_next_evaluation_takes_the_cities_the_page_needs(missing: int, rows_per_jurisdiction: float,
                                                            size: int, expected: int) -> None:
    assert jurisdictions_needed(missing, rows_per_jurisdiction, size) == expected


CITIES = [(f"city{n:02d}", (f"place{n}",)) for n in range(40)]


@pytest.mark.parametrize(("count", "parts", "sizes"), [
    (8, 2, [8]),
    (16, 2, [8, 8]),
    (17, 2, [9, 8]),
    (40, 3, [14, 14, 12]),
    (40, 1, [40]),
    (0, 2, [0]),
])
def test_a_large_evaluation_is_split_among_the_workers_in_order(count: int, parts: int,
                                                                sizes: list[int]) -> None:
    """Runs of at least FIRST_JURISDICTIONS cities, one per worker, which put back together are the cities."""
    found = split(CITIES[:count], parts)
    assert [len(part) for part in found] == sizes
    assert [city for part in found for city in part] == CITIES[:count]
