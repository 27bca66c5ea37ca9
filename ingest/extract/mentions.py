"""extract.mentions: the topic labels a clause names, and which of them it acts on.

Labels overlap (知识产权运营机构 holds 知识产权运营 and 运营机构; 加强区 holds 强区), and a label
next to another often only qualifies it (发明专利实际交易额 is a transaction, 产业集群品牌 a brand,
专利、商标代理行业 an agency trade). The rules here follow the way Chinese compounds are built
(the head comes last) and the labelling rules of ../shared/eval/topics:
- at each place the longest label; a label inside a longer one is not a mention of its own;
- a label that cuts through a plain word (ingest/data/clause_words.tsv, family plain) is none;
- two labels that overlap in part are both mentions (知名商标品牌: a well-known mark, a brand);
- a label right before another topic's label qualifies it (no gap), as does a right type or a
  generic label a few characters before it, and so does every item of a list whose last item
  qualifies;
- an item of a list closed by 等 marks a scope (侵犯专利、商标、著作权等违法行为), unless it is a
  venue named in a protection clause (电子商务平台等领域的知识产权保护).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from rdflib.namespace import SKOS

from ingest.extract.clauses import clause_words, in_scope_list
from ingest.schemes import scheme
from ingest.thesaurus import generic_words, topic_roles

__all__ = ["Mention", "acted_mentions", "label_mentions"]

MODIFIER_GAP = 4
"""A right type or a generic label this close before another topic's label qualifies it."""
GRANT_REACH = 12
"""A money word (奖励, 补助) this close after 给予/予以 grants money: it counts in full for Funding."""
_PUNCTUATION = re.compile(r"[，,。；;：:、\u3000（）()“”‘’《》]")
_PHRASE_END = frozenset("，,。；;：:、和及与或的等）)”") | {""}
"""What may follow the last word of a noun phrase: the label before it is its head."""
_LIST_JOINT = re.compile(r"^(?:[”’）)]?[、和及与或][“‘（(]?)$")


@dataclass(frozen=True)
class Mention:
    label: str
    start: int
    end: int


def label_mentions(text: str, labels: Mapping[str, Sequence[str]]) -> list[Mention]:
    """The labels a text names, overlaps resolved; `labels` maps a first character to the labels
    that begin with it, longest first."""
    plain = _plain_words()
    found: list[Mention] = []
    words: list[Mention] = []
    for start, char in enumerate(text):
        if char in labels:
            for label in labels[char]:
                if text.startswith(label, start):
                    found.append(Mention(label, start, start + len(label)))
                    break
        if char in plain:
            for word in plain[char]:
                if text.startswith(word, start):
                    words.append(Mention(word, start, start + len(word)))
                    break
    if len(found) < 2 and not words:
        return found
    longest = max((w.end - w.start for w in words), default=0)
    return [m for m in _outermost(found) if not _cut(m, words, longest)]


def _outermost(found: list[Mention]) -> list[Mention]:
    """The mentions not inside a longer one. They come in order of start, one per start, so a
    mention lies inside another exactly when an earlier one reaches as far (one pass, where a
    pasted paragraph names a thousand labels)."""
    kept: list[Mention] = []
    reach = -1
    for mention in found:
        if mention.end > reach:
            kept.append(mention)
        reach = max(reach, mention.end)
    return kept


def _cut(mention: Mention, words: list[Mention], longest: int) -> bool:
    """Whether a plain word overlaps the mention without lying inside it (强区 in 加强区). The words
    come one per start, in order, none longer than `longest`: only those starting near the mention
    can overlap it."""
    low = bisect.bisect_left(words, mention.start - longest + 1, key=lambda w: w.start)
    high = bisect.bisect_left(words, mention.end, key=lambda w: w.start)
    return any(_cuts(mention, word) for word in words[low:high])


