"""extract.clauses: which words of a measure it acts on, and which it only names.

A measure is about a topic when one of its clauses acts on it (建立、推动、培育、打击… X), not when
the topic's words stand in a purpose (…，提升企业知识产权保护水平), an attribute (拥有自主知识产权的
企业), an actor (指导示范企业建立管理机构), the uses of a fund (专项资金用于专利资助…) or the title
of another document. This module cuts a measure into clauses and blanks those parts, so that
topic matching sees only the words acted on. The words it goes by are data
(ingest/data/clause_words.tsv). A sentence that opens with a deadline (到2020年，争取…) states a
target, which the targets stage reads; it acts on nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ingest.extract.targets import DEADLINE
from ingest.thesaurus import family_rows

__all__ = ["BLANK", "Clause", "acted_clauses", "clause_words", "in_scope_list"]

BLANK = "\u3000"
"""What a part that does not count is replaced by: no label contains it, offsets stay put."""

_SENTENCE = re.compile(r"[^。；;！？!?\n]+")
_CLAUSE = re.compile(r"[^，,：:]+")
_CITED = re.compile(r"《[^《》\n]*》")
_CLOSING = re.compile(r"(?:[^、，,。；;：:等与和及]{0,12}、)*[^、，,。；;：:等]{0,12}等")
"""The rest of an enumeration up to its closing 等 (等违法行为, 等领域, 等。): short items, a joint
(与, 和, 及) only in the last one."""
_ITEM_REACH = 6
"""An item of a list begins at most this far after a 、 (twice as far when 和/及 joins it)."""
_ITEM_TAIL = 3
"""A label ends an item when a 、 follows within this many characters (植物新品种权、)."""


@dataclass(frozen=True)
class Clause:
    text: str
    """The clause with the parts that do not count blanked (same length as the original)."""
    sentence: int
    """Which sentence of the measure it belongs to, counting from 0."""


def acted_clauses(text: str) -> list[Clause]:
    """The clauses of a measure body, each with what it does not act on blanked."""
    found = []
    for number, sentence in enumerate(_SENTENCE.findall(text)):
        parts = _CLAUSE.findall(sentence)
        if DEADLINE.match(sentence.lstrip()):
            found += [Clause(BLANK * len(part), number) for part in parts]
            continue
        uses_of_fund = bool(parts) and bool(_pattern("fund").search(parts[0]))
        for position, part in enumerate(parts):
            if position and (uses_of_fund or _purpose().match(part)):
                found.append(Clause(BLANK * len(part), number))
                continue
            clause = _blank_cited_titles(part)
            use = _pattern("use").search(clause)
            if use:
                clause, uses_of_fund = clause[: use.start()] + BLANK * (len(clause) - use.start()), True
            for pattern in _phrases():
                clause = pattern.sub(_blank_part, clause)
            found.append(Clause(clause, number))
    return found


def in_scope_list(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is an item of an enumeration closed by 等 (侵犯专利、商标、
    著作权等违法行为; 开展专利导航、知识产权运营等工作): such a list marks the scope or the kinds
    of an action, not what the measure itself acts on."""
    if "、" not in text or "等" not in text[end:] or text[start - 1 : start] == "等":
        return False
    before = re.split("[，,等]", text[max(0, start - 2 * _ITEM_REACH) : start])[-1]
    after = re.split("[，,等]", text[end : end + _ITEM_TAIL + 1])[0]
    joined = re.search("[和及与或]", before)
    near = "、" in after or "、" in (before if joined else before[-_ITEM_REACH:])
    return near and bool(_CLOSING.match(text, end))


def _blank_cited_titles(clause: str) -> str:
    """Cited titles blanked, unless the clause carries the cited policy out (落实《…资金管理办法》)."""
    def blank(match: re.Match[str]) -> str:
        carried_out = _pattern("implement").search(clause[: match.start()][-6:])
        return match.group() if carried_out else BLANK * len(match.group())
    return _CITED.sub(blank, clause)


def _blank_part(match: re.Match[str]) -> str:
    """The match with its named group `part` blanked."""
    start, end = match.span("part")
    whole, offset = match.group(), match.start()
    return whole[: start - offset] + BLANK * (end - start) + whole[end - offset :]


def clause_words(family: str) -> list[str]:
    """The words of one family of ingest/data/clause_words.tsv, longest first."""
    words = {row[1] for row in family_rows("clause_words") if row[0] == family}
    return sorted(words, key=lambda w: (-len(w), w))


def _any(family: str) -> str:
    return "(?:" + "|".join(re.escape(word) for word in clause_words(family)) + ")"


@cache
def _pattern(family: str) -> re.Pattern[str]:
    return re.compile(_any(family))


@cache
def _purpose() -> re.Pattern[str]:
    """A clause that opens with a purpose verb (after adverbs: 进一步提升…)."""
    return re.compile(f"(?:{_any('adverb')})*{_any('purpose')}")


@cache
def _phrases() -> tuple[re.Pattern[str], ...]:
    """The phrases inside a clause that do not count, each with its blanked group `part`: a level
    to raise (提升…水平), an attribute (拥有…的), a relation (与…相关的), a means (以…为依托, 发挥…
    作用, 依托…), what is put into an agenda or appraisal (将…纳入), an actor (引导企业 开展)."""
    adverbs, act = _any("adverb"), _any("act")
    return (
        re.compile(f"(?P<part>(?:提升|提高|增强)[^{BLANK}]*?{_any('level')})"),
        re.compile(f"(?P<part>{_any('attribute')}[^的]*的?)"),
        re.compile(f"(?P<part>与[^，的{BLANK}]{{0,24}}{_any('related')}的)"),
        re.compile(f"以(?P<part>[^，{BLANK}]{{1,60}}?)为{_any('frame')}"),
        re.compile(f"发挥(?P<part>[^，{BLANK}]{{1,40}}){_any('role')}"),
        re.compile(f"将(?P<part>[^，{BLANK}]{{1,30}}?){_any('include')}"),
        re.compile(f"{_any('means')}(?P<part>[^{BLANK}]*?)(?=(?:{adverbs})*{act}|$)"),
        re.compile(f"{_any('pivot')}(?P<part>[^{BLANK}]{{0,40}}{_any('actor')})(?=(?:{adverbs})*{act})"),
    )
