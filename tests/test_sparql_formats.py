"""Content negotiation and result writers (service.sparql.formats), read back by real parsers."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
import rdflib

from service.errors import NotAcceptable
from service.sparql import formats
from service.sparql.formats import GRAPH_FORMATS, SOLUTION_FORMATS, negotiate
from service.sparql.worker import QueryJob, execute

XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
ROWS = [
    [ox.NamedNode("https://w3id.org/policykg/id/a"), ox.Literal("专利\t资助", language="zh"),
     ox.Literal("5000", datatype=XSD_INTEGER)],
    [ox.BlankNode("b1"), ox.Literal('say "奖励"\n'), None],
]
VARIABLES = ["policy", "text", "amount"]
WRAPPER_DEFAULT = "application/sparql-results+xml,application/rdf+xml,*/*"


@pytest.mark.parametrize(("accept", "offered", "expected"), [
    (None, SOLUTION_FORMATS, "application/sparql-results+json"),
    ("*/*", SOLUTION_FORMATS, "application/sparql-results+json"),
    ("*/*", GRAPH_FORMATS, "text/turtle"),
    ("application/sparql-results+xml", SOLUTION_FORMATS, "application/sparql-results+xml"),
    ("text/csv;q=0.2, application/sparql-results+xml;q=0.9, application/sparql-results+json;q=0.5",
     SOLUTION_FORMATS, "application/sparql-results+xml"),
    ("application/json, text/javascript", SOLUTION_FORMATS, "application/sparql-results+json"),
    (WRAPPER_DEFAULT, SOLUTION_FORMATS, "application/sparql-results+xml"),
    (WRAPPER_DEFAULT, GRAPH_FORMATS, "application/rdf+xml"),
    ("text/plain", GRAPH_FORMATS, "application/n-triples"),
    ("application/ld+json", GRAPH_FORMATS, "application/ld+json"),
    ("text/*", SOLUTION_FORMATS, "text/csv"),
    ("text/tab-separated-values, */*;q=0.1", SOLUTION_FORMATS, "text/tab-separated-values"),
    ("text/csv;q=0, */*", SOLUTION_FORMATS, "application/sparql-results+json"),
])
def test_negotiate(accept: str | None, offered: tuple[formats.Format, ...], expected: str) -> None:
    assert negotiate(accept, offered).media_type == expected


@pytest.mark.parametrize(("accept", "offered"), [
    ("image/png", SOLUTION_FORMATS),
    ("application/sparql-results+json", GRAPH_FORMATS),
    ("text/turtle;q=0", GRAPH_FORMATS),
])
def test_not_acceptable(accept: str, offered: tuple[formats.Format, ...]) -> None:
    with pytest.raises(NotAcceptable):
        negotiate(accept, offered)


@pytest.mark.parametrize("fmt", [formats.JSON, formats.XML, formats.TSV])
def test_solutions_read_back_by_oxigraph(fmt: formats.Format) -> None:
    body = formats.write_solutions(VARIABLES, ROWS, fmt, truncated=False)
    parser = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
              "tsv": ox.QueryResultsFormat.TSV}[fmt.name]
    parsed = list(ox.parse_query_results(body, format=parser))
    assert [[row[name] for name in VARIABLES] for row in parsed] == [
        [term if not isinstance(term, ox.BlankNode) else row[i] for i, term in enumerate(expected)]
        for row, expected in zip(parsed, ROWS, strict=True)]
    assert parsed[0]["text"] == ox.Literal("专利\t资助", language="zh")


def test_csv_solutions() -> None:
    body = formats.write_solutions(VARIABLES, ROWS, formats.CSV, truncated=False).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows == [VARIABLES, ["https://w3id.org/policykg/id/a", "专利\t资助", "5000"],
                    ["_:b1", 'say "奖励"\n', ""]]


def test_bounded_answers_are_the_engines_json_with_the_same_bindings() -> None:
    store = ox.Store()
    subject = ox.NamedNode("https://w3id.org/policykg/id/a")
    for row in ROWS:
        for name, term in zip(VARIABLES[1:], row[1:], strict=True):
            if term is not None:
                store.add(ox.Quad(subject, ox.NamedNode(f"https://w3id.org/policykg/def#{name}"), term))
    query = """SELECT ?policy ?text ?amount WHERE { ?policy <https://w3id.org/policykg/def#text> ?text
               OPTIONAL { ?policy <https://w3id.org/policykg/def#amount> ?amount } } ORDER BY ?text LIMIT 5"""
    ours, engines = (json.loads(execute(store, QueryJob(query, formats.JSON, 5, bounded=bounded)).body)
                     for bounded in (False, True))
    assert engines == ours
    assert len(ours["results"]["bindings"]) == 2


def test_truncation_is_reported_in_json() -> None:
    cut = json.loads(formats.write_solutions(VARIABLES, ROWS[:1], formats.JSON, truncated=True))
    whole = json.loads(formats.write_solutions(VARIABLES, ROWS, formats.JSON, truncated=False))
    assert cut["truncated"] is True
    assert "truncated" not in whole


@pytest.mark.parametrize(("fmt", "value"), [(fmt, value) for fmt in formats.BOOLEAN_FORMATS
                                            for value in (True, False)])
def test_booleans(fmt: formats.Format, value: bool) -> None:
    body = formats.write_boolean(value, fmt)
    if fmt in (formats.JSON, formats.XML):
        parser = ox.QueryResultsFormat.JSON if fmt == formats.JSON else ox.QueryResultsFormat.XML
        assert bool(ox.parse_query_results(body, format=parser)) is value
    else:
        assert body.decode() == str(value).lower()


@pytest.mark.parametrize(("fmt", "rdflib_format"), [
    (formats.TURTLE, "turtle"), (formats.N_TRIPLES, "nt"),
    (formats.JSON_LD, "json-ld"), (formats.RDF_XML, "xml"),
])
def test_graphs_read_back_by_rdflib(fmt: formats.Format, rdflib_format: str) -> None:
    subject = ox.NamedNode("https://w3id.org/policykg/id/a")
    triples = [ox.Triple(subject, ox.NamedNode("http://data.europa.eu/eli/ontology#title"),
                         ox.Literal("知识产权资助办法", language="zh"))]
    body = formats.write_triples(triples, fmt, {"eli": "http://data.europa.eu/eli/ontology#"})
    graph = rdflib.Graph().parse(data=body, format=rdflib_format)
    assert set(graph.objects()) == {rdflib.Literal("知识产权资助办法", lang="zh")}
