"""read.normalise: a document's text as printed → normalised simplified text with a map back.

Later stages match patterns on one clean text, but every fact they extract must quote its
source as printed. So each rewrite here is an edit on a draft that carries, for every
character, its index in the original: the map survives conversions that change lengths
(智慧财产权 → 知识产权) and deletions (spaces, broken lines). Every reader ends here, so a web
page, a Word file and a PDF give the same text as the plain-text copy of the same document.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import opencc

from ingest import lexicon
from ingest.errors import IngestError
from ingest.read.source import SourceText

_T2S = opencc.OpenCC("t2s")

Edit = tuple[int, int, str]
"""Replace draft.text[start:end] by the string; edits come sorted and never overlap."""


@dataclass(frozen=True)
class _Draft:
    """Text under rewriting, with offsets into the original (len(text) + 1 entries)."""

    text: str
    offsets: tuple[int, ...]

    def apply(self, edits: Iterable[Edit]) -> _Draft:
        """The draft with the edits made; a replacement spreads its characters over the span
        it replaced, so a quote that covers a whole replacement covers its whole source."""
        pieces: list[str] = []
        offsets: list[int] = []
        position = 0
        for start, end, new in edits:
            pieces.append(self.text[position:start])
            offsets.extend(self.offsets[position:start])
            pieces.append(new)
            width = end - start
            offsets.extend(self.offsets[start + k * width // len(new)] for k in range(len(new)))
            position = end
        pieces.append(self.text[position:])
        offsets.extend(self.offsets[position:])
        return _Draft("".join(pieces), tuple(offsets))


# --- character normalisation ----------------------------------------------------------

_FULLWIDTH_KEPT = "！＂＇（），：；？［］｛｝"
"""Full-width punctuation stays as printed: the record quotes text as printed."""
_DELETED = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_IDEOGRAPH_FORMS = (*range(0x2E80, 0x2FE0), *range(0xF900, 0xFB00), *range(0x2F800, 0x2FA20))
"""Radicals and compatibility ideographs that PDF extraction emits for ordinary characters."""


def _safe_nfkc_table() -> dict[str, str]:
    """NFKC for what it cannot damage: full-width ASCII letters, digits and symbols, odd
    spaces, invisible characters and ideograph look-alikes."""
    table = {chr(code): unicodedata.normalize("NFKC", chr(code)) for code in range(0xFF01, 0xFF5F)}
    table.update((chr(code), unicodedata.normalize("NFKC", chr(code))) for code in _IDEOGRAPH_FORMS)
    table.update(dict.fromkeys(_SPACES, " "))
    table.update(dict.fromkeys(_DELETED, ""))
    return {old: new for old, new in table.items() if old != new and old not in _FULLWIDTH_KEPT}


_NFKC_SAFE = _safe_nfkc_table()
_NFKC_TARGETS = re.compile("\r\n?|[" + "".join(map(re.escape, _NFKC_SAFE)) + "]")


def _normalise_characters(draft: _Draft) -> _Draft:
    return draft.apply(
        (m.start(), m.end(), "\n" if m[0].startswith("\r") else _NFKC_SAFE[m[0]])
        for m in _NFKC_TARGETS.finditer(draft.text)
    )


_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_GLOSS = re.compile(
    rf"(?<=[\u3400-\u9fff])[(（](?=[a-zü]*[{_TONE_VOWELS}])[a-zü{_TONE_VOWELS}]{{1,7}}[)）]")
"""A tone-marked syllable in brackets right after a character: 产(chǎn), 發(fā). Some web
copies gloss every rare character this way; the gloss is no part of the text."""


def _strip_pinyin(draft: _Draft) -> _Draft:
    return draft.apply((m.start(), m.end(), "") for m in _PINYIN_GLOSS.finditer(draft.text))


_HAN = r"\u3400-\u9fff"
_HALF_WIDTH_PUNCTUATION = re.compile(rf"(?<=[{_HAN}])[,;:!?]|[,;:!?](?=[ \t\u00a0\u3000]*[{_HAN}])")
_HALF_WIDTH_BRACKETS = re.compile(rf"\(([^()\n]*[{_HAN}][^()\n]*)\)")
_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}


def _full_width_punctuation(draft: _Draft) -> _Draft:
    """Half-width , ; : ! ? and ( ) beside or around Chinese as their full-width forms.

    Web copies that went through a half-width filter print 发展,促进 and (市科技局负责); the
    patterns of later stages are written for the forms a Chinese text is typeset in. Digits
    and Latin text keep their own punctuation: 1,000 and (1) are left alone."""
    edits: list[Edit] = [(m.start(), m.end(), _FULL_WIDTH[m[0]])
                         for m in _HALF_WIDTH_PUNCTUATION.finditer(draft.text)]
    for match in _HALF_WIDTH_BRACKETS.finditer(draft.text):
        edits += [(match.start(), match.start() + 1, "（"), (match.end() - 1, match.end(), "）")]
    return draft.apply(sorted(edits))


_YEAR_ZERO = re.compile(r"[〇○零一二三四五六七八九OoΟ０0]{4}(?=\s*年)")
_ZERO_LOOK_ALIKES = re.compile(r"[○OoΟ０0]")


def _year_zeros(draft: _Draft) -> _Draft:
    """二OO九年 → 二〇〇九年: a year in Chinese numerals typed with a letter O, a digit 0 or
    the circle ○ for 〇; only where the year has a Chinese digit, so 2009年 stays."""
    edits: list[Edit] = []
    for year in _YEAR_ZERO.finditer(draft.text):
        if re.search("[一二三四五六七八九]", year[0]):
            edits += [(year.start() + z.start(), year.start() + z.end(), "〇")
                      for z in _ZERO_LOOK_ALIKES.finditer(year[0])]
    return draft.apply(edits)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(start, line) for every line, without its newline."""
    start = 0
    for line in text.split("\n"):
        yield start, line
        start += len(line) + 1