def acted_mentions(text: str, labels: Mapping[str, Sequence[str]],
                   owners: Mapping[str, Sequence[str]]) -> Iterator[tuple[str, bool, int]]:
    """(concept, generic?, offset) for each label of a clause that the clause acts on."""
    generic = generic_words()
    venue = topic_roles("venue")
    protecting = bool(_protection_words().search(text))
    mentions = label_mentions(text, labels)
    qualifying = _qualifying(text, mentions, owners, generic)
    granting = _words("grant")
    for mention, qualifies in zip(mentions, qualifying, strict=True):
        if qualifies or text[mention.end : mention.end + 1] in _words("organ"):
            continue
        scoped = in_scope_list(text, mention.start, mention.end)
        before = text[max(0, mention.start - GRANT_REACH) : mention.start]
        granted = any(word in before for word in granting)
        for name in owners[mention.label]:
            if scoped and not (protecting and name in venue):
                continue
            broad = mention.label in generic.get(name, ()) and not (granted and name in topic_roles("money"))
            yield name, broad, mention.start


def _qualifying(text: str, mentions: list[Mention], owners: Mapping[str, Sequence[str]],
                generic: Mapping[str, frozenset[str]]) -> list[bool]:
    """For each mention, whether it only qualifies the label after it; an item of a list whose
    last item qualifies does too (专利、商标代理行业), so the list is read right to left."""
    modifier = topic_roles("modifier")
    found = [False] * len(mentions)
    for index in range(len(mentions) - 2, -1, -1):
        mention, following = mentions[index], mentions[index + 1]
        gap = text[mention.end : following.start]
        names, heads = set(owners[mention.label]), set(owners[following.label]) - set(owners[mention.label])
        if not heads or following.start < mention.end:
            continue
        broad = all(mention.label in generic.get(name, ()) for name in names)
        head_named = any(following.label not in generic.get(head, ()) for head in heads)
        if _LIST_JOINT.match(gap):
            found[index] = found[index + 1] and bool(names & modifier)
        elif not gap:
            found[index] = _compound(text, following, names, heads, broad or head_named)
        elif len(gap) <= MODIFIER_GAP and not _PUNCTUATION.search(gap) and not any(
                verb in gap for verb in _words("act")):
            found[index] = broad or (names <= modifier and head_named)
    return found


def _compound(text: str, head: Mention, names: set[str], heads: set[str], qualifies: bool) -> bool:
    """Whether a label right before another (no gap) qualifies it: when one of the two is a
    generic label, or the second ends the phrase (产业集群品牌), or the first is a right type;
    never a venue, nor a topic broader or narrower than the head (质押融资风险补偿), nor the
    object of a grant (质押融资扶持)."""
    phrase_end = text[head.end : head.end + 1] in _PHRASE_END and not heads & topic_roles("money")
    qualifies = qualifies or phrase_end or names <= topic_roles("modifier")
    return qualifies and not names & topic_roles("venue") and not _related(names, heads)


def _related(names: set[str], heads: set[str]) -> bool:
    """Whether a concept is broader or narrower than another: 质押融资风险补偿 is about both."""
    broader = _broader()
    return any(broader.get(name) in heads for name in names) or any(broader.get(h) in names for h in heads)


@cache
def _broader() -> dict[str, str]:
    graph = scheme("topics.ttl")
    return {str(narrow).rsplit("/", 1)[1]: str(broad).rsplit("/", 1)[1]
            for narrow, broad in graph.subject_objects(SKOS.broader)}


def _cuts(mention: Mention, word: Mention) -> bool:
    """Whether a label overlaps a plain word without holding it (强区 in 加强区)."""
    overlaps = mention.start < word.end and word.start < mention.end
    return overlaps and not (mention.start <= word.start and word.end <= mention.end)


@cache
def _plain_words() -> dict[str, tuple[str, ...]]:
    """Words that hold a topic label's characters but name no topic (加强, 开展, 中国), by first
    character, longest first."""
    return first_characters(_words("plain"))


@cache
def _protection_words() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, _words("protect"))))


@cache
def _words(family: str) -> frozenset[str]:
    return frozenset(clause_words(family))


def first_characters(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Words by their first character, longest first: a fast lookup of the longest word at a place."""
    index: dict[str, list[str]] = {}
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        index.setdefault(word[0], []).append(word)
    return {char: tuple(found) for char, found in index.items()}
