"""The curated query library: one `.rq` file per operation, its header parsed strictly at start-up.

A header is the block of `#+` lines at the top of the file (see service/queries/README.md):

    #+ title: 指标目标跨城市对比 · Targets for one indicator across cities
    #+ description zh: 各城市为某一指标设定的目标。
    #+ description: What every city set as a target for one indicator.
    #+ param indicator: iri
    #+   doc: The indicator concept.
    #+   namespace: https://w3id.org/policykg/def/indicator/
    #+   default: highValueInventionPatentsPer10k
    #+   values from: SELECT DISTINCT ?value ?label WHERE { … }
    #+ page by: jurisdiction

`page by: jurisdiction` declares a comparison ordered by city first whose body marks with
`VALUES ?place { UNDEF }` where the places of a few cities are bound (service/jurisdiction_paging.py).

Parameters are bound as RDF terms through pyoxigraph substitutions, never pasted into the text,
so no value can change the structure of a query. Oxigraph binds only variables of the SELECT
projection, so every parameter must be projected (checked here, at start-up); an optional
parameter left out stays a free variable, which means "all values". Paging is the one thing
written into the text: LIMIT and OFFSET are validated integers, formatted as such.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from importlib.resources.abc import Traversable

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ingest.sparql import is_iri
from ingest.store import to_oxigraph

__all__ = ["PARAMETER_TYPES", "CuratedQuery", "HeaderError", "Parameter", "ParameterError",
           "load_library", "parse_query"]

PARAMETER_TYPES = {
    "iri": "an IRI; with a namespace, its local name is enough",
    "string": "a plain string literal",
    "label": "a Chinese label (a literal tagged @zh), as places are named",
    "integer": "an xsd:integer",
    "decimal": "an xsd:decimal",
    "date": "an xsd:date, YYYY-MM-DD; the default may be `today`",
    "year": "a year (xsd:integer, 1900–2100), as target years are stored",
}
RESERVED = frozenset({"limit", "offset", "format"})
DEFAULT_LIMIT = 100
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PARAM = re.compile(r"param\s+(\S+)\s*:\s*(\S+)")
PLACES_MARKER = "VALUES ?place { UNDEF }"
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_ATTRIBUTES = ("doc", "default", "namespace", "required", "values", "values from")


class HeaderError(ValueError):
    """A curated query file that cannot be served; the message names the file and line."""


class ParameterError(ValueError):
    """A request value that does not fit its parameter's type or allowed values."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    doc: str = ""
    default: str | None = None
    namespace: str | None = None
    required: bool = False
    choices: tuple[str, ...] = ()
    """Allowed values listed in the header, enforced."""
    values_query: str | None = None
    """A SELECT listing the values found in the data (?value, optional ?label): offered, not enforced."""

    def term(self, raw: str, today: date | None = None) -> URIRef | Literal:
        """The RDF term a request value stands for; ParameterError when it does not fit."""
        raw = raw.strip()
        if self.choices and raw not in self.choices:
            raise ParameterError(f"{self.name}: {raw!r} is not one of {', '.join(self.choices)}")
        try:
            return _TERMS[self.type](self, raw, today or date.today())
        except (ValueError, InvalidOperation) as error:
            raise ParameterError(f"{self.name}: {raw!r} is not {PARAMETER_TYPES[self.type]}") from error

    def value_of(self, term: object) -> str:
        """The request value for a term found in the data (a local name when there is a namespace)."""
        text = str(term)
        if self.namespace and text.startswith(self.namespace):
            return text[len(self.namespace):]
        return text


def _iri(parameter: Parameter, raw: str, _: date) -> URIRef:
    if parameter.namespace and _NAME.fullmatch(raw.replace("-", "_")):
        raw = parameter.namespace + raw
    if not is_iri(raw):
        raise ValueError(raw)
    return URIRef(raw)