def _simplify(draft: _Draft) -> _Draft:
    """Traditional → simplified with OpenCC t2s, a line at a time so that a conversion
    that changes a length only blurs the map inside its own line."""
    edits: list[Edit] = []
    for start, line in _lines(draft.text):
        converted = _T2S.convert(line)
        if converted != line:
            edits.append((start, start + len(line), converted))
    return draft.apply(edits)


def _load_terms() -> dict[str, str]:
    return {taiwan: mainland for taiwan, mainland in lexicon.rows("taiwan_terms.tsv")}


_TAIWAN_TERMS = _load_terms()
_TAIWAN_PATTERN = re.compile("|".join(map(re.escape, sorted(_TAIWAN_TERMS, key=len, reverse=True))))


def _restore_mainland_terms(draft: _Draft) -> _Draft:
    return draft.apply(
        (m.start(), m.end(), _TAIWAN_TERMS[m[0]]) for m in _TAIWAN_PATTERN.finditer(draft.text)
    )


_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff0f\uff1a-\uff20“”‘’"
_EXTRACTION_SPACES = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}\d])|(?<=\d) +(?=[{_CJK}])| +$", re.M)
"""Spaces PDF extraction puts between characters ("到 2020 年", "通    知"), and line ends."""


def _collapse_spaces(draft: _Draft) -> _Draft:
    return draft.apply((m.start(), m.end(), "") for m in _EXTRACTION_SPACES.finditer(draft.text))


# --- broken lines ---------------------------------------------------------------------

