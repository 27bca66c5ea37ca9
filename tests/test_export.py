"""Export of a whole curated query: every row, past the result limit, in the order of the whole query,
streamed a chunk of jurisdictions at a time; on a live service over the ingested corpus."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import httpx
import orjson
import pyoxigraph as ox
import pytest
from live_service import serve

from ingest.store import to_oxigraph
from service.app import create_app
from service.config import Settings
from service.curated import load_library
from service.export import chunks, plain
from service.jurisdiction_paging import KEYS_QUERY, jurisdiction_keys
from service.sparql.formats import JSON
from service.sparql.runner import QueryJob, QueryRunner
from service.store_stamp import StoreStamp

LIBRARY = load_library()
LIMIT = 1
"""The service's result limit here: every comparison of the corpus has more rows than this."""


@pytest.fixture(scope="module")
def base(corpus_store_path: Path) -> Iterator[str]:
    settings = Settings(corpus_store_path, query_timeout=30, result_limit=LIMIT, query_workers=2)
    with serve(create_app(settings)) as url:
        yield url


def unordered_items(rows: list[list[str]]) -> list[list[list[str]]]:
    """Rows in their order, each cell as its sorted GROUP_CONCAT items: SPARQL leaves their order open."""
    return [[sorted(re.split(r"、| ; ", cell)) for cell in row] for row in rows]


def whole(store_path: Path, name: str, raw: dict[str, str]) -> tuple[list[str], list[list[str]]]:
    """The whole query evaluated once on the store: columns and rows as lexical forms, in order."""
    query = LIBRARY[name]
    store = ox.Store.read_only(str(store_path))
    substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in query.bind(raw).items()}
    answer = store.query(query.sparql, use_default_graph_as_union=True, substitutions=substitutions)
    assert isinstance(answer, ox.QuerySolutions)
    columns = [v.value for v in answer.variables]
    return columns, [["" if s[c] is None else s[c].value for c in columns] for s in answer]


def policy(store_path: Path) -> str:
    columns, rows = whole(store_path, "policies-in-force", {"date": "2024-06-01"})
    return rows[0][columns.index("policy")]


