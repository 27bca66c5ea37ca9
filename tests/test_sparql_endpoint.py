"""/sparql over a live uvicorn server and a real on-disk store, driven by SPARQLWrapper (a real client)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from live_service import PEER, sample_store, serve
from SPARQLWrapper import CSV, JSON, JSONLD, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from service.app import create_app
from service.config import Settings
from service.sparql.protocol import MAX_BODY_BYTES

TIME_LIMIT = 2.0
RESULT_LIMIT = 4
PKG = "https://w3id.org/policykg/def#"
MEASURES = f"SELECT ?measure ?text {{ ?measure a <{PKG}Measure> ; <{PKG}text> ?text }} ORDER BY ?measure"
ELI = "http://data.europa.eu/eli/ontology#"
POLICIES = f"SELECT ?policy ?title {{ ?policy a <{PKG}Policy> ; <{ELI}title> ?title }}"
CONSTRUCT = f"CONSTRUCT {{ ?policy a <{PKG}Policy> }} WHERE {{ ?policy a <{PKG}Policy> }}"
CROSS_JOIN = ("SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"VALUES ?v{i} {{ {' '.join(map(str, range(40)))} }}" for i in range(8)) + " }")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_store(tmp_path_factory.mktemp("sparql") / "store")


@pytest.fixture(scope="module")
def endpoint(store_path: Path) -> Iterator[str]:
    settings = Settings(store_path, query_timeout=TIME_LIMIT, result_limit=RESULT_LIMIT, query_workers=2)
    with serve(create_app(settings)) as base:
        yield f"{base}/sparql"


def client(endpoint: str, query: str, fmt: str) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setQuery(query)
    wrapper.setReturnFormat(fmt)
    return wrapper


def test_select_json_through_sparqlwrapper(endpoint: str) -> None:
    result = client(endpoint, POLICIES, JSON).queryAndConvert()
    titles = {row["title"]["value"] for row in result["results"]["bindings"]}
    assert titles == {"泉州市知识产权强市建设若干措施", "厦门市知识产权资助办法"}
    assert {row["title"]["xml:lang"] for row in result["results"]["bindings"]} == {"zh"}


@pytest.mark.parametrize("fmt", [XML, CSV, TSV])
def test_select_other_formats_through_sparqlwrapper(endpoint: str, fmt: str) -> None:
    response = client(endpoint, POLICIES, fmt).query()
    body = response.response.read()
    if fmt == CSV:
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        assert {row["title"] for row in rows} == {"泉州市知识产权强市建设若干措施", "厦门市知识产权资助办法"}
    else:
        formats = {XML: ox.QueryResultsFormat.XML, TSV: ox.QueryResultsFormat.TSV}
        rows = list(ox.parse_query_results(body, format=formats[fmt]))
        assert {row["title"].language for row in rows} == {"zh"}
    assert len(rows) == 2
    assert "厦门市知识产权资助办法" in body.decode()


@pytest.mark.parametrize(("query", "expected"), [
    (f"ASK {{ ?p a <{PKG}Policy> }}", True),
    (f"ASK {{ ?p a <{PKG}Incentive> }}", False),
])
def test_ask_through_sparqlwrapper(endpoint: str, query: str, expected: bool) -> None:
    assert client(endpoint, query, JSON).queryAndConvert()["boolean"] is expected
    assert client(endpoint, query, XML).query().response.read().decode().count(str(expected).lower()) == 1


@pytest.mark.parametrize(("fmt", "media_type", "rdflib_format"), [
    (TURTLE, "text/turtle", "turtle"),
    (RDFXML, "application/rdf+xml", "xml"),
    (JSONLD, "application/ld+json", "json-ld"),
])
def test_construct_through_sparqlwrapper(endpoint: str, fmt: str, media_type: str, rdflib_format: str,
                                         ) -> None:
    response = client(endpoint, CONSTRUCT, fmt).query()
    assert response.response.headers["Content-Type"].startswith(media_type)
    graph = rdflib.Graph().parse(data=response.response.read(), format=rdflib_format)
    assert len(graph) == 2


def test_construct_ntriples(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": CONSTRUCT}, headers={"Accept": "application/n-triples"})
    assert response.headers["content-type"].startswith("application/n-triples")
    assert len(rdflib.Graph().parse(data=response.text, format="nt")) == 2


def test_describe_returns_the_resource(endpoint: str) -> None:
    response = httpx.post(endpoint, content="DESCRIBE <https://w3id.org/policykg/id/test/policy-b>",
                          headers={"Content-Type": "application/sparql-query", "Accept": "text/turtle"})
    assert response.status_code == 200
    assert "厦门市知识产权资助办法" in response.text


def test_default_graph_is_the_union_unless_named(endpoint: str) -> None:
    union = client(endpoint, POLICIES, JSON).queryAndConvert()
    one = httpx.get(endpoint, params={"query": POLICIES,
                                      "default-graph-uri": "https://w3id.org/policykg/id/test/graph-a"})
    assert len(union["results"]["bindings"]) == 2
    titles = [row["title"]["value"] for row in one.json()["results"]["bindings"]]
    assert titles == ["泉州市知识产权强市建设若干措施"]


def test_results_are_capped_and_say_so(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": MEASURES})
    assert response.headers["x-result-limit"] == str(RESULT_LIMIT)
    assert response.headers["x-result-truncated"] == "true"
    assert response.json()["truncated"] is True
    assert len(response.json()["results"]["bindings"]) == RESULT_LIMIT
    small = httpx.get(endpoint, params={"query": POLICIES})
    assert "x-result-truncated" not in small.headers
    assert "truncated" not in small.json()


@pytest.mark.parametrize(("request_kwargs", "fragment"), [
    ({"params": {"update": "CLEAR ALL"}}, "read-only"),
    ({"data": {"update": "INSERT DATA { <http://a> <http://b> 1 }"}}, "read-only"),
    ({"content": "DROP ALL", "headers": {"Content-Type": "application/sparql-update"}}, "read-only"),
    ({"params": {"query": "LOAD <http://example.org/data.ttl>"}}, "read-only"),
    ({"params": {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}}, "SERVICE"),
    ({"params": {"query": "SELECT * { OPTIONAL { SERVICE SILENT ?endpoint { ?s ?p ?o } } }"}}, "SERVICE"),
    ({"params": {"query": "SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }"}}, "FROM"),
    ({"params": {"query": "SELECT * FROM NAMED <http://example.org/x> { GRAPH ?g { ?s ?p ?o } }"}}, "FROM"),
])
def test_refusals(endpoint: str, request_kwargs: dict[str, object], fragment: str) -> None:
    method = "POST" if "data" in request_kwargs or "content" in request_kwargs else "GET"
    response = httpx.request(method, endpoint, **request_kwargs)  # type: ignore[arg-type]
    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403
    assert fragment in response.json()["error"]["message"]


@contextmanager
def internal_http_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server only this machine reaches, holding a secret; yields its URL and the paths asked."""
    asked: list[str] = []

    class Secret(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(b'{"head":{"vars":["s"]},"results":{"bindings":[]}}')

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Secret)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/secret.txt", asked
    finally:
        server.shutdown()


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ # x\r SERVICE <{url}> {{ ?s ?p ?o }} \n }}",
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ OPTIONAL {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }}",
])
def test_service_never_reaches_an_internal_address(endpoint: str, template: str) -> None:
    """A carriage return ends a comment for the engine, so it ends it for the guard too."""
    with internal_http_server() as (url, asked):
        query = template.format(url=url)
        response = httpx.get(endpoint, params={"query": query})
    assert response.status_code == 403
    assert response.json()["error"]["message"].startswith(f"SERVICE <{url}> is not allowed")
    assert asked == []


