"""A drafter's vocabulary: the word lists of ingest/data that search and topic tagging read.

Colloquial and older names of the topics are hidden labels in ontology/topics.ttl; the rest is
tab-separated files, each row led by the family it belongs to:
- synonyms.tsv: a drafter's word → the terms policy texts use for it (抵押 → 质押, 利钱 → 利息|贴息);
- stop_words.tsv: words that say nothing about a measure (的, 和, 如何);
- generic_words.tsv: topic labels too general to name their topic on their own (专利, 侵权);
- topic_roles.tsv: topics with a part in the labelling rules (venues, right types as modifiers).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

__all__ = ["family_rows", "generic_words", "stop_words", "synonyms", "topic_roles"]
from ingest import lexicon


def family_rows(name: str) -> Iterator[tuple[str, ...]]:
    """(family, field, …) rows of ingest/data/<name>.tsv."""
    yield from lexicon.rows(f"{name}.tsv")


@cache
def synonyms() -> dict[str, tuple[str, ...]]:
    """A drafter's word → the terms of policy texts it stands for."""
    return {row[1]: tuple(row[2].split("|")) for row in family_rows("synonyms")}


@cache
def stop_words() -> frozenset[str]:
    return frozenset(row[1] for row in family_rows("stop_words"))


@cache
def generic_words() -> dict[str, frozenset[str]]:
    """Topic local name → its labels that do not name it on their own."""
    found: dict[str, set[str]] = {}
    for topic, word in family_rows("generic_words"):
        found.setdefault(topic, set()).add(word)
    return {topic: frozenset(words) for topic, words in found.items()}


@cache
def topic_roles(role: str) -> frozenset[str]:
    """The topics (local names) of one role in topic tagging: venue, modifier."""
    return frozenset(row[1] for row in family_rows("topic_roles") if row[0] == role)
