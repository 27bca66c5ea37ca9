"""What a query is and whether this endpoint will run it, decided on the tokens the engine reads.

The guard reads the query by the SPARQL grammar's own terminal rules (`tokens`), the rules the
engine follows, so a comment, a string or an IRI that mentions SERVICE cannot trigger a refusal,
and a keyword cannot hide from the guard in what the engine reads as code (a comment ends at a
carriage return as well as a line feed). The engine remains the judge of the rest of the syntax.

The limits are checked before anything is evaluated: a query too large, too deeply nested, with a
property path or a basic graph pattern too long, would take the engine's stack or its optimiser
past what one worker can give, and the client gets a 400 naming the limit instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Literal
from urllib.parse import urljoin

from pyoxigraph import NamedNode

from service.errors import BadRequest, Refused
from service.sparql.protocol import READ_ONLY
from service.sparql.tokens import Token, tokens, unescaped

__all__ = ["MAX_ALL_TOKENS", "MAX_NESTING", "MAX_PATH_LENGTH", "MAX_QUERY_BYTES", "MAX_TOKENS",
           "MAX_TRIPLE_PATTERNS", "QueryPlan", "inspect"]

MAX_QUERY_BYTES = 2**20
MAX_TOKENS = 50_000
"""Tokens outside VALUES data: bounds every chain the engine evaluates recursively (UNION, BIND,
+, ||, …) far below what a worker's stack holds."""
MAX_ALL_TOKENS = 4 * MAX_TOKENS
"""Tokens in all, VALUES data included: bounds the guard's own time."""
MAX_NESTING = 64
"""Groups, parentheses and brackets inside one another."""
MAX_PATH_LENGTH = 100
"""Steps of one property path (p1/p2/…, p1|p2|…)."""
MAX_TRIPLE_PATTERNS = 200
"""The engine plans a basic graph pattern in time that grows fast with its size (figures in
bench/README.md): past this, a query would spend the time limit planning."""

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
FORMS: frozenset[str] = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATES = frozenset({"LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "INSERT", "DELETE", "WITH"})
OPENING, CLOSING = frozenset("{([") | {"{|"}, frozenset("})]") | {"|}"}
PATH_OPERATORS = frozenset({"/", "|"})
PATH_PARTS = frozenset({"iri", "name"})
"""Tokens that may continue a property path besides operators, modifiers and parentheses."""
PATH_PUNCT = frozenset({"/", "|", "^", "!", "(", ")", "*", "+", "?"})
TERMS = frozenset({"iri", "name", "blank", "var", "string", "number", "langtag"})
ENDING_WORDS = frozenset({"a", "true", "false"})
"""Tokens that may end a triple pattern, with `]` and `)`; a pattern ends at `.`, `;`, `,`, `]` or `}`."""


@dataclass(frozen=True)
class QueryPlan:
    """What the runner needs to know about an accepted query before running it."""

    form: QueryForm
    from_graphs: tuple[str, ...]
    prefixes: dict[str, str]

    @property
    def returns_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


def inspect(query: str, base_iri: str | None = None) -> QueryPlan:
    """The plan of a read-only, closed-world query within the limits; raises BadRequest or Refused
    otherwise. Relative IRIs resolve against the query's BASE, else `base_iri`, as the engine does."""
    size = len(query.encode("utf-8", "surrogatepass"))
    if size > MAX_QUERY_BYTES:
        raise BadRequest(f"the query is {size:,} bytes long; the limit is {MAX_QUERY_BYTES:,} bytes")
    found = list(islice(tokens(query), MAX_ALL_TOKENS + 1))
    if len(found) > MAX_ALL_TOKENS:
        raise BadRequest(f"the query has more than {MAX_ALL_TOKENS:,} tokens; "
                         f"the limit is {MAX_ALL_TOKENS:,}")
    base, prefixes, start = _prologue(found, base_iri)
    if start == len(found):
        raise BadRequest("SPARQL syntax error: the query has a prologue but no SELECT, CONSTRUCT, DESCRIBE "
                         "or ASK")
    keyword = found[start].text.upper()
    if keyword in UPDATES and found[start].kind == "word":
        raise Refused(READ_ONLY)
    if keyword not in FORMS or found[start].kind != "word":
        raise BadRequest(f"SPARQL syntax error: a query begins with SELECT, CONSTRUCT, DESCRIBE or ASK "
                         f"(after BASE and PREFIX), not {found[start].text[:40]!r}")
    shape = _Shape()
    shape.read(found[start:])
    if "\\u" in query or "\\U" in query:  # what an engine that expands them before parsing reads
        _refuse_service(list(tokens(unescaped(query))))
    shape.check()
    graphs = tuple(_absolute(graph, base, prefixes, "FROM") for graph in shape.from_graphs)
    return QueryPlan(form=keyword, from_graphs=graphs, prefixes=_valid(prefixes))  # type: ignore[arg-type]


def _prologue(found: Sequence[Token], base: str | None) -> tuple[str | None, dict[str, str], int]:
    """The BASE, the PREFIX declarations and the position of the token after them."""
    prefixes: dict[str, str] = {}
    position = 0
    while position < len(found) and found[position].text.upper() in ("BASE", "PREFIX"):
        declaration = found[position].text.upper()
        if declaration == "BASE" and _kind(found, position + 1) == "iri":
            base = _resolved(_iri_text(found[position + 1].text), base)
            position += 2
        elif declaration == "PREFIX" and _kind(found, position + 1) == "name" \
                and found[position + 1].text.endswith(":") and _kind(found, position + 2) == "iri":
            prefixes[found[position + 1].text[:-1]] = _resolved(_iri_text(found[position + 2].text), base)
            position += 3
        else:
            raise BadRequest(f"SPARQL syntax error: {declaration} must be followed by "
                             f"{'an IRI' if declaration == 'BASE' else 'a prefix name and an IRI'}")
    return base, prefixes, position


def _kind(found: Sequence[Token], position: int) -> str:
    return found[position].kind if position < len(found) else ""


@dataclass
class _Shape:
    """What the limits and the refusals look at, gathered in one pass over the tokens."""

    count: int = 0
    deepest: int = 0
    path: int = 0
    longest_path: int = 0
    triples: int = 0
    from_graphs: list[Token] = field(default_factory=list)
    brackets: list[str] = field(default_factory=list)
    """The brackets open at the current token, innermost last."""
    ends_pattern: list[bool] = field(default_factory=list)
    """For each open bracket: whether the last token inside it could end a triple pattern."""

    def read(self, found: Sequence[Token]) -> None:
        _refuse_service(found)
        position = 0
        while position < len(found):
            token = found[position]
            if token.kind == "word" and token.text.upper() == "VALUES":
                position = _after_values(found, position)
                continue
            if token.kind == "word" and token.text.upper() == "FROM":
                named = _kind(found, position + 1) == "word" and found[position + 1].text.upper() == "NAMED"
                if _kind(found, position + 1 + named) in ("iri", "name"):
                    self.from_graphs.append(found[position + 1 + named])
            self.count += 1
            if self.count > MAX_TOKENS:
                return
            self._bracket(token)
            self._path(token)
            position += 1

    def _bracket(self, token: Token) -> None:
        if token.kind == "iri":  # its parentheses count, in case the engine reads `<` as less-than
            self.deepest = max(self.deepest, len(self.brackets) + _nesting(token.text))
        if token.kind == "punct" and token.text in OPENING:
            self.brackets.append(token.text)
            self.ends_pattern.append(False)
            self.deepest = max(self.deepest, len(self.brackets))
        elif token.kind == "punct" and token.text in CLOSING:
            if self.brackets and self.brackets.pop() != "(" and self.ends_pattern[-1]:
                self.triples += 1
            if self.ends_pattern:
                self.ends_pattern.pop()
            self._ends(token.text in (")", "]"))
        elif token.kind == "punct" and token.text in ".;,":
            if self.brackets and self.brackets[-1] != "(" and self.ends_pattern[-1]:
                self.triples += 1
            self._ends(False)
        else:
            self._ends(token.kind in TERMS or (token.kind == "word" and token.text.lower() in ENDING_WORDS))

    def _ends(self, value: bool) -> None:
        if self.ends_pattern:
            self.ends_pattern[-1] = value

    def _path(self, token: Token) -> None:
        if token.kind == "punct" and token.text in PATH_OPERATORS:
            self.path += 1
            self.longest_path = max(self.longest_path, self.path + 1)
        elif not (token.kind in PATH_PARTS or (token.kind == "punct" and token.text in PATH_PUNCT)
                  or (token.kind == "word" and token.text == "a")):
            self.path = 0

    def check(self) -> None:
        """400 naming the first limit the query is past."""
        if self.count > MAX_TOKENS:
            raise BadRequest(f"the query has more than {MAX_TOKENS:,} tokens outside VALUES data; "
                             f"the limit is {MAX_TOKENS:,}")
        if self.deepest > MAX_NESTING:
            raise BadRequest(f"the query nests groups, brackets or parentheses {self.deepest} deep; "
                             f"the limit is {MAX_NESTING}")
        if self.longest_path > MAX_PATH_LENGTH:
            raise BadRequest(f"the query has a property path of {self.longest_path} steps; "
                             f"the limit is {MAX_PATH_LENGTH}")
        if self.triples > MAX_TRIPLE_PATTERNS:
            raise BadRequest(f"the query has {self.triples:,} triple patterns; "
                             f"the limit is {MAX_TRIPLE_PATTERNS:,}")


def _refuse_service(found: Sequence[Token]) -> None:
    for position, token in enumerate(found):
        if token.kind == "word" and token.text.upper() == "SERVICE":
            after = found[position + 1:position + 3]
            target = next((t.text for t in after if t.text.upper() != "SILENT"), "")
            raise Refused(f"SERVICE {target[:200]} is not allowed: "
                          "this endpoint answers from its own store only")


def _after_values(found: Sequence[Token], position: int) -> int:
    """The position after the data block of the VALUES at `position` (rows are not patterns)."""
    start = next((i for i in range(position, len(found)) if found[i].text == "{"), len(found))
    depth = 0
    for end in range(start, len(found)):
        depth += (found[end].text in OPENING) - (found[end].text in CLOSING)
        if depth == 0:
            return end + 1
    return len(found)


def _nesting(iri: str) -> int:
    deepest = depth = 0
    for character in iri:
        depth = depth + 1 if character in "([" else max(0, depth - 1) if character in ")]" else depth
        deepest = max(deepest, depth)
    return deepest


def _iri_text(iriref: str) -> str:
    return unescaped(iriref[1:-1])


def _resolved(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


def _absolute(token: Token, base: str | None, prefixes: dict[str, str], clause: str) -> str:
    """The absolute IRI a FROM names (an IRI resolved against the base, or a prefixed name)."""
    if token.kind == "iri":
        iri = _resolved(_iri_text(token.text), base)
    else:
        prefix, _, local = token.text.partition(":")
        if prefix not in prefixes:
            raise BadRequest(f"SPARQL syntax error: {clause} {token.text}: "
                             f"the prefix {prefix}: is not declared")
        iri = prefixes[prefix] + _unescaped_local(local)
    try:
        NamedNode(iri)
    except ValueError as error:
        raise BadRequest(f"{clause} {token.text}: not an absolute IRI ({error}); FROM and FROM NAMED "
                         "name graphs of the store by their IRI") from error
    return iri


def _unescaped_local(local: str) -> str:
    """A local name with its reserved-character escapes (`\\#`, `\\/`, …) removed, as in its IRI."""
    characters, escaped = [], False
    for character in local:
        if character == "\\" and not escaped:
            escaped = True
            continue
        characters.append(character)
        escaped = False
    return "".join(characters)


def _valid(prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes a serialiser can write (absolute IRIs); the others only shorten nothing."""
    valid = {}
    for name, iri in prefixes.items():
        try:
            NamedNode(iri)
        except ValueError:
            continue
        valid[name] = iri
    return valid