@pytest.mark.parametrize(("query", "status", "message"), [
    ("SELECT * FROM <graph-a> { ?s ?p ?o }", 403, "FROM <http://127.0.0.1:"),
    ("PREFIX t: <https://w3id.org/policykg/id/test/> SELECT * FROM t:nothing { ?s ?p ?o }", 403,
     "FROM <https://w3id.org/policykg/id/test/nothing>: this endpoint does not fetch graphs"),
    ("SELECT * FROM ex:graph { ?s ?p ?o }", 400, "SPARQL syntax error: FROM ex:graph: the prefix ex: is not"),
    ("SELECT * FROM NAMED <{x> { ?s ?p ?o }", 400, "SPARQL syntax error"),
    ("ASK " + "{" * 100 + "}" * 100, 400, "the query nests groups, brackets or parentheses 100 deep; the"),
    ("ASK { ?s " + "/".join(["<urn:p>"] * 10_000) + " ?o }", 400, "the query has a property path of 10000"),
])
def test_malformed_or_unsupported_queries_are_4xx_with_one_line(endpoint: str, query: str, status: int,
                                                                 message: str) -> None:
    response = httpx.post(endpoint, content=query, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == status, response.text
    assert response.json()["error"]["message"].startswith(message)
    assert "\n" not in response.json()["error"]["message"]


def test_a_prefixed_name_of_a_stored_graph_is_a_from_like_its_iri(endpoint: str) -> None:
    query = ("PREFIX t: <https://w3id.org/policykg/id/test/>\n"
             f"SELECT ?title FROM t:graph-a WHERE {{ ?p <{ELI}title> ?title }}")
    rows = httpx.get(endpoint, params={"query": query}).json()["results"]["bindings"]
    titles = [row["title"]["value"] for row in rows]
    assert titles == ["泉州市知识产权强市建设若干措施"]


def test_a_body_past_the_limit_is_413_without_reading_it_all(endpoint: str) -> None:
    body = b"ASK {} #" + b"x" * MAX_BODY_BYTES
    response = httpx.post(endpoint, content=body, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    message = f"the request body is larger than the limit of {MAX_BODY_BYTES:,} bytes"
    assert response.json()["error"]["message"] == message

    def chunks() -> Iterator[bytes]:
        yield b"ASK {} #"
        yield from (b"x" * 2**16 for _ in range(MAX_BODY_BYTES // 2**16 + 1))

    streamed = httpx.post(endpoint, content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert streamed.status_code == 413


def test_refusal_seen_by_sparqlwrapper(endpoint: str) -> None:
    with pytest.raises(HTTPError) as raised:
        client(endpoint, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", JSON).query()
    assert raised.value.code == 403


@pytest.mark.parametrize("query", [
    '# SERVICE <http://example.org/sparql> { }\nSELECT ?s WHERE { ?s ?p "SERVICE <x> { } FROM <y>" }',
    f"SELECT * FROM <https://w3id.org/policykg/id/test/graph-b> WHERE {{ ?p a <{PKG}Policy> }}",
])
def test_comments_strings_and_stored_graphs_are_not_refused(endpoint: str, query: str) -> None:
    assert httpx.get(endpoint, params={"query": query}).status_code == 200


def test_syntax_error_is_400_with_message(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": "SELECT * WHERE { ?s ?p "})
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("SPARQL syntax error")
    with pytest.raises(QueryBadFormed):
        client(endpoint, "ASK {", JSON).query()


@pytest.mark.parametrize(("query", "accept"), [
    (POLICIES, "image/png"),
    (CONSTRUCT, "application/sparql-results+json"),
    (f"ASK {{ ?p a <{PKG}Policy> }}", "text/turtle"),
])
def test_unsupported_format_is_406(endpoint: str, query: str, accept: str) -> None:
    response = httpx.get(endpoint, params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 406
    assert response.json()["error"]["status"] == 406


def test_slow_query_is_stopped_while_others_are_answered(endpoint: str) -> None:
    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(httpx.get, endpoint, params={"query": CROSS_JOIN}, timeout=30)
        time.sleep(0.3)
        started = time.monotonic()
        quick = httpx.get(endpoint, params={"query": POLICIES}, timeout=30)
        quick_seconds = time.monotonic() - started
        stopped = slow.result()
    assert quick.status_code == 200
    assert quick_seconds < TIME_LIMIT / 2
    assert stopped.status_code == 503
    assert "time limit" in stopped.json()["error"]["message"]
    assert httpx.get(endpoint, params={"query": POLICIES}).status_code == 200


def test_workers_see_data_written_after_start(endpoint: str, store_path: Path) -> None:
    query = "ASK { <https://w3id.org/policykg/id/test/late> ?p ?o }"
    assert httpx.get(endpoint, params={"query": query}).json()["boolean"] is False
    store = ox.Store(str(store_path))
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/policykg/id/test/late"), ox.NamedNode(f"{PKG}text"),
                      ox.Literal("后来写入"), ox.NamedNode("https://w3id.org/policykg/id/test/graph-late")))
    store.flush()
    del store
    assert httpx.get(endpoint, params={"query": query}).json()["boolean"] is True


def test_service_description(endpoint: str) -> None:
    response = httpx.get(endpoint, headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef(endpoint)
    assert (service, rdflib.RDF.type, sd.Service) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph


def test_cors_is_open_for_read(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": POLICIES}, headers={"Origin": "https://yasgui.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "x-result-truncated" in response.headers["access-control-expose-headers"].lower()


@pytest.mark.skipif(not (PEER / "protocol_tests.py").exists(), reason="no ../shared/peer beside the project")
def test_w3c_protocol_suite_query_side(endpoint: str) -> None:
    """Every query-side W3C SPARQL 1.1 Protocol test (and extra) passes, the dataset tests included."""
    run = subprocess.run([sys.executable, str(PEER / "protocol_tests.py"), "--endpoint", endpoint,
                          "--load-via", "preloaded", "--json"], capture_output=True, text=True, timeout=300)
    results = json.loads(run.stdout)["results"]
    query_side = {result["id"]: result for result in results if result["side"] == "query"}
    failed = {name: result["reason"] for name, result in query_side.items() if result["status"] != "PASS"}
    assert not failed, failed
    assert {"query_dataset_full", "query_multiple_dataset", "bad_query_non_utf8"} <= query_side.keys()
    assert len(query_side) >= 36