_SENTENCE_END = "。！？；：!?;:…"
_CLOSERS = "）)〕】]"
_QUOTES = "”’」』"
_CLAUSE_PUNCTUATION = re.compile(r"[，。；：,;:！？!?]")
"""Running text has these; titles and headings seldom do (、 lists occur in both)."""
_OPEN_END = "，、,"
_FULL_STOP = re.compile(r"[。；;！？!?]")
NUMBERED = re.compile(
    r"[一二三四五六七八九十百零〇]+[、.．]"
    r"|[（(][一二三四五六七八九十百零〇\d]+[）)]"
    r"|\d+\s*[、.．](?!\d)"
    r"|第[一二三四五六七八九十百零〇\d]+[章节条部分]"
    r"|[①-⑳•·●○■□◆◇▪►]"
)
"""A line that opens a new block: a numbered heading or item, or a bullet."""
_PAGE_NUMBER = re.compile(r"[-—–－]{1,2} *\d{1,3} *[-—–－]{1,2}|第 *\d+ *页.*")
_MIN_BODY_LINE = 20
_MAX_HEADING = 40


_FIELD = re.compile(r"[\u4e00-\u9fff]{1,6}[：:]")
"""A field line of a site's header block or a form: 索引号：…, 发布机构：…, 责任单位：…."""


def _ends_open(line: str) -> bool:
    """True when the line stops mid-sentence: no closing punctuation at its end."""
    last = line[-1]
    if last in _SENTENCE_END or last in _CLOSERS:
        return False
    return not (last in _QUOTES and len(line) > 1 and line[-2] in _SENTENCE_END)


def _is_body(line: str) -> bool:
    """A line of running text, not a title, heading, date or signature: long enough and
    punctuated inside; a numbered line without a full stop is a heading unless long."""
    if len(line) < _MIN_BODY_LINE or _FIELD.match(line):
        return False
    if not (line[-1] in _OPEN_END or _CLAUSE_PUNCTUATION.search(line)):
        return False
    return not (NUMBERED.match(line) and not _FULL_STOP.search(line) and len(line) < _MAX_HEADING)


def _continues(line: str) -> bool:
    """True when the line can carry on a sentence: it opens no numbered block and is
    not an unpunctuated title, heading, date, signature, free-standing item number or field."""
    return not (NUMBERED.match(line) or _FIELD.match(line)) and bool(_CLAUSE_PUNCTUATION.search(line))


def _join_broken_lines(draft: _Draft) -> _Draft:
    """Re-join a paragraph cut by a page or line break in PDF extraction, across blank
    lines and page numbers, with no separator (Chinese has no spaces between words)."""
    lines = [(start + len(line) - len(line.lstrip()), line.strip()) for start, line in _lines(draft.text)]
    edits: list[Edit] = []
    for index, (start, line) in enumerate(lines):
        if not line or not _ends_open(line) or not _is_body(line):
            continue
        following = (item for item in lines[index + 1 :] if item[1] and not _PAGE_NUMBER.fullmatch(item[1]))
        continuation = next(following, None)
        if continuation is not None and _continues(continuation[1]):
            edits.append((start + len(line), continuation[0], ""))
    return draft.apply(edits)


# --- the stage ------------------------------------------------------------------------

_REWRITES = (_normalise_characters, _strip_pinyin, _simplify, _full_width_punctuation, _year_zeros,
             _collapse_spaces, _join_broken_lines, _restore_mainland_terms)
"""In this order: glosses go before conversion (which may change a glossed character); the
punctuation is made full-width before spaces and lines, whose rules read it; terms are
restored after joining so that a term cut by a line break is found."""


MAX_CHARACTERS = 500_000
"""The most characters one document may have: a few times the longest real policy texts (a
province's five-year outline, a code of law, a PDF that spaces its characters), so that a file
of many documents or of other data is refused at once; bench/README.md has the cost."""


def normalise(original: str, name: str, encoding: str, file_format: str = "text",
              pages: tuple[int, ...] = ()) -> SourceText:
    """The SourceText of a document's text as printed: every rewrite above, in order."""
    if len(original) > MAX_CHARACTERS:
        raise IngestError(name, "read", f"{len(original):,} characters of text, more than one policy "
                          f"document holds (at most {MAX_CHARACTERS:,}): split a file of several documents")
    draft = _Draft(original, tuple(range(len(original) + 1)))
    for rewrite in _REWRITES:
        draft = rewrite(draft)
    return SourceText(name, original, draft.text, draft.offsets, encoding, file_format, pages)