def _year(_: Parameter, raw: str, __: date) -> Literal:
    if not re.fullmatch(r"\d{4}", raw) or not 1900 <= int(raw) <= 2100:
        raise ValueError(raw)
    return Literal(int(raw))


def _integer(_: Parameter, raw: str, __: date) -> Literal:
    if not re.fullmatch(r"[+-]?\d+", raw):
        raise ValueError(raw)
    return Literal(int(raw))


def _date(_: Parameter, raw: str, today: date) -> Literal:
    return Literal(today if raw == "today" else date.fromisoformat(raw), datatype=XSD.date)


_TERMS: dict[str, Callable[[Parameter, str, date], URIRef | Literal]] = {
    "iri": _iri,
    "string": lambda _, raw, __: Literal(raw),
    "label": lambda _, raw, __: Literal(raw, lang="zh"),
    "integer": _integer,
    "decimal": lambda _, raw, __: Literal(Decimal(raw).normalize(), datatype=XSD.decimal),
    "date": _date,
    "year": _year,
}


@dataclass(frozen=True)
class CuratedQuery:
    name: str
    title: str
    description: str
    sparql: str
    """The whole file, header included: the header lines are SPARQL comments."""
    parameters: tuple[Parameter, ...] = field(default=())
    paged_by_jurisdiction: bool = False
    """Answered a few cities at a time unless a city is bound (service/jurisdiction_paging.py)."""
    description_zh: str = ""
    """The description for people, in Chinese; `description` stays English for API clients."""

    @property
    def title_zh(self) -> str:
        """The Chinese half of a `中文 · English` title (the whole title when it has no English)."""
        return self.title.split(" · ")[0]

    @property
    def title_en(self) -> str:
        return self.title.split(" · ", 1)[1] if " · " in self.title else ""

    def bind(self, raw: Mapping[str, str], today: date | None = None) -> dict[str, URIRef | Literal]:
        """Request values (or defaults) as RDF terms by variable name; unknown names are refused. An
        optional parameter given empty (`?indicator=`, a form's "all") is left free: all values."""
        known = {p.name for p in self.parameters} | RESERVED
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ParameterError(f"unknown parameter {unknown[0]!r}; this query takes "
                                 f"{', '.join(sorted(known)) or 'none'}")
        bound = {}
        for parameter in self.parameters:
            value = raw.get(parameter.name)
            if value is None or (value == "" and parameter.required):
                value = parameter.default
            if not value:
                if parameter.required:
                    raise ParameterError(f"{parameter.name}: required")
                continue
            bound[parameter.name] = parameter.term(value, today)
        return bound


def paged(sparql: str, limit: int, offset: int) -> str:
    """The query text with its page: integers only, so the structure stays the file's."""
    if limit < 0 or offset < 0:
        raise ParameterError("limit and offset must not be negative")
    return f"{sparql.rstrip()}\nLIMIT {int(limit)} OFFSET {int(offset)}\n"


def page_bounds(raw: Mapping[str, str], most: int) -> tuple[int, int]:
    """limit (default 100, at most `most`) and offset (default 0) from request values."""
    try:
        limit = int(raw.get("limit") or DEFAULT_LIMIT)
        offset = int(raw.get("offset") or 0)
    except ValueError as error:
        raise ParameterError("limit and offset must be integers") from error
    if not 0 < limit <= most or offset < 0:
        raise ParameterError(f"limit must be 1–{most} and offset 0 or more")
    return limit, offset


def shown(sparql: str, bindings: Mapping[str, URIRef | Literal]) -> str:
    """The text that ran, with its bindings as a VALUES block opening the outermost WHERE group, so
    that run as it is (in the SPARQL editor, or any client) it gives the same rows: like the bound
    variables, the block is there for every pattern and FILTER of that group."""
    if not bindings:
        return sparql
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    block = f"VALUES ({names}) {{ ({terms}) }}"
    lines = sparql.splitlines(keepends=True)
    for number, line in enumerate(lines):
        found = None if line.lstrip().startswith("#") else _WHERE.search(line)
        if found:
            rest = line[found.end():].strip()
            lines[number] = f"{line[:found.end()]}\n  {block}\n" + (f"  {rest}\n" if rest else "")
            return "".join(lines)
    return f"{sparql.rstrip()}\n{block}\n"


