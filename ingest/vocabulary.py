"""The vocabulary in the store: ontology/*.ttl (OWL terms and SKOS schemes) in one named graph.

Queries label topics, indicators and organ types from the SKOS files, so the store must hold
them next to the document graphs. They go into their own graph (VOCABULARY_GRAPH), replaced
whole on every load, so a changed thesaurus never leaves stale labels behind and never
touches a document graph.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from rdflib import Graph

from ingest.schemes import ontology_files
from ingest.store import Store
from ingest.vocab import ID

__all__ = ["VOCABULARY_GRAPH", "load_vocabulary", "vocabulary_graph"]

VOCABULARY_GRAPH = ID["graph/vocabulary"]
"""The named graph holding ontology/*.ttl: classes, properties and every SKOS scheme."""


def vocabulary_graph() -> Graph:
    """Every Turtle file of ontology/ merged into one graph."""
    graph = Graph()
    for source in ontology_files():
        graph.parse(data=source.read_text(encoding="utf-8"), format="turtle")
    return graph


def load_vocabulary(store: Store) -> int:
    """Replace VOCABULARY_GRAPH with the current ontology files; the number of triples."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "vocabulary.nt"
        vocabulary_graph().serialize(path, format="nt", encoding="utf-8")
        return store.load(path, VOCABULARY_GRAPH)
