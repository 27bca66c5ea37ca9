"""Many clients at once against a freshly started `policykg serve`, as query editors and dashboards
send them (a COUNT over the query as a subquery, and the query itself): every query form of the W3C
protocol tests and of the README, on the embedded store and on an Oxigraph server. No answer may be
a 5xx, and afterwards the same requests, one at a time, must all be answered as the tests expect."""

from __future__ import annotations

import importlib.util
import random
import re
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from live_service import PEER, ROOT, SAMPLE, W3C_GRAPHS, sample_store, service_process
from oxigraph_server import oxigraph_server

CLIENTS = 16
ROUNDS = 3
PREFIXES = """PREFIX pkg: <https://w3id.org/policykg/def#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
"""
ISSUE_QUERIES = [
    PREFIXES + "SELECT ?title (COUNT(?m) AS ?measures) WHERE { ?p eli:title ?title ; pkg:hasMeasure ?m } "
               "GROUP BY ?title ORDER BY DESC(?measures)",
    PREFIXES + "ASK { ?p a pkg:Policy }",
    PREFIXES + "CONSTRUCT { ?p eli:title ?t } WHERE { ?p a pkg:Policy ; eli:title ?t }",
    PREFIXES + "DESCRIBE ?p WHERE { ?p a pkg:Policy } LIMIT 1",
    PREFIXES + 'SELECT ?t WHERE { ?p eli:title ?t FILTER(CONTAINS(?t, "知识产权")) } LIMIT 5',
    PREFIXES + "SELECT DISTINCT ?type WHERE { ?s a ?type } ORDER BY ?type",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    PREFIXES + "SELECT ?p WHERE { VALUES ?type { pkg:Policy pkg:Measure } ?p a ?type } LIMIT 20",
]
ACCEPT = {"CONSTRUCT": "text/turtle", "DESCRIBE": "text/turtle"}


def protocol_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("protocol_tests", PEER / "protocol_tests.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def readme_queries() -> list[str]:
    """The queries the README shows (curl and SPARQLWrapper), as written there."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"--data-urlencode 'query=(.*?)'", text, re.DOTALL)
    found += re.findall(r'setQuery\("""(.*?)"""\)', text, re.DOTALL)
    assert len(found) >= 2, "the README shows a curl and a SPARQLWrapper query"
    return found


def editor_requests(query: str) -> list[dict[str, Any]]:
    """What a query editor sends for `query`: its COUNT as a subquery, and the query itself."""
    form = next(word for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") if word in query)
    requests = [{"method": "GET", "params": {"query": query}, "headers": {"Accept": ACCEPT.get(form, "*/*")}}]
    if form == "SELECT":
        prologue, _, body = query.partition("SELECT")
        counted = f"{prologue}SELECT (COUNT(*) AS ?total) WHERE {{ {{ SELECT{body} }} }}"
        requests.append({"method": "POST", "data": {"query": counted}, "headers": {}})
    return requests


@pytest.fixture(params=["embedded", "oxigraph-server"])
def fresh_service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A service started just now over the sample documents and the W3C protocol graphs."""
    if request.param == "embedded":
        store = sample_store(tmp_path / "store")
        with service_process("--store", str(store), "--query-workers", "2") as (base, _):
            yield base
        return
    with oxigraph_server(tmp_path / "oxigraph") as server:
        httpx.post(f"{server}/store", content=SAMPLE.read_bytes(),
                   headers={"Content-Type": "application/trig"}).raise_for_status()
        for graph, name in W3C_GRAPHS.items():
            httpx.put(f"{server}/store", params={"graph": graph},
                      content=(PEER / "w3c-protocol" / name).read_bytes(),
                      headers={"Content-Type": "application/n-triples"}).raise_for_status()
        with service_process("--endpoint", f"{server}/query", "--query-workers", "2") as (base, _):
            yield base


@pytest.mark.skipif(not (PEER / "protocol_tests.py").exists(), reason="no ../shared/peer beside the project")
def test_many_clients_at_once_then_one_at_a_time(fresh_service: str) -> None:
    peer = protocol_module()
    endpoint = f"{fresh_service}/sparql"
    protocol = [req for test in peer.manifest_tests() + peer.extra_tests() if test.side == "query"
                for req in test.requests]
    queries = [request for query in readme_queries() + ISSUE_QUERIES for request in editor_requests(query)]

    def send(client: httpx.Client, item: Any) -> httpx.Response:
        if isinstance(item, dict):
            return client.request(item["method"], endpoint, params=item.get("params"), data=item.get("data"),
                                  headers=item["headers"])
        headers = {name: value for name, value in (("Content-Type", item.content_type),
                                                   ("Accept", item.accept)) if value}
        return client.request(item.method, peer.join_url(endpoint, item.params), content=item.body,
                              headers=headers)

    def client_run(seed: int) -> list[tuple[int, str]]:
        work = (protocol + queries) * ROUNDS
        random.Random(seed).shuffle(work)
        with httpx.Client(timeout=60) as client:
            return [(answer.status_code, answer.text[:200]) for answer in (send(client, i) for i in work)]

    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = [answer for answers in pool.map(client_run, range(CLIENTS)) for answer in answers]
    server_errors = [answer for answer in answers if answer[0] >= 500]
    assert not server_errors, f"{len(server_errors)} of {len(answers)}: {server_errors[:3]}"

    with httpx.Client(timeout=60) as client:
        for req in protocol:
            peer.check_response(req, send(client, req))
        for item in queries:
            response = send(client, item)
            assert response.status_code == 200, (item, response.text[:300])
