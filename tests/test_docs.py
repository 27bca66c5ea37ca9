"""The catalogues stay complete: every setting and command is in the README, every term the graph
writes is declared in the vocabulary, every SKOS concept is labelled, and ingest never imports service."""

from __future__ import annotations

import ast
import dataclasses
import itertools
import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from ingest.build import DocumentGraph
from ingest.schemes import ontology_files, scheme
from ingest.vocab import PKG
from service.cli import app
from service.config import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def setting_docs() -> dict[str, str]:
    """Each Settings field with the docstring written under it in service/config.py."""
    tree = ast.parse((ROOT / "service" / "config.py").read_text(encoding="utf-8"))
    body = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == "Settings").body
    return {field.target.id: doc.value.value for field, doc in itertools.pairwise(body)
            if isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name)
            and isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant)}


@pytest.mark.parametrize("setting", [f.name for f in dataclasses.fields(Settings)])
def test_every_setting_is_documented_with_its_variable_in_the_readme(setting: str) -> None:
    variable = re.search(r"Env: (POLICYKG_\w+)", setting_docs().get(setting, ""))
    assert variable, f"Settings.{setting} has no docstring naming its environment variable"
    assert f"`{variable.group(1)}`" in README


@pytest.mark.parametrize("command", [c.name or (c.callback.__name__ if c.callback else "")
                                     for c in app.registered_commands])
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"`policykg {command}" in README


def test_every_term_the_graph_writes_is_declared(corpus_graphs: dict[str, DocumentGraph]) -> None:
    """pkg: classes and properties used anywhere in the corpus graphs exist in ontology/policykg.ttl."""
    vocabulary = scheme("policykg.ttl")
    declared = {s for s in vocabulary.subjects() if isinstance(s, URIRef) and s.startswith(str(PKG))}
    used: set[URIRef] = set()
    for built in corpus_graphs.values():
        for graph in (built.graph, built.entities):
            for _s, p, o in graph:
                used |= {t for t in (p, o if p == RDF.type else None) if isinstance(t, URIRef)}
    undeclared = sorted(t for t in used if t.startswith(str(PKG)) and t not in declared)
    assert not undeclared


def test_every_vocabulary_term_has_chinese_and_english_labels() -> None:
    vocabulary = scheme("policykg.ttl")
    terms = [s for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for s in vocabulary.subjects(RDF.type, kind) if s.startswith(str(PKG))]
    assert terms
    for term in terms:
        languages = {label.language for label in vocabulary.objects(term, URIRef(
            "http://www.w3.org/2000/01/rdf-schema#label")) if isinstance(label, Literal)}
        assert {"zh", "en"} <= {(lang or "").split("-")[0] for lang in languages}, term


@pytest.mark.parametrize("file", [f.name for f in ontology_files() if f.name != "policykg.ttl"])
def test_every_concept_of_a_scheme_has_chinese_and_english_preferred_labels(file: str) -> None:
    graph: Graph = scheme(file)
    concepts = list(graph.subjects(RDF.type, SKOS.Concept))
    assert concepts
    for concept in concepts:
        languages = {(label.language or "").split("-")[0] for label in graph.objects(concept, SKOS.prefLabel)
                     if isinstance(label, Literal)}
        assert {"zh", "en"} <= languages, concept
        assert graph.value(concept, SKOS.inScheme) is not None, concept


def test_topic_labels_include_traditional_chinese() -> None:
    graph = scheme("topics.ttl")
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        labels = graph.objects(concept, SKOS.prefLabel)
        languages = {label.language or "" for label in labels if isinstance(label, Literal)}
        assert {"zh-Hans", "zh-Hant"} <= languages, concept


def test_ingest_never_imports_service() -> None:
    for path in (ROOT / "ingest").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(re.match(r"service(\.|$)", name) for name in names), path
