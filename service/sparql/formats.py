"""Result formats of the endpoint: content negotiation, and the writers for solutions and booleans.

Solutions are written here rather than by pyoxigraph because a capped result must be cut after N
rows, and pyoxigraph only serialises a whole result. Graphs are written by pyoxigraph.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from service.errors import NotAcceptable

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XML_WHITESPACE = {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}  # kept as characters, not trimmed by parsers
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula in a CSV cell (OWASP, CSV injection)."""
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class Format:
    """One serialisation: its canonical media type, the other names clients ask for it by."""

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


JSON = Format("json", "application/sparql-results+json",
              ("application/json", "text/javascript", "application/javascript"))
XML = Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"))
CSV = Format("csv", "text/csv")
TSV = Format("tsv", "text/tab-separated-values")
TURTLE = Format("turtle", "text/turtle", ("application/turtle", "application/x-turtle"))
N_TRIPLES = Format("ntriples", "application/n-triples", ("text/plain",))
JSON_LD = Format("jsonld", "application/ld+json", ("application/x-json+ld", "application/json"))
RDF_XML = Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"))

SOLUTION_FORMATS = (JSON, XML, CSV, TSV)
BOOLEAN_FORMATS = (JSON, XML, CSV, TSV)
GRAPH_FORMATS = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML)
RDF_FORMATS = {TURTLE.name: ox.RdfFormat.TURTLE, N_TRIPLES.name: ox.RdfFormat.N_TRIPLES,
               JSON_LD.name: ox.RdfFormat.JSON_LD, RDF_XML.name: ox.RdfFormat.RDF_XML}


def negotiate(accept: str | None, formats: Sequence[Format]) -> Format:
    """The format the Accept header prefers (RFC 9110 q-values, the most specific range wins).

    No Accept header, or only wildcards, gives the first of `formats`; ties go to the client's order.
    """
    ranges = _media_ranges(accept or "*/*")
    best: tuple[float, int, int] | None = None
    chosen = None
    for rank, candidate in enumerate(formats):
        for media_type in candidate.media_types:
            match = _quality(media_type, ranges, wildcards=media_type == candidate.media_type)
            if match is None or match[0] <= 0:
                continue
            key = (match[0], -match[1], -rank)
            if best is None or key > best:
                best, chosen = key, candidate
    if chosen is None:
        offered = ", ".join(f.media_type for f in formats)
        raise NotAcceptable(f"none of the accepted types ({accept}) fits this query; offered: {offered}")
    return chosen


def _media_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for item in accept.split(","):
        media_range, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media_range:
            ranges.append((media_range.lower(), quality))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]], wildcards: bool) -> tuple[float, int] | None:
    """The q-value of the most specific range matching `media_type`, and that range's position.

    Aliases match only when named, so that `text/*` means CSV, not JSON as `text/javascript`.
    """
    major = media_type.split("/")[0]
    for pattern in (media_type, f"{major}/*", "*/*") if wildcards else (media_type,):
        for position, (media_range, quality) in enumerate(ranges):
            if media_range == pattern:
                return quality, position
    return None


def write_boolean(value: bool, fmt: Format) -> bytes:
    """An ASK result; CSV and TSV carry the bare word, as Oxigraph and Jena do."""
    if fmt == JSON:
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == XML:
        return (f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{str(value).lower()}</boolean></sparql>").encode()
    return str(value).lower().encode()


Row = Sequence[object | None]


def write_solutions(variables: Sequence[str], rows: Iterable[Row], fmt: Format, truncated: bool) -> bytes:
    """A SELECT result in `fmt`; a JSON result cut at the cap says so with `"truncated": true`."""
    if fmt == JSON:
        bindings = [{name: _json_term(term) for name, term in zip(variables, row, strict=True)
                     if term is not None} for row in rows]
        document: dict[str, object] = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
        if truncated:
            document["truncated"] = True
        return json.dumps(document, ensure_ascii=False).encode()
    if fmt == XML:
        return _xml_solutions(variables, rows).encode()
    if fmt == CSV:
        return csv_lines([variables, *([_csv_term(term) for term in row] for row in rows)]).encode()
    lines = ["\t".join(f"?{name}" for name in variables)]
    lines += ["\t".join(_tsv_term(term) for term in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def csv_lines(rows: Iterable[Sequence[object]]) -> str:
    """Rows as CSV (RFC 4180, CRLF) whose cells a spreadsheet shows as text: the one writer of every
    CSV the service gives out (/sparql, curated queries and their exports, search exports)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def spreadsheet_safe(cell: object) -> object:
    """A cell that begins like a formula (= + - @, tab, carriage return) with an apostrophe before it,
    so that Excel or LibreOffice shows it instead of running it (OWASP's rule for CSV injection;
    a unit's name `=HYPERLINK(…)` taken from a document). A plain number (-5, +1.5e3) stays as it is."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def write_triples(triples: Iterable[ox.Triple], fmt: Format, prefixes: dict[str, str]) -> bytes:
    """A CONSTRUCT or DESCRIBE result, or any graph the service publishes, through pyoxigraph."""
    rdf_format = RDF_FORMATS[fmt.name]
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        return ox.serialize(triples, format=rdf_format, prefixes=prefixes) or b""
    return ox.serialize(triples, format=rdf_format) or b""


def _json_term(term: object) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        found: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            found["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            found["datatype"] = term.datatype.value
        return found
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    raise TypeError(f"not an RDF term: {term!r}")


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
        return f"<literal>{_xml_text(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
                f"</predicate><object>{_xml_term(term.object)}</object></triple>")
    raise TypeError(f"not an RDF term: {term!r}")


def _xml_text(value: str) -> str:
    return escape(value, XML_WHITESPACE)


def _xml_solutions(variables: Sequence[str], rows: Iterable[Row]) -> str:
    head = "".join(f"<variable name={quoteattr(name)}/>" for name in variables)
    results = "".join(
        "<result>" + "".join(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
                             for name, term in zip(variables, row, strict=True)
                             if term is not None) + "</result>"
        for row in rows)
    return (f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head>{head}</head><results>{results}</results></sparql>")


def _tsv_term(term: object) -> str:
    """N-Triples syntax, with tabs escaped as the TSV results format requires."""
    return "" if term is None else str(term).replace("\t", "\\t")


def _csv_term(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)
