"""The query guard (service.sparql.guard): decisions taken on the parse tree, not on the text."""

from __future__ import annotations

import pytest

from service.errors import BadRequest, Refused
from service.sparql.guard import inspect


@pytest.mark.parametrize(("query", "form", "from_graphs"), [
    ("ASK {}", "ASK", ()),
    ("SELECT (1 AS ?value) {}", "SELECT", ()),
    ("CONSTRUCT { <s> <p> 1 } WHERE {}", "CONSTRUCT", ()),
    ("DESCRIBE <http://example.org/>", "DESCRIBE", ()),
    ("SELECT * FROM <http://g/a> FROM NAMED <http://g/b> { ?s ?p ?o }", "SELECT", ("http://g/a", "http://g/b")),
    ('# SERVICE <http://x> {}\nSELECT ?s { ?s ?p "SERVICE <http://x> { } LOAD <y>" }', "SELECT", ()),
    ("SELECT ?s { ?s <http://example.org/SERVICE> ?o }", "SELECT", ()),
])
def test_accepted_queries(query: str, form: str, from_graphs: tuple[str, ...]) -> None:
    plan = inspect(query)
    assert (plan.form, plan.from_graphs) == (form, from_graphs)
    assert plan.returns_graph == (form in ("CONSTRUCT", "DESCRIBE"))


def test_prefixes_are_kept_for_graph_output() -> None:
    plan = inspect("PREFIX pkg: <https://w3id.org/policykg/def#>\nPREFIX : <http://e/>\n"
                   "CONSTRUCT WHERE { ?p a pkg:Policy }")
    assert plan.prefixes == {"pkg": "https://w3id.org/policykg/def#", "": "http://e/"}


@pytest.mark.parametrize(("query", "fragment"), [
    ("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE <http://example.org/sparql>"),
    ("SELECT * { ?a ?b ?c OPTIONAL { SERVICE SILENT ?where { ?s ?p ?o } } }", "SERVICE ?where"),
    ("ASK { FILTER EXISTS { SERVICE <http://e/s> { ?s ?p ?o } } }", "SERVICE"),
    ("SELECT * { \\u0053ERVICE <http://e/s> { ?s ?p ?o } }", "SERVICE"),
    ("LOAD <http://example.org/data.ttl>", "read-only"),
    ("INSERT DATA { <http://a> <http://b> <http://c> }", "read-only"),
    ("DELETE WHERE { ?s ?p ?o }", "read-only"),
    ("CLEAR ALL", "read-only"),
])
def test_refused_queries(query: str, fragment: str) -> None:
    with pytest.raises(Refused) as raised:
        inspect(query)
    assert fragment in raised.value.message


@pytest.mark.parametrize("query", ["ASK {", "SELECT ?s WHERE { ?s ?p }", "CLEAR XYZ", "知识产权"])
def test_syntax_errors(query: str) -> None:
    with pytest.raises(BadRequest) as raised:
        inspect(query)
    assert raised.value.message.startswith("SPARQL syntax error")
