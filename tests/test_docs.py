"""The catalogues stay complete: every setting and command is in the README, every term the graph
writes is declared in the vocabulary, every SKOS concept is labelled, every path the documentation
names exists, every route of the README's tables is served, and ingest never imports service."""

from __future__ import annotations

import ast
import dataclasses
import itertools
import re
import subprocess
import tomllib
from functools import cache
from importlib.metadata import version
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from starlette.routing import BaseRoute, Match, Mount

from ingest.schemes import ontology_files, scheme
from ingest.vocab import PKG, ROW
from ingest.write import DocumentGraph
from service.app import create_app
from service.cli import app
from service.config import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCUMENTS = ("README.md", "CONTRIBUTING.md", "CHANGELOG.md", "bench/README.md", "service/queries/README.md",
             *(str(path.relative_to(ROOT)) for path in sorted((ROOT / "docs").glob("*.md"))))
"""The documentation: every path it names must exist."""
DEPLOYMENT = ("Dockerfile", "docker-compose.yml", "compose.fuseki.yaml", "compose.virtuoso.yaml",
              "scripts/topology", "scripts/serve", "scripts/test", "scripts/setup", "scripts/ci-tools")
"""Files whose comments send the reader to a page of the documentation."""
_FENCED = re.compile(r"^```.*?^```", re.S | re.M)
_CODE = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_PATH = re.compile(r"(\.\./)*[\w.*-]*\w[\w.*-]*(/[\w.*-]+)*/?")
_FILE = re.compile(r".+\.(md|py|rq|tsv|ttl|txt|ya?ml|toml|html|js|css|json|sql|trig|png)")
_MEDIA_TYPE = re.compile(r"(application|text|image)/[\w.+-]+")
_PLACEHOLDER = re.compile(r"(^|[/_])(NAME|FILE|DOC|PATH)(\.\w+)?/?$")
"""A name a page uses for any file: `ingest/read/NAME.py`, `tests/test_NAME.py`."""


def setting_docs() -> dict[str, str]:
    """Each Settings field with the docstring written under it in service/config.py."""
    tree = ast.parse((ROOT / "service" / "config.py").read_text(encoding="utf-8"))
    body = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == "Settings").body
    return {field.target.id: doc.value.value for field, doc in itertools.pairwise(body)
            if isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name)
            and isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant)}


@pytest.mark.parametrize("setting", [f.name for f in dataclasses.fields(Settings)])
def test_every_setting_is_documented_with_its_variable_in_the_readme(setting: str) -> None:
    variable = re.search(r"Env: (POLICYKG_\w+)", setting_docs().get(setting, ""))
    assert variable, f"Settings.{setting} has no docstring naming its environment variable"
    assert f"`{variable.group(1)}`" in README


@pytest.mark.parametrize("command", [c.name or (c.callback.__name__ if c.callback else "")
                                     for c in app.registered_commands])
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"`policykg {command}" in README


def test_every_term_the_graph_writes_is_declared(corpus_graphs: dict[str, DocumentGraph]) -> None:
    """pkg: and row: classes and properties used anywhere in the corpus graphs exist in
    ontology/policykg.ttl."""
    vocabulary = scheme("policykg.ttl")
    ours = (str(PKG), str(ROW))
    declared = {s for s in vocabulary.subjects() if isinstance(s, URIRef) and s.startswith(ours)}
    used: set[URIRef] = set()
    for built in corpus_graphs.values():
        for graph in (built.graph, built.entities):
            for _s, p, o in graph:
                used |= {t for t in (p, o if p == RDF.type else None) if isinstance(t, URIRef)}
    undeclared = sorted(t for t in used if t.startswith(ours) and t not in declared)
    assert not undeclared


def test_every_vocabulary_term_has_chinese_and_english_labels() -> None:
    vocabulary = scheme("policykg.ttl")
    terms = [s for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for s in vocabulary.subjects(RDF.type, kind) if s.startswith(str(PKG))]
    assert terms
    for term in terms:
        languages = {label.language for label in vocabulary.objects(term, URIRef(
            "http://www.w3.org/2000/01/rdf-schema#label")) if isinstance(label, Literal)}
        assert {"zh", "en"} <= {(lang or "").split("-")[0] for lang in languages}, term


@pytest.mark.parametrize("file", [f.name for f in ontology_files() if f.name != "policykg.ttl"])
def test_every_concept_of_a_scheme_has_chinese_and_english_preferred_labels(file: str) -> None:
    graph: Graph = scheme(file)
    concepts = list(graph.subjects(RDF.type, SKOS.Concept))
    assert concepts
    for concept in concepts:
        languages = {(label.language or "").split("-")[0] for label in graph.objects(concept, SKOS.prefLabel)
                     if isinstance(label, Literal)}
        assert {"zh", "en"} <= languages, concept
        assert graph.value(concept, SKOS.inScheme) is not None, concept


def test_topic_labels_include_traditional_chinese() -> None:
    graph = scheme("topics.ttl")
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        labels = graph.objects(concept, SKOS.prefLabel)
        languages = {label.language or "" for label in labels if isinstance(label, Literal)}
        assert {"zh-Hans", "zh-Hant"} <= languages, concept


def test_ingest_never_imports_service() -> None:
    for path in (ROOT / "ingest").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(re.match(r"service(\.|$)", name) for name in names), path


@cache
def _tracked() -> tuple[str, ...]:
    """The repository's files, and the shared material beside it that the documentation cites."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    shared = ROOT.parent / "shared"
    beside = [f"../shared/{path.relative_to(shared)}" for path in shared.rglob("*")]
    return (*files.stdout.split(), *beside)


def _named_paths(document: str) -> list[str]:
    """The paths a page names in inline code (`ingest/read/`, `read/tables.py`, `service/queries/*.rq`),
    outside code blocks, which show commands and their output."""
    text = _FENCED.sub("", (ROOT / document).read_text(encoding="utf-8"))
    found = []
    for code in (match.group(1).strip() for match in _CODE.finditer(text)):
        if (_PATH.fullmatch(code) and ("/" in code or _FILE.fullmatch(code)) and not code.startswith("/")
                and not _MEDIA_TYPE.fullmatch(code) and not _PLACEHOLDER.search(code)):
            found.append(code)
    return found


def _exists(name: str, document: str) -> bool:
    """A path exists as named from the root, from the page's folder, as the end of a tracked path
    (`read/tables.py` in a page about ingest), or as a glob that matches; runtime paths (ignored by
    git: `.policykg/store`, `tests/screenshots/`) are made by running, not kept."""
    bare = name.rstrip("/")
    if "*" in bare:
        return any(ROOT.glob(bare))
    if any((base / bare).exists() for base in (ROOT, (ROOT / document).parent)):
        return True
    if any(subprocess.run(["git", "check-ignore", "-q", ignored], cwd=ROOT, check=False).returncode == 0
           for ignored in (bare, f"{bare}/")):
        return True
    return any(path == bare or path.endswith("/" + bare) or path.startswith(bare + "/")
               or f"/{bare}/" in f"/{path}" for path in _tracked())


def _anchors(document: str) -> set[str]:
    """The anchors GitHub makes of a page's headings."""
    text = _FENCED.sub("", (ROOT / document).read_text(encoding="utf-8"))
    headings = re.findall(r"^#+\s+(.+?)\s*$", text, re.M)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_path_the_documentation_names_exists(document: str) -> None:
    missing = [name for name in _named_paths(document) if not _exists(name, document)]
    assert not missing, f"{document} names paths that are not there: {missing}"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_link_of_the_documentation_leads_somewhere(document: str) -> None:
    text = _FENCED.sub("", (ROOT / document).read_text(encoding="utf-8"))
    broken = []
    for target in (match.group(1) for match in _LINK.finditer(text)):
        if re.match(r"[a-z]+:", target):
            continue
        page, _, anchor = target.partition("#")
        here = (ROOT / document).parent / page if page else ROOT / document
        if not here.exists() or (anchor and here.suffix == ".md"
                                 and anchor not in _anchors(str(here.resolve().relative_to(ROOT)))):
            broken.append(target)
    assert not broken, f"{document} links to what is not there: {broken}"


@pytest.mark.parametrize("name", DEPLOYMENT)
def test_deployment_files_point_at_documentation_that_exists(name: str) -> None:
    text = (ROOT / name).read_text(encoding="utf-8")
    named = re.findall(r"\b(?:docs|bench|service|ingest)/[\w./-]*\w\.md\b|\bREADME\.md\b", text)
    assert all((ROOT / page).is_file() for page in named), named


def readme_routes() -> list[str]:
    """The addresses in the first column of the README's tables of pages and endpoints."""
    routes = []
    for table in re.findall(r"^\| (?:page|endpoint) \|.*?\n(?=[^|])", README, re.S | re.M):
        for row in table.splitlines()[2:]:
            first = row.split("|")[1]
            routes += re.findall(r"`(/[^`]*)`", first)
    return routes


@pytest.fixture(scope="module")
def service_routes(tmp_path_factory: pytest.TempPathFactory) -> list[BaseRoute]:
    """The routes of the service (its app built, not started: no store is opened)."""
    return list(create_app(Settings(store_path=tmp_path_factory.mktemp("store"))).routes)


@pytest.mark.parametrize("address", readme_routes())
def test_every_route_of_the_readme_is_served(address: str, service_routes: list[BaseRoute]) -> None:
    """An address of the README (`/id/policy/…`, `/compare?city=…`) is answered by a route of its own
    (not the static files)."""
    path = address.split("?")[0].replace("…", "x").replace("{name}", "x")
    scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "headers": [],
             "query_string": b""}
    assert any(route.matches(scope)[0] == Match.FULL for route in service_routes
               if not isinstance(route, Mount)), address


def test_the_readme_tables_list_routes() -> None:
    assert {"/", "/search", "/sparql", "/queries", "/health", "/dump", "/ontology", "/docs"} <= {
        route.split("?")[0] for route in readme_routes()}


def test_the_version_has_one_source() -> None:
    """pyproject.toml says it; the installed package, the service and the ontology say the same."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert version("policykg") == declared
    assert str(scheme("policykg.ttl").value(URIRef(str(PKG).rstrip("#")), OWL.versionInfo)) == declared
