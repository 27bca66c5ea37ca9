"""The ontology in the store: ontology/*.ttl (OWL terms and SKOS schemes) in one named graph
(`…/id/graph/vocabulary`; `ingest.vocab` holds the namespaces and IRIs code writes).

Queries label topics, indicators and organ types from the SKOS files, so the store must hold
them next to the document graphs. They go into their own graph (ONTOLOGY_GRAPH), replaced
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

__all__ = ["ONTOLOGY_GRAPH", "load_ontology", "ontology_graph"]

ONTOLOGY_GRAPH = ID["graph/vocabulary"]
"""The named graph holding ontology/*.ttl: classes, properties and every SKOS scheme."""


def ontology_graph() -> Graph:
    """Every Turtle file of ontology/ merged into one graph."""
    graph = Graph()
    for source in ontology_files():
        graph.parse(data=source.read_text(encoding="utf-8"), format="turtle")
    return graph


def load_ontology(store: Store) -> int:
    """Replace ONTOLOGY_GRAPH with the current ontology files; the number of triples."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "vocabulary.nt"
        ontology_graph().serialize(path, format="nt", encoding="utf-8")
        return store.load(path, ONTOLOGY_GRAPH)