def load_library(folder: Traversable | None = None) -> dict[str, CuratedQuery]:
    """Every `.rq` file of `folder` (default: service/queries), by name; HeaderError on the first bad one."""
    folder = folder or files("service") / "queries"
    sources = sorted((f for f in folder.iterdir() if f.name.endswith(".rq")), key=lambda f: f.name)
    return {query.name: query for query in
            (parse_query(f.name.removesuffix(".rq"), f.read_text(encoding="utf-8")) for f in sources)}


def parse_query(name: str, text: str) -> CuratedQuery:
    """Header and body of one file, checked against pyoxigraph before anything is served."""
    where = f"{name}.rq"
    fields, parameters = _header(where, text)
    for key in ("title", "description"):
        if len(fields[key]) != 1 or not fields[key][0]:
            raise HeaderError(f"{where}: the header needs exactly one non-empty `{key}:`")
    if len(fields["description zh"]) > 1:
        raise HeaderError(f"{where}: the header has more than one `description zh:`")
    if fields["page by"] not in ([], ["jurisdiction"]):
        raise HeaderError(f"{where}: `page by:` takes one value, jurisdiction")
    built = tuple(_parameter(where, spec) for spec in parameters)
    names = [p.name for p in built]
    if len(set(names)) != len(names):
        raise HeaderError(f"{where}: a parameter is declared twice")
    query = CuratedQuery(name, fields["title"][0], fields["description"][0], text, built,
                         fields["page by"] == ["jurisdiction"], "".join(fields["description zh"]))
    if query.paged_by_jurisdiction:
        _check_paging(where, query)
    _check(where, query)
    return query


def _header(where: str, text: str) -> tuple[dict[str, list[str]], list[dict[str, str]]]:
    """The fields (title, description, description zh, page by) and the parameter specs of the `#+` lines."""
    fields: dict[str, list[str]] = {"title": [], "description": [], "description zh": [], "page by": []}
    parameters: list[dict[str, str]] = []
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#+"):
            break
        body = line[2:]
        if body.startswith("   ") or body.startswith("\t"):
            current = _continue(where, number, body.strip(), current, fields, parameters)
            continue
        key, colon, value = body.strip().partition(":")
        if key in fields and colon:
            fields[key].append(value.strip())
            current = key
        elif (found := _PARAM.fullmatch(body.strip())) is not None:
            parameters.append({"name": found.group(1), "type": found.group(2)})
            current = "param"
        else:
            raise HeaderError(f"{where}: line {number}: expected `title:`, `description:`, "
                              f"`description zh:`, `page by:` or `param NAME: TYPE`, found {body.strip()!r}")
    return fields, parameters


def _continue(where: str, number: int, text: str, current: str | None,
              fields: dict[str, list[str]], parameters: list[dict[str, str]]) -> str | None:
    """An indented header line: more description, or one attribute of the last parameter."""
    if current in ("title", "description", "description zh"):
        joined = fields[current][-1]
        wide = joined[-1:] > "\u2e7f" and text[:1] > "\u2e7f"
        fields[current][-1] = joined + ("" if wide else " ") + text
        return current
    key, colon, value = text.partition(":")
    if current != "param" or not colon or key.strip() not in _ATTRIBUTES:
        raise HeaderError(f"{where}: line {number}: expected a parameter attribute "
                          f"({', '.join(_ATTRIBUTES)}), found {text!r}")
    if key.strip() in parameters[-1]:
        raise HeaderError(f"{where}: line {number}: `{key.strip()}` given twice")
    parameters[-1][key.strip()] = value.strip()
    return current


