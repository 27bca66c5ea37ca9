"""SPARQL 1.1 Protocol request parsing (service.sparql.protocol), one rule per row."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from service.errors import BadRequest, Refused, ServiceError, UnsupportedMediaType
from service.sparql.protocol import FORM, SparqlRequest, parse_request

G1, G2 = "http://example.org/g1", "http://example.org/g2"
GRAPHS = "default-graph-uri=http%3A%2F%2Fexample.org%2Fg1&named-graph-uri=http%3A%2F%2Fexample.org%2Fg2"


@pytest.mark.parametrize(("method", "query_string", "content_type", "body", "expected"), [
    ("GET", "query=ASK%20%7B%7D", None, b"", SparqlRequest("ASK {}")),
    ("GET", f"query=ASK+%7B%7D&{GRAPHS}", None, b"", SparqlRequest("ASK {}", [G1], [G2])),
    ("GET", "query=SELECT%20%3Ft%20%7B%3Fp%20%3Fq%20%22%E4%B8%93%E5%88%A9%22%7D", None, b"",
     SparqlRequest('SELECT ?t {?p ?q "专利"}')),
    ("POST", "", "application/x-www-form-urlencoded", b"query=ASK%20%7B%7D", SparqlRequest("ASK {}")),
    ("POST", GRAPHS, "application/x-www-form-urlencoded; charset=UTF-8", b"query=ASK+%7B%7D",
     SparqlRequest("ASK {}", [G1], [G2])),
    ("POST", GRAPHS, "application/sparql-query", b"ASK {}", SparqlRequest("ASK {}", [G1], [G2])),
    ("POST", "", "application/sparql-query; charset=utf-8", "ASK { ?s ?p \"商标\" }".encode(),
     SparqlRequest('ASK { ?s ?p "商标" }')),
    ("GET", "", None, b"", None),
])
def test_accepted_requests(method: str, query_string: str, content_type: str | None, body: bytes,
                           expected: SparqlRequest | None) -> None:
    assert parse_request(method, query_string, content_type, body) == expected


@pytest.mark.parametrize(("method", "query_string", "content_type", "body", "error", "fragment"), [
    ("GET", "query=ASK%20%7B%7D&query=ASK%20%7B%7D", None, b"", BadRequest, "exactly one"),
    ("GET", "default-graph-uri=http%3A%2F%2Fexample.org%2Fg1", None, b"", BadRequest, "exactly one"),
    ("POST", "", "application/x-www-form-urlencoded", b"default-graph-uri=x", BadRequest, "exactly one"),
    ("POST", "", "application/sparql-query", b"", BadRequest, "empty"),
    ("POST", "", "application/sparql-query; charset=UTF-16", "ASK {}".encode("utf-16"), BadRequest, "UTF-8"),
    ("POST", "", "application/sparql-query", b"ASK { ?s ?p \"\xff\" }", BadRequest, "UTF-8"),
    ("GET", "query=%FF", None, b"", BadRequest, "UTF-8"),
    ("POST", "", None, b"ASK {}", BadRequest, "Content-Type"),
    ("POST", "", "text/plain", b"ASK {}", UnsupportedMediaType, "text/plain"),
    ("POST", "", "application/sparql-update", b"CLEAR ALL", Refused, "read-only"),
    ("GET", "update=CLEAR%20ALL", None, b"", Refused, "read-only"),
    ("POST", "", FORM, b"query=ASK%20%7B%7D&update=CLEAR%20ALL", Refused, "read-only"),
    ("POST", "query=ASK%20%7B%7D", "application/sparql-query", b"ASK {}", BadRequest, "body"),
    ("PUT", "query=ASK%20%7B%7D", None, b"", BadRequest, "PUT"),
])
def test_refused_requests(method: str, query_string: str, content_type: str | None, body: bytes,
                          error: type[ServiceError], fragment: str) -> None:
    with pytest.raises(error) as raised:
        parse_request(method, query_string, content_type, body)
    assert fragment in raised.value.message


@pytest.mark.parametrize("graph", ["not an iri", "relative/path"])
def test_a_dataset_parameter_that_is_not_an_absolute_iri_is_a_bad_request(graph: str) -> None:
    with pytest.raises(BadRequest, match="not an absolute IRI"):
        parse_request("GET", urlencode({"query": "ASK {}", "default-graph-uri": graph}), None, b"")
