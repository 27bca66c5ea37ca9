"""`/queries` on a live uvicorn server over the ingested corpus and vocabulary: JSON, CSV, HTML, OpenAPI."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from live_service import serve

from service.app import create_app
from service.config import Settings
from service.export import plain as _plain


@pytest.fixture(scope="module")
def base(corpus_store_path: Path) -> Iterator[str]:
    settings = Settings(corpus_store_path, query_timeout=20, result_limit=1000, query_workers=2)
    with serve(create_app(settings)) as url:
        yield url


def test_listing_as_json_and_html(base: str) -> None:
    listing = httpx.get(f"{base}/queries").json()["queries"]
    names = {q["name"] for q in listing}
    assert {"targets-by-indicator", "incentives-by-topic", "policies-in-force"} <= names
    targets = next(q for q in listing if q["name"] == "targets-by-indicator")
    indicator = next(p for p in targets["parameters"] if p["name"] == "indicator")
    wanted = {"value": "highValueInventionPatentsPer10k", "label": "每万人口高价值发明专利拥有量"}
    assert wanted in indicator["values"]
    page = httpx.get(f"{base}/queries", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    assert "指标目标跨城市对比" in page.text


def test_targets_as_json_with_the_sparql(base: str) -> None:
    body = httpx.get(f"{base}/queries/targets-by-indicator",
                     params={"indicator": "highValueInventionPatentsPer10k"}).json()
    found = {(r["city"], r["value"], r["unit"], r["year"]) for r in body["rows"]}
    assert {("泉州市", 4, "件", 2023), ("福州市", 10, "件", 2025)} <= found
    assert "SELECT" in body["sparql"]
    assert "VALUES (?indicator) { (<https://w3id.org/policykg/def/indicator/" in body["sparql"]
    assert body["bindings"]["indicator"].startswith("<https://")


def test_incentives_for_well_known_brands(base: str) -> None:
    rows = httpx.get(f"{base}/queries/incentives-by-topic", params={"topic": "WellKnownBrand"}).json()["rows"]
    assert any(r["city"] == "泉州市" and r["amount"] == 300000 for r in rows)


def test_csv_has_a_bom_and_the_sparql_header(base: str) -> None:
    response = httpx.get(f"{base}/queries/targets-by-indicator", headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["city", "value", "unit"]
    assert any(row[0] == "泉州市" for row in table[1:])
    assert "SELECT" in unquote(response.headers["x-sparql-query"])


def test_html_table_escapes_values(base: str) -> None:
    attack = '<script>alert("x")</script>'
    page = httpx.get(f"{base}/queries/targets-by-indicator", params={"format": "html", "city": attack})
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;" in page.text
    table = httpx.get(f"{base}/queries/targets-by-indicator", params={"format": "html"}).text
    assert "<table>" in table
    assert "泉州市" in table
    assert "<pre><code>" in table


def test_injection_through_http_is_a_value(base: str) -> None:
    attack = '福州市"@zh } } UNION { ?policy ?p ?o } #'
    body = httpx.get(f"{base}/queries/targets-by-indicator", params={"city": attack}).json()
    assert body["rows"] == []
    lines = [line.strip() for line in body["sparql"].splitlines() if not line.startswith("#")]
    block = next(line for line in lines if line.startswith("VALUES (?indicator ?city)"))
    assert block.endswith(f' {body["bindings"]["city"]}) }}')
    assert "UNION" not in "\n".join(line for line in lines if line != block)
    assert body["bindings"]["city"].startswith('"福州市\\"@zh')
    refused = httpx.get(f"{base}/queries/incentives-by-topic", params={"topic": "x> } ; DROP ALL #"})
    assert refused.status_code == 400
    assert "topic" in refused.json()["error"]["message"]


def test_bad_parameters_are_400(base: str) -> None:
    for params in ({"year": "x"}, {"limit": "0"}, {"limit": "many"}, {"format": "pdf"}):
        response = httpx.get(f"{base}/queries/targets-by-indicator", params=params)
        assert response.status_code == 400, params
        assert set(response.json()["error"]) == {"status", "message"}
    assert httpx.get(f"{base}/queries/policy-overview").status_code == 400
    assert httpx.get(f"{base}/queries/no-such-query").status_code == 404


def test_paging(base: str) -> None:
    first = httpx.get(f"{base}/queries/unit-co-ownership", params={"limit": 3}).json()
    second = httpx.get(f"{base}/queries/unit-co-ownership", params={"limit": 3, "offset": 3}).json()
    assert len(first["rows"]) == 3
    assert first["more"]
    assert "LIMIT 3 OFFSET 3" in second["sparql"]
    assert first["rows"][0] != second["rows"][0]


def test_each_query_is_an_openapi_operation_with_data_enums(base: str) -> None:
    schema = httpx.get(f"{base}/openapi.json").json()
    operation = schema["paths"]["/queries/targets-by-indicator"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert "highValueInventionPatentsPer10k" in parameters["indicator"]["schema"]["enum"]
    assert "泉州市" in parameters["city"]["schema"]["enum"]
    assert parameters["limit"]["schema"]["type"] == "integer"
    forced = schema["paths"]["/queries/policies-in-force"]["get"]["parameters"]
    assert next(p for p in forced if p["name"] == "date")["schema"]["format"] == "date"
    listing = httpx.get(f"{base}/queries").json()["queries"]
    assert {f"/queries/{q['name']}" for q in listing} <= set(schema["paths"])


def test_every_query_answers_with_defaults(base: str) -> None:
    in_force = httpx.get(f"{base}/queries/policies-in-force", params={"date": "2024-01-01"}).json()
    policy = in_force["rows"][0]["policy"]
    for query in httpx.get(f"{base}/queries").json()["queries"]:
        params = {"policy": policy} if query["name"] == "policy-overview" else {}
        if query["name"] == "policies-in-force":  # by today every corpus policy has ended or says nothing
            params = {"date": "2024-01-01"}
        response = httpx.get(f"{base}{query['path']}", params=params)
        assert response.status_code == 200, (query["name"], response.text)
        assert response.json()["rows"], query["name"]


XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(("value", "datatype", "cell"), [
    ("30", "integer", 30), ("300000.00", "decimal", 300000), ("0.1", "decimal", 0.1),
    ("1.5E3", "double", 1500), ("INF", "double", "INF"), ("NaN", "double", "NaN"),
    (str(2**70), "integer", str(2**70)),
    ("2025", "gYear", "2025")])
def test_cells_are_numbers_where_json_carries_them(value: str, datatype: str, cell: object) -> None:
    """Numbers as JSON numbers; what JSON cannot carry exactly (INF, NaN, a 70-bit integer) stays text."""
    plain = _plain({"type": "literal", "value": value, "datatype": XSD + datatype})
    assert plain == cell
    assert type(plain) is type(cell)
