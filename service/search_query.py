"""What a query is about, beyond its words: the terms of policy texts its words stand for, and its topics.

A drafter writes 抵押借钱 and 利钱 where the measures say 质押融资 and 贴息. The query keeps its own
words (less the stop words), a word said again weighing more (up to a bound); the terms its words stand for
(ingest/data/synonyms.tsv) and the names of the topics it is about are added at lower weights, so
that they find what the words miss without outranking what the words find. A short query is about
the topics it names (ingest.extract.topics.about, read on the query and those terms); a pasted
paragraph is read as a measure is, and is about its primary topic (ingest.extract.topics.tag_topics):
a paragraph names many labels in passing, and a drafter's word read as a synonym says little of it.
A drafter's word counts where it is a word of the text (职工 is none in 专职工作人员).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from ingest.extract.topics import about, tag_topics
from ingest.schemes import concept_labels
from ingest.thesaurus import stop_words, synonyms
from ingest.vocab import TOPIC
from service.search_words import tokens, word_bounds

__all__ = ["LABEL_WEIGHT", "SYNONYM_WEIGHT", "Understood", "understand"]

SYNONYM_WEIGHT = 0.8
"""Weight of a term a drafter's word stands for, against 1 for the query's own words."""
LABEL_WEIGHT = 0.4
"""Weight of a name of a topic the query is about."""
PARAGRAPH = 40
"""A query this long or longer is a pasted paragraph."""
K3 = 2.0
"""BM25's query-side saturation: a word said n times weighs n·(K3+1)/(K3+n), 1 once, at most K3+1,
so that what a paragraph repeats is its subject without its stock phrases drowning the rest."""


@dataclass(frozen=True)
class Understood:
    words: dict[str, float]
    """Terms to match, with their weights."""
    topics: dict[str, float]
    """Topics the query is about, with their weights (summing to 1)."""
    primary: str = ""
    """The primary topic of a pasted paragraph, which measures mainly about it share."""


def understand(text: str) -> Understood:
    """The weighted terms and topics of a query text."""
    stop = stop_words()
    words = {token: count * (K3 + 1) / (K3 + count) for token, count in Counter(tokens(text)).items()
             if token not in stop}
    bounds = word_bounds(text)
    stands_for = [term for found in _drafter_words().finditer(text)
                  if found.start() in bounds and found.end() in bounds for term in synonyms()[found.group()]]
    for term in stands_for:
        for token in _whole(term):
            words.setdefault(token, SYNONYM_WEIGHT)
    primary = next(iter(tag_topics("", text)), "") if len(text) >= PARAGRAPH else ""
    topics = {primary: 1.0} if primary else about(text + "\n" + "\n".join(stands_for))
    for name in topics:
        for label in _names(name):
            for token in _whole(label):
                words.setdefault(token, LABEL_WEIGHT)
    total = sum(topics.values())
    return Understood(words, {name: weight / total for name, weight in topics.items()}, primary)


def _whole(term: str) -> list[str]:
    """A term as one token where the tokeniser keeps it whole (labels are in its dictionary), else
    its tokens less the stop words."""
    found = tokens(term)
    return [term.lower()] if term.lower() in found else [t for t in found if t not in stop_words()]


@cache
def _drafter_words() -> re.Pattern[str]:
    """The words of the synonym list as one alternation, longest first."""
    return re.compile("|".join(map(re.escape, sorted(synonyms(), key=lambda w: (-len(w), w)))))


@cache
def _names(topic: str) -> tuple[str, ...]:
    """The preferred and alternative Chinese labels of a topic."""
    labels = concept_labels("topics.ttl", str(TOPIC), "zh-Hans")
    return tuple(label for label, name in labels if name == topic)
