"""The Chinese labels of the vocabulary's concepts (topics, indicators, instruments, stages, organ
types, incentive kinds), read once from ontology/*.ttl: pages label concepts here instead of asking
the store, where a label lookup on a concept not yet bound scans every label of the store."""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox

from service.routes.ontology import ontology_graph

__all__ = ["concept_label", "labelled"]

PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
RANK = {"zh-hans": 0, "zh": 1, "zh-cn": 2}


@cache
def _labels() -> dict[str, str]:
    best: dict[str, tuple[int, str]] = {}
    triples, _ = ontology_graph()
    for triple in triples:
        if (triple.predicate.value == PREF_LABEL and isinstance(triple.subject, ox.NamedNode)
                and isinstance(triple.object, ox.Literal)):
            rank = RANK.get((triple.object.language or "").lower(), 9)
            if rank < 9 and rank < best.get(triple.subject.value, (9, ""))[0]:
                best[triple.subject.value] = (rank, triple.object.value)
    return {iri: label for iri, (_, label) in best.items()}


def concept_label(iri: str | None) -> str:
    """The concept's Chinese preferred label, '' when the vocabulary has none."""
    return _labels().get(iri or "", "")


LABELLED = ("kind", "indicator", "topic", "organType", "instrument", "stage", "basis")


def labelled(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows with NAMELabel beside each concept column NAME of LABELLED, from the vocabulary."""
    for row in rows:
        for column in LABELLED:
            if column in row and f"{column}Label" not in row:
                row[f"{column}Label"] = concept_label(row[column])
    return rows
