"""The packages meet at their public APIs: the service imports of ingest only the names in the
`__all__` of ingest's public modules (ingest.PUBLIC_MODULES), and each public module's `__all__`
names what it defines."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import ingest
import service

ROOT = Path(__file__).resolve().parent.parent


def ingest_imports(path: Path) -> list[tuple[int, str, str | None]]:
    """(line, module, name) of each import of ingest in a Python file; name None for `import ingest.x`."""
    found: list[tuple[int, str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, None) for alias in node.names
                      if alias.name.split(".")[0] == "ingest"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "ingest":
            found += [(node.lineno, node.module, alias.name) for alias in node.names]
    return found


def non_public(module: str, name: str | None) -> str | None:
    """Why importing `name` from `module` (or the module itself) reaches past ingest's public API."""
    if name is not None and f"{module}.{name}" in ingest.PUBLIC_MODULES:
        return None  # a public module, imported from its package (`from ingest import lexicon`)
    if module not in ingest.PUBLIC_MODULES:
        return f"{module} is not a public module of ingest"
    if name is not None and name not in importlib.import_module(module).__all__:
        return f"{name} is not in {module}.__all__"
    return None


SERVICE_FILES = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "service").rglob("*.py"))


@pytest.mark.parametrize("path", SERVICE_FILES)
def test_the_service_imports_only_the_public_api_of_ingest(path: str) -> None:
    found = [f"{path}:{line}: {why}" for line, module, name in ingest_imports(ROOT / path)
             if (why := non_public(module, name))]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("module", "name", "public"), [
    ("ingest.store", "connect", True),
    ("ingest", "lexicon", True),
    ("ingest.store", "EmbeddedStore", False),
    ("ingest.store.updates", "replace_update", False),
    ("ingest.segment", None, False),
])
def test_the_check_tells_public_names_from_internal_ones(module: str, name: str | None, public: bool) -> None:
    assert (non_public(module, name) is None) is public


@pytest.mark.parametrize("module", [*ingest.PUBLIC_MODULES, *service.PUBLIC_MODULES])
def test_every_public_module_names_what_it_exports(module: str) -> None:
    loaded = importlib.import_module(module)
    exported = getattr(loaded, "__all__", None)
    assert exported, f"{module} has no __all__"
    assert [name for name in exported if not hasattr(loaded, name)] == []
