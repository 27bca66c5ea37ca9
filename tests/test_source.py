"""The source keeps data as data: a SPARQL query or update is a `.rq` (`.ru`) file beside the code
that runs it, never a Python string (values are bound to it as RDF terms, not pasted into it).
A block of data (INSERT DATA of triples rdflib wrote) is no query: it may be written by code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ingest", "service")
"""The shipped code: what it runs against a store is data."""
PLACEHOLDER = "?x"
"""Stands for each replacement field of an f-string: a pasted value reads as a variable here."""
SPARQL_TEXT = re.compile(r"""
    \b(?:SELECT|CONSTRUCT|DESCRIBE|ASK)\b [^{}]*?                 # a query form, its projection
    \{\s*(?:GRAPH|VALUES|OPTIONAL|FILTER|BIND|\{|\?|\$|<|[a-z]\w*:|_:|\})   # a group pattern opens
    | \b(?:INSERT|DELETE)\b (?!\s+DATA\b) [\s\S]*? \bWHERE\s*\{      # an update with a pattern
    """, re.VERBOSE)
"""A SPARQL text as code writes one; a docstring naming a form (`SELECT the stored policies`,
`an ASK answer {"boolean": …}`, `WHERE { … }`) is no pattern."""


def strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Each string constant of a module, an f-string read as one string with its fields as ?x."""
    inside = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(part.value if isinstance(part, ast.Constant) else PLACEHOLDER
                           for part in node.values)
            found.append((node.lineno, text))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in inside:
            found.append((node.lineno, node.value))
    return found


def sparql_texts(path: Path) -> list[str]:
    """`file:line: text` of each string of a Python file that holds a SPARQL text."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.relative_to(ROOT)}:{line}: {text.strip()[:80]!r}"
            for line, text in strings(tree) if SPARQL_TEXT.search(text)]


@pytest.mark.parametrize("package", PACKAGES)
def test_python_source_holds_no_sparql_text(package: str) -> None:
    found = [text for path in sorted((ROOT / package).rglob("*.py")) for text in sparql_texts(path)]
    assert not found, "SPARQL in Python (move it to a .rq file beside the code):\n" + "\n".join(found)


QUERY_FILES = sorted(str(path.relative_to(ROOT)) for package in PACKAGES for suffix in ("rq", "ru")
                     for path in (ROOT / package).rglob(f"*.{suffix}"))


@pytest.mark.parametrize("path", QUERY_FILES)
def test_every_rq_file_reads_as_sparql_to_the_check(path: str) -> None:
    """The check above finds each query the project keeps as data, were it pasted into Python."""
    assert SPARQL_TEXT.search((ROOT / path).read_text(encoding="utf-8")), path


@pytest.mark.parametrize(("source", "holds"), [
    ('Q = "SELECT ?s WHERE { ?s ?p ?o }"', True),
    ('Q = f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"', True),
    ('Q = f"DELETE {{ GRAPH <{g}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"', True),
    ('Q = f"INSERT {{ GRAPH <{g}> {{ ?a ?r ?b }} }} WHERE {{ VALUES ?a {{ <{a}> }} ?a ?r ?b }}"', True),
    ('Q = f"INSERT DATA {{ GRAPH {graph.n3()} {{ {triples} }} }}"', False),
    ('Q = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { } }"', True),
    ('"""SELECT the stored policies keyed by these titles."""', False),
    ('"""An ASK answer in the standard JSON form `{"boolean": …}`."""', False),
    ('"""`values from: SELECT DISTINCT ?value ?label WHERE { … }`"""', False),
    ('"""Offset just inside the `{` opening the WHERE group."""', False),
])
def test_the_check_tells_sparql_from_prose(source: str, holds: bool) -> None:
    assert any(SPARQL_TEXT.search(text) for _, text in strings(ast.parse(source))) is holds


def test_word_lists_are_read_by_the_one_loader() -> None:
    """ingest/data's tables are read by ingest.lexicon alone, so every list has one reading of its
    comments, blank lines and header."""
    sources = [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
               if path != ROOT / "ingest" / "lexicon.py"]
    readers = [str(path.relative_to(ROOT)) for path in sources
               if "read_text" in (text := path.read_text(encoding="utf-8"))
               and re.search(r"[\"'/]data[\"'/]", text)]
    assert not readers, f"read ingest/data through ingest.lexicon: {readers}"
