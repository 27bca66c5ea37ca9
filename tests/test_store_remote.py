"""store.remote and store.values: the corpus on a real Oxigraph server answers like the embedded store.

Parity is checked row for row for every curated query (service/queries/*.rq) with its default
and its data-listed parameter values, bound by pyoxigraph substitutions on one side and by a
VALUES block on the other, both through the store interface and through the query workers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from ingest.build import DocumentGraph, ingest_file
from ingest.errors import IngestError
from ingest.store import Solutions, Store, connect
from ingest.store.embedded import EmbeddedStore
from ingest.store.remote import QueryRejected, RemoteStore, RemoteStoreError
from ingest.store.values import bind_values, values_block
from service.curated import CuratedQuery, ParameterError, as_oxigraph, load_library
from service.sparql.endpoint import Endpoint
from service.sparql.formats import CSV
from service.sparql.runner import QueryJob, execute

P = URIRef("https://w3id.org/policykg/def#Policy")
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT ?s WHERE { ?s a ?t }", "SELECT ?s WHERE { VALUES"),
    ("SELECT ?s { ?s a ?t }", "SELECT ?s { VALUES"),
    ("# a comment with { braces }\nSELECT ?s { ?s a ?t }", "SELECT ?s { VALUES"),
    ('PREFIX x: <http://e/#>\nSELECT ?s WHERE { ?s a ?t }', "?s WHERE { VALUES"),
    ('SELECT ("#{" AS ?x) ?s WHERE { ?s a ?t }', "?s WHERE { VALUES"),
    ("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }", "} WHERE { VALUES"),
    ("construct where { ?s a ?t }", "where { VALUES"),
    ('SELECT ?s WHERE { ?s ?p "{不是组}" . { ?s a ?t } }', 'WHERE { VALUES'),
])
def test_values_go_first_in_the_where_group(query: str, expected: str) -> None:
    bound = bind_values(query, {"t": P})
    assert expected in bound
    assert bound.count("VALUES") == 1


@pytest.mark.parametrize(("bindings", "block"), [
    ({"t": P}, f"VALUES (?t) {{ (<{P}>) }}"),
    ({"city": Literal("泉州市", lang="zh")}, 'VALUES (?city) { ("泉州市"@zh) }'),
    ({"year": Literal(2025)}, 'VALUES (?year) { ("2025"^^<http://www.w3.org/2001/XMLSchema#integer>) }'),
    ({"q": Literal('say "hi"\n')}, 'VALUES (?q) { ("""say "hi"\n""") }'),
])
def test_values_block_serialises_terms(bindings: dict[str, Node], block: str) -> None:
    assert values_block(bindings) == block
    result = EmbeddedStore().query(bind_values(f"SELECT {' '.join('?' + n for n in bindings)} WHERE {{ }}",
                                               bindings))
    assert isinstance(result, Solutions)
    values = [{k: str(v) for k, v in row.items()} for row in result.rows]
    assert values == [{k: str(v) for k, v in bindings.items()}]


def test_values_refuse_blank_nodes_and_groupless_queries() -> None:
    with pytest.raises(TypeError):
        values_block({"x": BNode()})
    with pytest.raises(ValueError):
        bind_values("DESCRIBE <http://e/x>", {"x": P})
    assert bind_values("SELECT * {}", None) == "SELECT * {}"


def test_connect_chooses_by_endpoint(tmp_path: Path) -> None:
    assert isinstance(connect(tmp_path / "s", "http://127.0.0.1:9/query"), RemoteStore)
    embedded = connect(tmp_path / "s", None)
    assert isinstance(embedded, EmbeddedStore)
    embedded.close()


def test_catalogue_matches_embedded(remote: RemoteStore, embedded: EmbeddedStore) -> None:
    there, here = remote.documents(), embedded.documents()
    assert [(e.source, e.graph, e.policy, e.triples) for e in there] == \
           [(e.source, e.graph, e.policy, e.triples) for e in here]


def test_document_graphs_stored_whole(remote: RemoteStore,
                                      corpus_graphs: dict[str, DocumentGraph]) -> None:
    for entry in remote.documents():
        stored = remote.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{entry.graph}> {{ ?s ?p ?o }} }}")
        assert not isinstance(stored, Solutions | bool)
        assert isomorphic(stored, corpus_graphs[entry.source].graph)


@pytest.mark.parametrize("query", [
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT ?a ?r ?b WHERE { GRAPH <https://w3id.org/policykg/id/graph/links> { ?a ?r ?b } } "
    "ORDER BY ?a ?r ?b",
    "SELECT ?policy ?title WHERE { ?policy a ?class ; <http://data.europa.eu/eli/ontology#title> ?title } "
    "ORDER BY ?policy",
    "ASK { ?s a <https://w3id.org/policykg/def#Measure> }",
])
def test_union_default_graph_parity(query: str, remote: RemoteStore,
                                    embedded: EmbeddedStore) -> None:
    assert remote.query(query) == embedded.query(query)


@pytest.fixture(scope="module")
def embedded(embedded_path: Path, corpus_files: list[Path]) -> Iterator[EmbeddedStore]:
    """The corpus and the vocabulary (ontology/*.ttl) on the embedded store."""
    store = EmbeddedStore(embedded_path)
    fill(store, corpus_files)
    yield store
    store.close()


@pytest.fixture(scope="module")
def embedded_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("parity") / "store"


@pytest.fixture(scope="module")
def remote(oxigraph_url: str, corpus_files: list[Path]) -> RemoteStore:
    """The same on the Oxigraph server."""
    store = RemoteStore(f"{oxigraph_url}/query", f"{oxigraph_url}/update")
    fill(store, corpus_files)
    return store


def fill(store: Store, corpus_files: list[Path]) -> None:
    for path in corpus_files:
        ingest_file(store, path)
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        store.load(path, URIRef(f"https://w3id.org/policykg/def/graph/{path.stem}"))


def with_data_values(query: CuratedQuery, store: EmbeddedStore) -> list[dict[str, URIRef | Literal]]:
    """The defaults (when no parameter is required), then each parameter bound to up to three
    values its `values from` query lists."""
    runs = []
    with suppress(ParameterError):
        runs.append(query.bind({}))
    required = {p.name: p.default for p in query.parameters if p.required}
    for parameter in query.parameters:
        if parameter.values_query:
            listed = store.query(parameter.values_query)
            assert isinstance(listed, Solutions)
            for row in listed.rows[:3]:
                raw = {**required, parameter.name: parameter.value_of(row["value"])}
                with suppress(ParameterError):
                    runs.append(query.bind({k: v for k, v in raw.items() if v is not None}))
    assert runs, f"{query.name}: no values to run it with"
    return runs


def unordered(text: str) -> str:
    """A term or CSV line as its sorted pieces: SPARQL leaves the order of GROUP_CONCAT items open."""
    return "\n".join(sorted(re.split(r"[、,\"]| ; ", text)))


def rows(result: object) -> list[tuple[tuple[str, str], ...]]:
    assert isinstance(result, Solutions)
    return [tuple(sorted((name, unordered(term.n3())) for name, term in row.items())) for row in result.rows]


@pytest.mark.parametrize("name", sorted(load_library()))
def test_curated_queries_same_rows(name: str, remote: RemoteStore, embedded: EmbeddedStore) -> None:
    query = load_library()[name]
    found = 0
    for bindings in with_data_values(query, embedded):
        here = rows(embedded.query(query.sparql, bindings))
        there = rows(remote.query(query.sparql, bindings))
        ordered = "ORDER BY" in query.sparql.upper()
        assert there == here if ordered else sorted(there) == sorted(here), bindings
        found += len(here)
    assert found, f"{name}: no rows with any value, nothing compared"


@pytest.mark.parametrize("name", sorted(load_library()))
def test_curated_queries_same_answer_through_workers(name: str, oxigraph_url: str, remote: RemoteStore,
                                                     embedded: EmbeddedStore, embedded_path: Path) -> None:
    """The worker path: pyoxigraph substitutions on the store files, VALUES on the endpoint."""
    query = load_library()[name]
    endpoint = Endpoint(f"{oxigraph_url}/query", timeout=30)
    reader = ox.Store.read_only(str(embedded_path))
    for bindings in with_data_values(query, embedded):
        job = QueryJob(query=query.sparql, fmt=CSV, result_limit=10000,
                       substitutions=tuple((k, as_oxigraph(v)) for k, v in bindings.items()))
        here = [unordered(line) for line in execute(reader, job).body.decode().splitlines()]
        there = [unordered(line) for line in execute(endpoint, job).body.decode().splitlines()]
        ordered = "ORDER BY" in query.sparql.upper()
        assert there == here if ordered else sorted(there) == sorted(here), bindings


def test_worker_endpoint_graph_answers(oxigraph_url: str, remote: RemoteStore) -> None:
    endpoint = Endpoint(f"{oxigraph_url}/query", timeout=30)
    answer = endpoint.query(f"CONSTRUCT WHERE {{ ?p a <{P}> }}")
    assert isinstance(answer, list) and all(isinstance(t, ox.Triple) for t in answer)
    assert len(answer) == len(remote.documents())


def test_errors_name_the_endpoint(oxigraph_url: str, tmp_path: Path,
                                  corpus_graphs: dict[str, DocumentGraph], corpus_files: list[Path]) -> None:
    with pytest.raises(QueryRejected):
        RemoteStore(f"{oxigraph_url}/query").query("SELECT ?x WHERE { ?x")
    gone = RemoteStore("http://127.0.0.1:9/query", timeout=5)
    with pytest.raises(RemoteStoreError, match=re.escape("127.0.0.1:9")):
        gone.documents()
    with pytest.raises(IngestError) as error:
        ingest_file(gone, corpus_files[0])
    assert error.value.stage == "store"
