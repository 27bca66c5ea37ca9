"""The service over the ingested corpus on a live uvicorn server: health, dump, ontology, errors, docs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from live_service import serve

from ingest.pipeline import ingest_file
from ingest.store.embedded import EmbeddedStore
from ingest.store.remote import RemoteStore
from service.app import create_app
from service.config import Settings

PKG = rdflib.Namespace("https://w3id.org/policykg/def#")


@pytest.fixture(scope="module")
def base(corpus_store_path: Path) -> Iterator[str]:
    settings = Settings(corpus_store_path, query_timeout=10, result_limit=1000, query_workers=2)
    with serve(create_app(settings)) as url:
        yield url


def test_health_counts_the_corpus(base: str, corpus_files: list[Path]) -> None:
    body = httpx.get(f"{base}/health").json()
    assert body["status"] == "ok"
    assert body["store"]["documents"] == len(corpus_files)
    assert body["store"]["triples"] > 100 * len(corpus_files)


def test_health_counts_again_when_the_store_changes(tmp_path: Path, corpus_files: list[Path]) -> None:
    """The triple count is kept between requests, but never outlives a write."""
    store = EmbeddedStore(tmp_path / "store")
    ingest_file(store, corpus_files[0])
    store.close()
    with serve(create_app(Settings(tmp_path / "store", query_workers=1))) as url:
        before = [httpx.get(f"{url}/health").json()["store"] for _ in range(2)]
        store = EmbeddedStore(tmp_path / "store")
        ingest_file(store, corpus_files[1])
        store.close()
        after = httpx.get(f"{url}/health").json()["store"]
    assert before[0] == before[1]
    assert before[0]["documents"] == 1
    assert after["documents"] == 2
    assert after["triples"] > before[0]["triples"]


def test_health_is_503_without_a_store(tmp_path: Path) -> None:
    with serve(create_app(Settings(tmp_path / "missing", query_workers=1))) as url:
        response = httpx.get(f"{url}/health")
    assert response.status_code == 503
    assert "store" in response.json()["error"]["message"]


def test_dump_streams_every_quad(base: str) -> None:
    with httpx.stream("GET", f"{base}/dump") as response:
        assert response.headers["content-type"].startswith("application/n-quads")
        body = b"".join(response.iter_bytes())
    quads = list(ox.parse(body, format=ox.RdfFormat.N_QUADS))
    assert len(quads) >= httpx.get(f"{base}/health").json()["store"]["triples"]
    assert len({quad.graph_name for quad in quads}) > 5


def test_sparql_over_the_corpus(base: str, corpus_files: list[Path]) -> None:
    query = (f"SELECT ?policy (COUNT(?measure) AS ?measures) WHERE {{ ?policy a <{PKG.Policy}> ; "
             f"<{PKG.hasMeasure}> ?measure }} GROUP BY ?policy")
    rows = httpx.get(f"{base}/sparql", params={"query": query}).json()["results"]["bindings"]
    assert len(rows) == len(corpus_files)
    assert all(int(row["measures"]["value"]) > 0 for row in rows)


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    (None, "turtle"), ("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
])
def test_ontology_is_served_merged(base: str, accept: str | None, rdflib_format: str) -> None:
    response = httpx.get(f"{base}/ontology", headers={"Accept": accept} if accept else {})
    graph = rdflib.Graph().parse(data=response.text, format=rdflib_format)
    assert (PKG.Policy, rdflib.RDF.type, rdflib.OWL.Class) in graph
    assert any(graph.subjects(rdflib.RDF.type, rdflib.SKOS.ConceptScheme))


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), [
    ("GET", "/no-such-page", {}, 404),
    ("PUT", "/sparql?query=ASK%20%7B%7D", {}, 405),
    ("GET", "/ontology", {"headers": {"Accept": "image/png"}}, 406),
    ("GET", "/sparql?query=ASK%20%7B", {}, 400),
    ("POST", "/sparql", {"content": "ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
])
def test_one_error_shape(base: str, method: str, path: str, kwargs: dict[str, object], status: int) -> None:
    response = httpx.request(method, f"{base}{path}", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status
    assert set(response.json()) == {"error"}
    assert response.json()["error"]["status"] == status
    assert response.json()["error"]["message"]


def test_openapi_documents_every_endpoint_with_an_example(base: str) -> None:
    paths = httpx.get(f"{base}/openapi.json").json()["paths"]
    for path in ("/sparql", "/health", "/dump", "/ontology"):
        for operation in paths[path].values():
            contents = operation["responses"]["200"]["content"].values()
            assert any("example" in content for content in contents), path
    assert paths["/sparql"]["get"]["parameters"][0]["example"].startswith("PREFIX")
    assert "application/sparql-query" in paths["/sparql"]["post"]["requestBody"]["content"]


def test_health_and_dump_on_a_remote_store(oxigraph_url: str, corpus_files: list[Path]) -> None:
    """Over a SPARQL server the service reports where the store is and dumps it graph by graph."""
    endpoint = f"{oxigraph_url}/query"
    store = RemoteStore(endpoint, f"{oxigraph_url}/update")
    for file in corpus_files:
        ingest_file(store, file)
    settings = Settings(sparql_endpoint=endpoint, query_workers=1)
    with serve(create_app(settings)) as url:
        health = httpx.get(f"{url}/health").json()["store"]
        with httpx.stream("GET", f"{url}/dump") as response:
            assert response.status_code == 200
            body = b"".join(response.iter_bytes())
    assert health["location"] == endpoint
    quads = list(ox.parse(body, format=ox.RdfFormat.N_QUADS))
    assert len(quads) == health["triples"]
    assert {str(entry.graph) for entry in store.documents()} <= {q.graph_name.value for q in quads}
