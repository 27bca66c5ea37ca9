"""The query guard (service.sparql.guard): decisions taken on the tokens the engine reads, not on
a second parser's reading, and limits checked before anything is evaluated."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from service.errors import BadRequest, Refused
from service.sparql.guard import (
    MAX_NESTING,
    MAX_PATH_LENGTH,
    MAX_QUERY_BYTES,
    MAX_TOKENS,
    MAX_TRIPLE_PATTERNS,
    inspect,
)

PKG = "PREFIX pkg: <https://w3id.org/policykg/def#>\n"
ENDPOINT = "http://127.0.0.1:8000/sparql"


@pytest.mark.parametrize(("query", "form", "from_graphs"), [
    ("ASK {}", "ASK", ()),
    ("SELECT (1 AS ?value) {}", "SELECT", ()),
    ("CONSTRUCT { <s> <p> 1 } WHERE {}", "CONSTRUCT", ()),
    ("DESCRIBE <http://example.org/>", "DESCRIBE", ()),
    ("SELECT * FROM <http://g/a> FROM NAMED <http://g/b> { ?s ?p ?o }", "SELECT", ("http://g/a", "http://g/b")),
    ('# SERVICE <http://x> {}\nSELECT ?s { ?s ?p "SERVICE <http://x> { } LOAD <y>" }', "SELECT", ()),
    ("SELECT ?s { ?s <http://example.org/SERVICE> ?o }", "SELECT", ()),
    ("PREFIX ex: <http://e/> SELECT ?s { ?s ex:SERVICE ?service }", "SELECT", ()),
    ("select ?s { ?s ?p '''SERVICE <http://x> {\r\n}''' }", "SELECT", ()),
    ("SELECT * { ?s ?p ?o } # SERVICE <http://x> { }", "SELECT", ()),
    ("PREFIX g: <http://g/> SELECT * FROM g:a FROM NAMED g:b { ?s ?p ?o }", "SELECT", ("http://g/a", "http://g/b")),
    ("BASE <http://g/> SELECT * FROM <a> { ?s ?p ?o }", "SELECT", ("http://g/a",)),
    ("SELECT * FROM <graph-a> { ?s ?p ?o }", "SELECT", ("http://127.0.0.1:8000/graph-a",)),
    (PKG + "SELECT * WHERE { VALUES ?type { " + " ".join(["pkg:Policy"] * MAX_TOKENS) + " } }", "SELECT", ()),
])
def test_accepted_queries(query: str, form: str, from_graphs: tuple[str, ...]) -> None:
    plan = inspect(query, ENDPOINT)
    assert (plan.form, plan.from_graphs) == (form, from_graphs)
    assert plan.returns_graph == (form in ("CONSTRUCT", "DESCRIBE"))


def test_prefixes_are_kept_for_graph_output() -> None:
    plan = inspect(PKG + "PREFIX : <http://e/>\nPREFIX rel: <relative#>\nCONSTRUCT WHERE { ?p a pkg:Policy }")
    assert plan.prefixes == {"pkg": "https://w3id.org/policykg/def#", "": "http://e/"}


@pytest.mark.parametrize(("query", "fragment"), [
    ("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE <http://example.org/sparql>"),
    ("SELECT * { ?a ?b ?c OPTIONAL { SERVICE SILENT ?where { ?s ?p ?o } } }", "SERVICE ?where"),
    ("ASK { FILTER EXISTS { service <http://e/s> { ?s ?p ?o } } }", "SERVICE <http://e/s>"),
    # a carriage return ends a comment (SPARQL's EOL is [\n\r]), as it does for the engine
    ("SELECT * WHERE { # x\r SERVICE <http://127.0.0.1:9/secret.txt> { ?s ?p ?o } \n }", "SERVICE <http://127"),
    # an engine that expands codepoint escapes before parsing would read a keyword here
    ("SELECT * { \\u0053ERVICE <http://e/s> { ?s ?p ?o } }", "SERVICE <http://e/s>"),
    ('SELECT * { ?s ?p "a\\u0022 . SERVICE <http://e/s> { ?s ?p ?o } ?x ?y "b" }', "SERVICE <http://e/s>"),
    ("LOAD <http://example.org/data.ttl>", "read-only"),
    ("INSERT DATA { <http://a> <http://b> <http://c> }", "read-only"),
    ("PREFIX ex: <http://e/> DELETE WHERE { ?s ?p ?o }", "read-only"),
    ("CLEAR ALL", "read-only"),
    ("CLEAR XYZ", "read-only"),
])
def test_refused_queries(query: str, fragment: str) -> None:
    with pytest.raises(Refused) as raised:
        inspect(query)
    assert fragment in raised.value.message


@pytest.mark.parametrize(("query", "message"), [
    ("知识产权", "SPARQL syntax error: a query begins with SELECT, CONSTRUCT, DESCRIBE or ASK"),
    ("PREFIX pkg <x> ASK {}", "SPARQL syntax error: PREFIX must be followed by a prefix name and an IRI"),
    ("PREFIX pkg: <https://w3id.org/policykg/def#>", "SPARQL syntax error: the query has a prologue but no"),
    ("SELECT * FROM ex:graph { ?s ?p ?o }", "SPARQL syntax error: FROM ex:graph: the prefix ex: is not"),
    ("PREFIX ex: <rel/> SELECT * FROM NAMED ex:graph { ?s ?p ?o }", "FROM ex:graph: not an absolute IRI"),
    ("SELECT * FROM <graph> { ?s ?p ?o }", "FROM <graph>: not an absolute IRI"),
])
def test_malformed_queries_are_400_with_one_line(query: str, message: str) -> None:
    with pytest.raises(BadRequest) as raised:
        inspect(query)
    assert raised.value.message.startswith(message)
    assert "\n" not in raised.value.message


def nested_groups(depth: int) -> str:
    return "ASK " + "{" * depth + "}" * depth


@pytest.mark.parametrize(("query", "limit"), [
    (nested_groups(100), f"nests groups, brackets or parentheses 100 deep; the limit is {MAX_NESTING}"),
    ("ASK { FILTER(" + "(" * 80 + "1" + ")" * 80 + ") }", f"82 deep; the limit is {MAX_NESTING}"),
    ("ASK { FILTER(?a<" + "(" * 70 + "1" + ")" * 70 + ">0) }", f"the limit is {MAX_NESTING}"),
    ("ASK { ?s " + "/".join(["<urn:p>"] * 10_000) + " ?o }", f"property path of 10000 steps; the limit is "
                                                           f"{MAX_PATH_LENGTH}"),
    ("ASK { ?s " + "|".join(["<urn:p>"] * 200) + " ?o }", "property path of 200 steps"),
    ("ASK { " + " ".join(f"?s{i} <urn:p> ?o{i} ." for i in range(1_500)) + " }",
     f"1,500 triple patterns; the limit is {MAX_TRIPLE_PATTERNS:,}"),
    ("ASK { ?s <urn:p> " + ", ".join(map(str, range(1_200))) + " }", "1,200 triple patterns"),
    ("ASK { " + " ".join(f"BIND({i} AS ?b{i})" for i in range(10_000)) + " }",
     f"tokens outside VALUES data; the limit is {MAX_TOKENS:,}"),
    ("ASK { FILTER(" + "+".join(["1"] * 30_000) + " > 0) }", "tokens outside VALUES data"),
    ("ASK {} #" + "x" * MAX_QUERY_BYTES, f"bytes long; the limit is {MAX_QUERY_BYTES:,} bytes"),
])
def test_limits_are_400_naming_the_limit(query: str, limit: str) -> None:
    with pytest.raises(BadRequest) as raised:
        inspect(query)
    assert limit in raised.value.message


def test_limits_let_real_queries_through() -> None:
    inspect(nested_groups(MAX_NESTING))
    inspect("ASK { ?s " + "/".join(["<urn:p>"] * MAX_PATH_LENGTH) + " ?o }")
    inspect("ASK { " + " ".join(f"?s{i} <urn:p> ?o{i} ." for i in range(MAX_TRIPLE_PATTERNS)) + " }")
    inspect("ASK { FILTER(?x IN (" + ", ".join(map(str, range(10_000))) + ")) }")


def test_the_guard_answers_many_threads_at_once() -> None:
    """The old guard shared rdflib's grammar between threads: one collision broke it for good."""
    queries = [PKG + "SELECT ?t (COUNT(?m) AS ?n) WHERE { ?p pkg:title ?t ; pkg:hasMeasure ?m } GROUP BY ?t",
               PKG + "SELECT (COUNT(*) AS ?n) { { SELECT ?p { ?p a pkg:Policy } } }",
               "ASK { ?s ?p ?o }", PKG + "CONSTRUCT WHERE { ?p a pkg:Policy }"] * 400
    with ThreadPoolExecutor(16) as pool:
        forms = list(pool.map(lambda query: inspect(query).form, queries))
    assert forms == ["SELECT", "SELECT", "ASK", "CONSTRUCT"] * 400
