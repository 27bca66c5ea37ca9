"""The Turtle files of ontology/ and shapes/, parsed once: the thesauri the extractors match
against and the graphs the validator and the service publish."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from rdflib import Graph, Literal
from rdflib.namespace import SKOS

__all__ = ["concept_labels", "label_index", "ontology_files", "scheme", "shapes_graph"]


def ontology_files() -> list[Traversable]:
    """The vocabulary and every SKOS scheme, by file name."""
    return sorted((f for f in files("ontology").iterdir() if f.name.endswith(".ttl")), key=lambda f: f.name)


@cache
def scheme(file_name: str) -> Graph:
    """One file of ontology/ (e.g. "topics.ttl") as an rdflib graph; do not modify it."""
    return _parse([files("ontology") / file_name])


@cache
def shapes_graph() -> Graph:
    """Every shape of shapes/ in one graph."""
    return _parse(sorted((f for f in files("shapes").iterdir() if f.name.endswith(".ttl")),
                         key=lambda f: f.name))


def _parse(sources: list[Traversable]) -> Graph:
    graph = Graph()
    for source in sources:
        graph.parse(data=source.read_text(encoding="utf-8"), format="turtle")
    return graph


def concept_labels(file_name: str, namespace: str, language: str = "zh",
                   predicates: tuple[str, ...] = ("prefLabel", "altLabel")) -> list[tuple[str, str]]:
    """(label, concept local name) for the labels of one language of a SKOS scheme file."""
    graph = scheme(file_name)
    return [(str(label), str(concept)[len(namespace):])
            for predicate in predicates
            for concept, _, label in graph.triples((None, SKOS[predicate], None))
            if isinstance(label, Literal) and (label.language or "").lower() == language.lower()
            and str(concept).startswith(namespace)]


def label_index(file_name: str, namespace: str, normal: Callable[[str], str]) -> tuple[tuple[str, str], ...]:
    """(normalised Chinese label, concept local name), longest label first, so that a lookup that
    takes the first label found in a text prefers 专利申请量年均增长率 to 专利申请量."""
    found: dict[str, str] = {}
    for label, name in concept_labels(file_name, namespace):
        found.setdefault(normal(label), name)
    return tuple(sorted(found.items(), key=lambda pair: (-len(pair[0]), pair[0])))
