"""validate: one document graph against the SHACL shapes of shapes/*.ttl.

The shapes check the graph as written (explicit rdf:type on every node), so no ontology
inference runs: what is checked is exactly what will be stored. The report is a plain value
the CLI prints and the ingest loop uses to refuse a document.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ingest.schemes import shapes_graph
from ingest.tripleset import triple_graph
from ingest.vocab import PREFIXES

__all__ = ["ValidationReport", "Violation", "validate"]


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    value: str | None
    message_zh: str
    message_en: str
    severity: str
    """Violation, Warning or Info, as SHACL names them."""

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        value = f" = {self.value}" if self.value is not None else ""
        return f"{self.severity}: <{self.focus}>{where}{value}: {self.message_en} / {self.message_zh}"


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: tuple[Violation, ...]

    def __str__(self) -> str:
        if self.conforms:
            return "conforms"
        lines = [f"{len(self.violations)} violation(s):"]
        lines.extend(f"  {v}" for v in self.violations)
        return "\n".join(lines)

    def summary(self) -> str:
        """One line for an error message: how many, and the first."""
        if self.conforms:
            return "conforms"
        first = self.violations[0] if self.violations else None
        return f"{len(self.violations)} SHACL violation(s); first: {first}" if first else "does not conform"




def validate(graph: Graph) -> ValidationReport:
    """SHACL-validate one document graph; violations come sorted so reports are stable."""
    conforms, results, _ = shacl_validate(graph, shacl_graph=_shapes(), inference="none",
                                          abort_on_first=False, allow_warnings=True)
    if not isinstance(results, Graph):
        raise TypeError(f"pyshacl gave its results as {type(results).__name__}, not a graph")
    found = (_violation(results, node) for node in results.subjects(RDF.type, SH.ValidationResult))
    violations = sorted(found, key=lambda v: (v.focus, v.path or "", v.message_en))
    return ValidationReport(bool(conforms), tuple(violations))


@cache
def _shapes() -> Graph:
    """The shapes on a TripleSet: pyshacl looks shapes up thousands of times a document, and
    rdflib's Memory store answers each through its contexts, slower (bench/README.md)."""
    shapes = triple_graph(None, shapes_graph())
    shapes.namespace_manager = shapes_graph().namespace_manager
    return shapes


def _violation(results: Graph, node: Node) -> Violation:
    messages = {m.language: str(m) for m in results.objects(node, SH.resultMessage) if isinstance(m, Literal)}
    fallback = next(iter(messages.values()), "constraint not met")
    path, value = results.value(node, SH.resultPath), results.value(node, SH.value)
    severity = results.value(node, SH.resultSeverity)
    return Violation(
        focus=str(results.value(node, SH.focusNode)),
        path=_short(path) if isinstance(path, URIRef) else (path.n3() if path is not None else None),
        value=str(value) if value is not None else None,
        message_zh=messages.get("zh", fallback),
        message_en=messages.get("en", fallback),
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
    )


def _short(iri: URIRef) -> str:
    """pkg:cap rather than the full IRI, for people reading the report."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return str(iri)
