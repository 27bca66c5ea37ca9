"""Entity pages on a live uvicorn server over the corpus: HTML, Turtle and JSON-LD by Accept, and 404s."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import rdflib
from live_service import searchable, serve

from service.app import create_app
from service.config import Settings

PKG = rdflib.Namespace("https://w3id.org/policykg/def#")
BASE = "https://w3id.org/policykg/"


@pytest.fixture(scope="module")
def base(corpus_store_path: Path) -> Iterator[str]:
    with serve(create_app(Settings(corpus_store_path, query_timeout=30, query_workers=2))) as url:
        yield searchable(url)


@pytest.fixture(scope="module")
def pledge_measure(base: str) -> str:
    """The IRI of 泉州's 质押融资贴息 measure, found through the SPARQL endpoint."""
    query = (f'SELECT ?m WHERE {{ ?m <{PKG.path}> "二/（二）/14" ; '
             '<http://purl.org/dc/terms/title> "开展知识产权质押融资贴息" }')
    rows = httpx.get(f"{base}/sparql", params={"query": query}).json()["results"]["bindings"]
    return str(rows[0]["m"]["value"])


def local(iri: str) -> str:
    return "/" + iri.removeprefix(BASE)


def test_measure_page_shows_source_and_citation(base: str, pledge_measure: str) -> None:
    response = httpx.get(base + local(pledge_measure), headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    for expected in ("开展知识产权质押融资贴息", "泉州市", "泉政文〔2021〕70号", "2021-12-23",
                     "二、（二）第14条", pledge_measure):
        assert expected in page
    links = set(re.findall(r'href="(/(?:id|def)[^"]*)"', page))
    assert any(link.startswith("/id/organ/") for link in links)  # outgoing: responsible units
    assert any(link.startswith("/id/policy/") and "measure" not in link for link in links)  # incoming: policy
    assert "/def/topic/PledgeFinancing" in links
    for link in sorted(links)[:8]:
        assert httpx.get(base + link.split("#")[0], headers={"Accept": "text/html"}).status_code == 200, link


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt"),
])
def test_measure_triples_by_accept(base: str, pledge_measure: str, accept: str, rdflib_format: str) -> None:
    response = httpx.get(base + local(pledge_measure), headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    graph = rdflib.Graph().parse(data=response.text, format=rdflib_format)
    measure = rdflib.URIRef(pledge_measure)
    assert (measure, rdflib.RDF.type, PKG.Measure) in graph
    assert {str(s) for s in graph.subjects()} == {pledge_measure}  # the entity's own triples only
    assert any(graph.objects(measure, PKG.responsibleUnit))


def test_policy_page_lists_its_measures(base: str, pledge_measure: str) -> None:
    policy = pledge_measure.split("/measure/")[0]
    page = httpx.get(base + local(policy), headers={"Accept": "text/html"}).text
    assert "泉州市人民政府关于促进知识产权高质量发展的若干意见" in page
    assert page.count('href="/id/policy/') >= 20


@pytest.mark.parametrize(("path", "expected"), [
    ("/def/topic/PledgeFinancing", "<h1>知识产权质押融资</h1>"),  # simplified Chinese label first
    ("/def", "policykg 知识产权政策词表"),
    ("/def/organ-type/MarketRegulation", "市场监管"),
])
def test_vocabulary_terms_dereference(base: str, path: str, expected: str) -> None:
    response = httpx.get(base + path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert expected in response.text


def test_topic_page_links_the_measures_tagged_with_it(base: str, pledge_measure: str) -> None:
    page = httpx.get(f"{base}/def/topic/PledgeFinancing", headers={"Accept": "text/html"}).text
    assert local(pledge_measure) in page
    graph = rdflib.Graph().parse(data=httpx.get(f"{base}/def/topic/PledgeFinancing",
                                                headers={"Accept": "text/turtle"}).text, format="turtle")
    assert (rdflib.URIRef(BASE + "def/topic/PledgeFinancing"), rdflib.RDF.type, rdflib.SKOS.Concept) in graph


def test_vocabulary_document_holds_the_hash_terms(base: str) -> None:
    graph = rdflib.Graph().parse(data=httpx.get(f"{base}/def", headers={"Accept": "text/turtle"}).text,
                                 format="turtle")
    assert (PKG.Measure, rdflib.RDF.type, rdflib.OWL.Class) in graph


def test_vocabulary_pages_name_properties_in_chinese(base: str) -> None:
    """Other vocabularies' properties by their Chinese names (routes/property-labels.tsv), ours by
    the labels of ontology/*.ttl."""
    page = httpx.get(f"{base}/def", headers={"Accept": "text/html"}).text
    names = re.findall(r'<th><a href="[^"]+" title="([^"]+)">([^<]+)</a>', page)
    assert ("http://purl.org/dc/terms/license", "许可") in names
    assert ("http://www.w3.org/2002/07/owl#versionInfo", "版本") in names
    assert "类型：" in page
    assert "type:" not in page


@pytest.mark.parametrize("path", [
    "/id/policy/nothing-here", "/id/", "/def/topic/NoSuchTopic", "/id/%3Cbad%3E iri",
])
def test_unknown_entities_are_404_in_the_one_error_shape(base: str, path: str) -> None:
    response = httpx.get(base + path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_a_browser_gets_an_unknown_entity_as_a_page_with_a_way_back(base: str) -> None:
    response = httpx.get(base + "/id/policy/nothing-here",
                         headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "没有找到" in response.text
    assert 'href="/"' in response.text


def test_unacceptable_format_is_406(base: str, pledge_measure: str) -> None:
    response = httpx.get(base + local(pledge_measure), headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.json()["error"]["status"] == 406
