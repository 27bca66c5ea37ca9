"""The SPARQL 1.1 Protocol query operation: an HTTP request in, one query and its dataset out.

Kept free of any web framework so that each rule of §2.1 (exactly one query, the three ways to
send it, UTF-8 only, the dataset parameters) is a pure function tested on plain bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from pyoxigraph import NamedNode

from service.errors import BadRequest, Refused, UnsupportedMediaType

FORM = "application/x-www-form-urlencoded"
DIRECT_QUERY = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"
READ_ONLY = "SPARQL Update is not accepted: this endpoint is read-only"
MAX_BODY_BYTES = 3 * 2**20
"""The most of a POST body read: a query at the guard's limit (1 MiB), percent-encoded in a form."""


@dataclass(frozen=True)
class SparqlRequest:
    """One query with the RDF dataset the protocol parameters name (empty lists: none named)."""

    query: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)

    @property
    def has_dataset(self) -> bool:
        """The protocol names a dataset, which then replaces any FROM / FROM NAMED of the query."""
        return bool(self.default_graphs or self.named_graphs)


def parse_request(method: str, query_string: str, content_type: str | None,
                  body: bytes) -> SparqlRequest | None:
    """The query of a GET or POST request; None for a bare GET, which asks for the service description."""
    url_params = _pairs(query_string)
    if method == "GET":
        if not url_params:
            return None
        return _from_params(url_params)
    if method != "POST":
        raise BadRequest(f"method {method} is not part of the SPARQL query protocol")
    media_type, charset = _media_type(content_type)
    if media_type == FORM:
        return _from_params(url_params + _pairs(_utf8(body)))
    if media_type == DIRECT_QUERY:
        if charset not in ("", "utf-8"):
            raise BadRequest(f"the query must be sent as UTF-8, not {charset}")
        if "query" in dict(url_params):
            raise BadRequest("a direct POST carries its query in the body, not also as a URL parameter")
        return _with_dataset(_utf8(body), url_params)
    if media_type == DIRECT_UPDATE:
        raise Refused(READ_ONLY)
    if not media_type:
        raise BadRequest(f"a POST needs a Content-Type: {FORM} or {DIRECT_QUERY}")
    raise UnsupportedMediaType(f"Content-Type {media_type} is not {FORM} or {DIRECT_QUERY}")


def _from_params(params: list[tuple[str, str]]) -> SparqlRequest:
    """The request of GET parameters or a form body: exactly one `query`, never `update`."""
    names = [name for name, _ in params]
    if "update" in names:
        raise Refused(READ_ONLY)
    queries = [value for name, value in params if name == "query"]
    if len(queries) != 1:
        raise BadRequest(f"exactly one 'query' parameter is required, got {len(queries)}")
    return _with_dataset(queries[0], params)


def _with_dataset(query: str, params: list[tuple[str, str]]) -> SparqlRequest:
    if not query.strip():
        raise BadRequest("the query is empty")
    return SparqlRequest(
        query=query,
        default_graphs=[_graph_iri(value) for name, value in params if name == "default-graph-uri"],
        named_graphs=[_graph_iri(value) for name, value in params if name == "named-graph-uri"],
    )


def _graph_iri(value: str) -> str:
    """A dataset parameter must be an absolute IRI; anything else is the client's mistake (400)."""
    try:
        NamedNode(value)
    except ValueError as error:
        raise BadRequest(f"graph IRI {value!r} is not an absolute IRI: {error}") from error
    return value


def _pairs(text: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise BadRequest(f"parameters must be percent-encoded UTF-8: {error}") from error


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"the request body is not UTF-8: {error}") from error


def _media_type(content_type: str | None) -> tuple[str, str]:
    """The media type and charset (both lower case, '' when absent) of a Content-Type header."""
    media_type, _, rest = (content_type or "").partition(";")
    charset = ""
    for parameter in rest.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset
