"""The source keeps data as data: a SPARQL query or update is a `.rq` (`.ru`) file beside the code
that runs it, never a Python string (values are bound to it as RDF terms, not pasted into it).
A block of data (INSERT DATA of triples rdflib wrote) is no query: it may be written by code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ingest.pipeline import STAGES

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


def imported(path: Path) -> set[str]:
    """The ingest modules a file imports, anywhere in it (function-local imports too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if module_files(name)}


def module_files(module: str, whole: bool = False) -> list[Path]:
    """The file of a module of the project (a package's __init__.py, or `whole` every file of the
    package); none for any other name."""
    path = ROOT.joinpath(*module.split("."))
    if module.split(".")[0] not in PACKAGES:
        return []
    if path.is_dir():
        return sorted(path.rglob("*.py")) if whole else [path / "__init__.py"]
    return [path.with_suffix(".py")] if path.with_suffix(".py").is_file() else []


def within(module: str, stage_module: str) -> bool:
    return module == stage_module or module.startswith(stage_module + ".")


def later_stages_reached(stages: list[tuple[str, str]]) -> list[str]:
    """`stage: module` for each module of a later stage that a stage's modules import, directly or
    through modules that are no stage's (helpers such as ingest.nodes or extract.quantities)."""
    found = []
    for position, (stage, own) in enumerate(stages):
        later = {module: name for name, module in stages[position + 1:]}
        waiting, seen = [own], {own}
        while waiting:
            module = waiting.pop()
            for path in module_files(module, whole=module == own):
                for module in imported(path) - seen:
                    seen.add(module)
                    reached = [m for m in later if within(module, m)]
                    found += [f"{stage} ({own}) imports {module}, of the later stage {later[m]}"
                              for m in reached]
                    if not reached and not any(within(module, m) for _, m in stages):
                        waiting.append(module)
    return found


def test_no_stage_imports_a_later_one() -> None:
    """A stage reads what earlier stages made, never what a later one does: the pipeline's table
    (ingest/pipeline.py) is the order of the imports too."""
    stages = [(name, step.__module__) for name, step in STAGES]
    assert [name for name, _ in stages][:2] == ["read", "segment"]
    assert not later_stages_reached(stages), "\n".join(later_stages_reached(stages))


def test_the_stage_check_finds_a_later_import() -> None:
    """The check above with the order turned round: the graph stage reads the read stage's text."""
    found = later_stages_reached([("graph", "ingest.graph"), ("read", "ingest.read")])
    assert found == ["graph (ingest.graph) imports ingest.read, of the later stage read"]
