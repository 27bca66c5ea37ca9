"""Shared ground of the targets and incentives stages: their lexicons, clauses and offsets.

Both stages read numbers out of the same kind of sentence; they share how the text is cut
into clauses, how a lexicon file is read and how a measure is found in the source text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from ingest.lexicon import rows
from ingest.record import Measure
from ingest.segment import Document

CLAUSE_END = re.compile(r"[，,；;。！？!?\n]")
"""Clause boundaries. 、 is not one: it joins the items of a list inside a clause."""

SENTENCE_END = re.compile(r"[；;。！？!?\n]")


@cache
def lexicon(name: str) -> tuple[tuple[str, str, str], ...]:
    """Rows (role, word, value) of ingest/data/<name>.tsv; # starts a comment line."""
    return tuple((role, word, value) for role, word, value in rows(f"{name}.tsv"))


@cache
def words(name: str, role: str) -> dict[str, str]:
    """Word → value for one role of a lexicon, longest word first (for regex alternation)."""
    found = {word: value for r, word, value in lexicon(name) if r == role}
    return dict(sorted(found.items(), key=lambda pair: -len(pair[0])))


@cache
def pattern(name: str, role: str) -> str:
    """A regex alternation of the words of one role, longest first."""
    return "|".join(re.escape(word) for word in words(name, role))


def pieces(text: str, boundary: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """Spans [start, end) of the pieces of text between boundary characters."""
    start = 0
    for match in boundary.finditer(text):
        if match.start() > start:
            yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def measure_start(document: Document, measure: Measure) -> int | None:
    """Offset of the measure's text in the normalised source text, when it can be found.

    Measures carry their path; the section with that path locates them. A measure that
    the measures stage built from several sections is looked up by its text instead.
    """
    text = document.source.text
    for section in document.walk():
        if section.path == measure.path and text.startswith(measure.text, section.start):
            return section.start
    found = text.find(measure.text)
    return found if found >= 0 else None