def _parameter(where: str, spec: dict[str, str]) -> Parameter:
    name, kind = spec["name"], spec["type"]
    if not _NAME.fullmatch(name) or name in RESERVED:
        raise HeaderError(f"{where}: parameter name {name!r} is not a SPARQL variable name or is reserved")
    if kind not in PARAMETER_TYPES:
        raise HeaderError(f"{where}: parameter {name}: unknown type {kind!r}; "
                          f"types are {', '.join(PARAMETER_TYPES)}")
    if "namespace" in spec and (kind != "iri" or not is_iri(spec["namespace"])):
        raise HeaderError(f"{where}: parameter {name}: a namespace is an IRI, for iri parameters only")
    if "values" in spec and "values from" in spec:
        raise HeaderError(f"{where}: parameter {name}: give `values` or `values from`, not both")
    if spec.get("required", "no") not in ("yes", "no"):
        raise HeaderError(f"{where}: parameter {name}: required is yes or no")
    parameter = Parameter(
        name, kind, spec.get("doc", ""), spec.get("default"), spec.get("namespace"),
        spec.get("required") == "yes",
        tuple(v.strip() for v in spec["values"].split("|")) if "values" in spec else (),
        spec.get("values from"))
    if parameter.default is not None:
        try:
            parameter.term(parameter.default)
        except ParameterError as error:
            raise HeaderError(f"{where}: default of {error}") from error
    return parameter


def _check_paging(where: str, query: CuratedQuery) -> None:
    """Rows of a page of cities are rows of the whole query only if city orders them first."""
    if PLACES_MARKER not in query.sparql:
        raise HeaderError(f"{where}: paged by jurisdiction, so the body marks with "
                          f"`{PLACES_MARKER}` where the places of a page of cities are bound")
    order = query.sparql[query.sparql.rfind("ORDER BY"):]
    if not re.match(r"ORDER BY\s+\?city\b", order) or "city" not in {p.name for p in query.parameters}:
        raise HeaderError(f"{where}: paged by jurisdiction, so it takes a `city` parameter and its "
                          f"last ORDER BY starts with ?city")


def _check(where: str, query: CuratedQuery) -> None:
    """Parse the body and the values queries on an empty store, every parameter bound."""
    probe = ox.Store()
    bound = {ox.Variable(p.name): _sample(p) for p in query.parameters}
    for label, text, substitutions in (("query", paged(query.sparql, 1, 0), bound),
                                       *((f"values of {p.name}", p.values_query, {})
                                         for p in query.parameters if p.values_query)):
        try:
            result = probe.query(text, substitutions=substitutions)  # type: ignore[arg-type]
        except SyntaxError as error:
            raise HeaderError(f"{where}: {label}: SPARQL syntax error (a curated query has no "
                              f"LIMIT/OFFSET of its own; paging adds them): {error}") from error
        except RuntimeError as error:
            raise HeaderError(f"{where}: {label}: every parameter must be a variable of the SELECT "
                              f"projection: {error}") from error
        if not isinstance(result, ox.QuerySolutions):
            raise HeaderError(f"{where}: {label}: must be a SELECT query")
        if label != "query" and "value" not in {v.value for v in result.variables}:
            raise HeaderError(f"{where}: {label}: must select ?value (and may select ?label)")


def _sample(parameter: Parameter) -> ox.NamedNode | ox.Literal:
    samples = {"iri": "urn:x:probe", "date": "2000-01-01", "year": "2000", "integer": "1", "decimal": "1"}
    return to_oxigraph(_TERMS[parameter.type](parameter, samples.get(parameter.type, "x"), date.today()))


def choices_from(rows: Iterable[Mapping[str, object]], parameter: Parameter) -> list[tuple[str, str]]:
    """(request value, label) for the rows of a `values from` query."""
    return [(parameter.value_of(row["value"]), str(row.get("label", "")))
            for row in rows if "value" in row]
