"""The tokens of a SPARQL text, read by the terminal rules of the SPARQL 1.1 grammar (§19.8).

The guard decides on these tokens what the engine will run, so they follow the grammar where a
misreading could hide code from it: a comment ends at the first EOL, carriage return or line feed
(EOL ::= [#xA#xD]); strings, long strings and IRIs are single tokens; an escaped `\\#` in a local name
is part of the name. The rules are compiled regular expressions and the reader keeps no state
between calls, so any number of threads may use it at once, in time linear in the text.

Codepoint escapes (`\\u0053ERVICE`) are not expanded: the embedded engine does not expand them
outside strings and IRIs (they are a syntax error there); `unescaped()` gives the reading of an
engine that does, for the guard to check too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

__all__ = ["Token", "tokens", "unescaped"]

_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
         "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = f"(?:[{_CHARS_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_EXPONENT = "[eE][+-]?[0-9]+"
_RULES = [
    ("space", r"[ \t\r\n]+"),
    ("comment", r"#[^\r\n]*"),
    ("string", r"'''(?:(?:'|'')?(?:[^'\\]|\\[\s\S]))*'''" r'|"""(?:(?:"|"")?(?:[^"\\]|\\[\s\S]))*"""'
               r"|'(?:[^'\\\r\n]|\\[\s\S])*'" r'|"(?:[^"\\\r\n]|\\[\s\S])*"'),
    ("iri", r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>"),
    ("name", f"(?:{_PREFIX})?:(?:{_LOCAL})?"),
    ("blank", f"_:[{_CHARS_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?"),
    ("var", f"[?$][{_CHARS_U}0-9][{_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"),
    ("langtag", "@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("number", f"[0-9]+\\.[0-9]*{_EXPONENT}|[0-9]+(?:\\.[0-9]+)?(?:{_EXPONENT})?|\\.[0-9]+(?:{_EXPONENT})?"),
    ("word", "[A-Za-z_][A-Za-z0-9_]*"),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|\{\||\|\}|<<|>>|[\s\S]"),
]
_TOKEN = re.compile("|".join(f"(?P<{kind}>{rule})" for kind, rule in _RULES))
_SKIPPED = frozenset({"space", "comment"})
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class Token(NamedTuple):
    kind: str
    """space and comment are skipped; string, iri, name, blank, var, langtag, number, word
    (keywords, `a`, true/false, function names) or punct (anything else, one or two characters)."""
    text: str


def tokens(query: str) -> Iterator[Token]:
    """The tokens of `query` in order, without white space and comments."""
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup or ""  # every alternative of _TOKEN is a named group
        if kind not in _SKIPPED:
            yield Token(kind, match.group())


def unescaped(query: str) -> str:
    """`query` with its \\u and \\U codepoint escapes expanded, as SPARQL 1.1 (§19.2) lets engines do
    before parsing; an escape of a surrogate or past U+10FFFF stays as written."""
    def character(match: re.Match[str]) -> str:
        codepoint = int(match.group(1) or match.group(2), 16)
        return match.group() if codepoint > 0x10FFFF or 0xD800 <= codepoint <= 0xDFFF else chr(codepoint)
    return _CODEPOINT.sub(character, query)
