"""The words of precedent search: how a measure and a query are cut into terms, and which words of
a quote are highlighted.

jieba's search-mode tokens, with the topic scheme's labels (hidden ones too) added to its
dictionary so that 驰名商标 or 质押融资 stay whole as well as split.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache

import jieba

from ingest.read import normalise
from ingest.schemes import concept_labels
from ingest.vocab import TOPIC
from service.errors import BadRequest

__all__ = ["LABEL_KINDS", "highlights", "normalised", "term_counts", "tokens", "topic_labels", "topic_name",
           "word_bounds"]

LABEL_KINDS = ("prefLabel", "altLabel", "hiddenLabel")
_WORD = re.compile(r"\w")
_SPACES = re.compile(r"(\s+)")


@cache
def _tokenizer() -> jieba.Tokenizer:
    """jieba with the topic labels as words, so that domain terms also survive as wholes."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for label, _ in concept_labels("topics.ttl", str(TOPIC), "zh-Hans", LABEL_KINDS):
        tokenizer.add_word(label)
    return tokenizer


@cache
def _longest_word() -> int:
    """The length of the longest word of the dictionary: no longer part of a word can be one, so the
    search for the words inside a word stops there (a run of 5,000 letters is one jieba word)."""
    return max(len(word) for word, frequency in _tokenizer().FREQ.items() if frequency)


@lru_cache(maxsize=16)
def _words(text: str) -> tuple[str, ...]:
    """jieba's words of a text, kept a while: a query is read for its tokens and its word bounds."""
    return tuple(_tokenizer().lcut(text))


def normalised(text: str) -> str:
    """A query's text as the measures' text was made by the read stage: simplified mainland wording
    (智慧財產權 → 知识产权, 專利 → 专利), full-width letters and digits as ASCII; so that a drafter who
    writes traditional characters finds what the simplified index holds. The pieces between spaces
    are normalised apart: a drafter's space separates words (the read stage drops spaces between
    characters as PDF extraction's)."""
    return "".join(piece if piece.isspace() else normalise(piece, "query", "utf-8").text
                   for piece in _SPACES.split(text) if piece)


def tokens(text: str) -> list[str]:
    """Each jieba word and every dictionary word inside it (知识产权质押融资 → 知识产权, 产权, 质押…),
    lower-cased, without punctuation: jieba's own search mode stops at three characters."""
    tokenizer = _tokenizer()
    longest = _longest_word()
    found = []
    for word in _words(text):
        if not _WORD.search(word):
            continue
        sizes = range(2, min(len(word), longest + 1))
        found += [word[i:j] for size in sizes for i in range(len(word) - size + 1)
                  if tokenizer.FREQ.get(word[i:(j := i + size)])]
        found.append(word)
    return [token.lower() for token in found]


def word_bounds(text: str) -> set[int]:
    """The offsets where jieba's words of the text begin or end: a word found inside the text
    counts only from one to another (职工 is no word of 专职工作人员)."""
    bounds, offset = {0}, 0
    for word in _words(text):
        offset += len(word)
        bounds.add(offset)
    return bounds


def term_counts(texts: Sequence[str]) -> list[dict[str, int]]:
    """The tokens of each text, counted: what is worth sending back from a tokeniser process."""
    return [dict(Counter(tokens(text))) for text in texts]


@cache
def topic_labels() -> dict[str, str]:
    """Every label (zh and en, any case) and local name of a topic → its local name."""
    found = {name.lower(): name for _, name in concept_labels("topics.ttl", str(TOPIC), "zh-Hans")}
    for language in ("zh-Hans", "zh-Hant", "en"):
        for label, name in concept_labels("topics.ttl", str(TOPIC), language, LABEL_KINDS):
            found.setdefault(label.lower(), name)
    return found


def topic_name(text: str) -> str:
    """The topic a filter value names (PledgeFinancing, 质押融资, pledge financing), or BadRequest."""
    name = topic_labels().get(text.strip().lower())
    if name is None:
        raise BadRequest(f"unknown topic {text!r}; use a concept of /def/topic/ by name or label")
    return name


def highlights(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """[start, end) spans of `text` where the words occur, longest word first, merged when they touch."""
    wanted = sorted({w for w in words if len(w) > 1}, key=lambda w: (-len(w), w))
    if not wanted:
        return []
    spans: list[tuple[int, int]] = []
    for found in re.finditer("|".join(map(re.escape, wanted)), text, flags=re.IGNORECASE):
        if spans and found.start() <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], found.end()))
        else:
            spans.append(found.span())
    return spans