def example(name: str, store_path: Path) -> dict[str, str]:
    """Parameters for which the corpus gives more rows than LIMIT."""
    if name == "policy-overview":
        return {"policy": policy(store_path)}
    if name == "policies-in-force":  # by today every corpus policy has ended or says nothing
        return {"date": "2024-06-01"}
    return {"topic": "PledgeFinancing"} if name == "incentives-by-topic" else {}


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_csv_export_is_the_whole_query_past_the_result_limit(name: str, base: str,
                                                             corpus_store_path: Path) -> None:
    raw = example(name, corpus_store_path)
    columns, rows = whole(corpus_store_path, name, raw)
    assert len(rows) > LIMIT, "the corpus must give more rows than the result limit"
    response = httpx.get(f"{base}/queries/{name}/export", params={**raw, "format": "csv"}, timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == f'attachment; filename="{name}.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    header, *exported = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert header == columns
    assert unordered_items(exported) == unordered_items(rows)
    assert "SELECT" in unquote(response.headers["x-sparql-query"])
    interactive = httpx.get(f"{base}/queries/{name}", params={**raw, "limit": str(LIMIT)}).json()
    assert len(interactive["rows"]) == LIMIT
    assert interactive["more"] is True


def test_json_export_lists_the_cities_it_goes_through_then_every_row(base: str,
                                                                      corpus_store_path: Path) -> None:
    columns, rows = whole(corpus_store_path, "unit-co-ownership", {})
    response = httpx.get(f"{base}/queries/unit-co-ownership/export", headers={"Accept": "application/json"})
    assert response.headers["content-type"].startswith("application/json")
    document = response.json()
    assert document["query"] == "unit-co-ownership"
    assert document["columns"] == columns
    cities = document["cities"]
    assert int(response.headers["x-export-cities"]) == len(cities) >= 2
    assert unordered_items([[str(row.get(c, "")) for c in columns] for row in document["rows"]]) == \
        unordered_items(rows)
    positions = [cities.index(row["city"]) for row in document["rows"]]
    assert positions == sorted(positions), "rows follow the cities list, so a reader can show progress"


def test_export_of_one_city_is_one_evaluation(base: str, corpus_store_path: Path) -> None:
    response = httpx.get(f"{base}/queries/shared-units-within-city/export",
                         params={"city": "泉州市", "format": "json"})
    document = response.json()
    assert response.headers["x-export-cities"] == "1"
    assert document["cities"] == []
    assert document["rows"]
    assert {row["city"] for row in document["rows"]} == {"泉州市"}


@pytest.mark.parametrize(("params", "message"), [
    ({"format": "html"}, "CSV or JSON"),
    ({"minMeasures": "two"}, "minMeasures"),
    ({"colour": "red"}, "unknown parameter"),
])
def test_bad_exports_answer_with_one_clear_error(params: dict[str, str], message: str, base: str) -> None:
    response = httpx.get(f"{base}/queries/shared-units-within-city/export", params=params)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_numbers_are_numbers_in_json(base: str) -> None:
    rows = httpx.get(f"{base}/queries/unit-co-ownership/export", params={"format": "json"}).json()["rows"]
    assert all(isinstance(row["coOwned"], int) for row in rows)
    decimal = "http://www.w3.org/2001/XMLSchema#decimal"
    assert plain({"type": "literal", "value": "2.50", "datatype": decimal}) == 2.5


def test_export_is_described_for_the_pages_that_link_to_it(base: str) -> None:
    paths = httpx.get(f"{base}/openapi.json").json()["paths"]
    operation = paths["/queries/incentives-by-topic/export"]["get"]
    assert "X-Export-Cities" in operation["description"]
    assert "cities" in operation["description"]
    names = [p["name"] for p in operation["parameters"]]
    assert {"topic", "city", "kind", "format"} <= set(names)
    assert "limit" not in names


@pytest.mark.parametrize(("size", "workers"), [(1, 1), (1, 3), (2, 2), (64, 2)])
def test_chunks_of_any_size_give_the_rows_of_the_whole_query(size: int, workers: int,
                                                             corpus_store_path: Path) -> None:
    """A chunk of cities at a time, as many at once as there are workers, yielded in key order:
    concatenated, the whole query's rows in its order, and the progress only goes forward."""
    query = LIBRARY["incentives-by-topic"]
    columns, rows = whole(corpus_store_path, "incentives-by-topic", {"topic": "PledgeFinancing"})
    bound = tuple((k, to_oxigraph(v)) for k, v in query.bind({"topic": "PledgeFinancing"}).items())
    assert len(rows) > 1

    async def exported() -> tuple[list[list[str]], list[tuple[int, int]]]:
        runner = QueryRunner(corpus_store_path, workers, 30)
        await runner.start()
        try:
            cities = await jurisdiction_keys(StoreStamp(corpus_store_path)).value(runner)
            found, progress = [], []
            async for chunk in chunks(runner, QueryJob(query.sparql, JSON, LIMIT, substitutions=bound),
                                      cities, size):
                found += [[row.get(c, {}).get("value", "") for c in columns] for row in chunk.rows.bindings]
                progress.append((chunk.jurisdictions_done, chunk.jurisdictions))
            return found, progress
        finally:
            runner.close()

    found, progress = asyncio.run(exported())
    assert unordered_items(found) == unordered_items(rows)
    keys = ox.Store.read_only(str(corpus_store_path)).query(KEYS_QUERY, use_default_graph_as_union=True)
    assert isinstance(keys, ox.QuerySolutions)
    total = len({s["city"].value for s in keys})
    assert progress[-1] == (total, total)
    assert len(progress) == -(-total // size)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)


def test_rows_decode_as_json_lines_too(base: str) -> None:
    """The JSON document puts one row per line, so a reader can parse rows as they arrive."""
    body = httpx.get(f"{base}/queries/unit-co-ownership/export", params={"format": "json"}).content
    lines = body.decode().splitlines()
    assert len(lines) > LIMIT
    assert all(isinstance(orjson.loads(line.rstrip(",")), dict) for line in lines[1:-1])
