"""The CLI: ingest, validate, load, documents, remove, with one clear error line per bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.config import DEFAULT_STORE, Settings

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology" / "policykg.ttl"
runner = CliRunner()


def run(store: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--store", str(store), *args])
    return result.exit_code, result.stdout, result.stderr


def stored(store: Path) -> list[dict[str, object]]:
    code, out, _ = run(store, "documents", "--json")
    assert code == 0
    rows: list[dict[str, object]] = json.loads(out)
    return rows


def total(rows: list[dict[str, object]]) -> int:
    return sum(int(str(r["triples"])) for r in rows)


def test_ingest_corpus_twice_gives_the_same_triples(tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, _, err = run(store, "ingest", str(CORPUS))
    assert code == 0, err
    assert "ingested 5 of 5" in err
    first = stored(store)
    assert len(first) == 5 and total(first) > 1000
    assert run(store, "ingest", str(CORPUS))[0] == 0
    again = stored(store)
    assert total(again) == total(first)
    assert [r["graph"] for r in again] == [r["graph"] for r in first]


TRUNCATED = (CORPUS / "001_0fbb60d79ac4499f.txt").read_bytes()[:9000]
"""A real document cut off mid-sentence, as a failed download leaves it."""


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("empty.txt", b"", "read: empty file"),
    ("binary.txt", bytes(range(256)) * 8, "read: binary data"),
    ("missing.txt", None, "read: no such file"),
    ("recipe.txt", "番茄炒蛋\n1.打蛋。搅匀。\n2.热油。下锅。\n3.装盘。\n".encode(), "segment: "),
    ("truncated.txt", TRUNCATED, "segment: "),
])
def test_bad_input_is_one_error_line_and_store_unchanged(tmp_path: Path, name: str, content: bytes | None,
                                                         reason: str) -> None:
    store = tmp_path / "store"
    sample = sorted(CORPUS.glob("*.txt"))[0]
    assert run(store, "ingest", str(sample))[0] == 0
    before = stored(store)
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, _, err = run(store, "ingest", str(path))
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert errors == [line for line in errors if line.startswith(f"error: {name}: {reason}")]
    assert len(errors) == 1
    assert stored(store) == before


def test_failed_reingest_keeps_the_old_graph(tmp_path: Path) -> None:
    store = tmp_path / "store"
    sample = sorted(CORPUS.glob("*.txt"))[0]
    assert run(store, "ingest", str(sample))[0] == 0
    before = stored(store)
    broken = tmp_path / "broken" / sample.name
    broken.parent.mkdir()
    broken.write_bytes(b"")
    code, _, err = run(store, "ingest", str(broken))
    assert code == 1 and f"error: {sample.name}: read: empty file" in err
    assert stored(store) == before


def test_invalid_document_is_refused(tmp_path: Path) -> None:
    """A document whose target year is impossible reaches validate and stops there."""
    store = tmp_path / "store"
    bad = tmp_path / "bad.txt"
    bad.write_text("某市知识产权工作方案\n\n一、工作目标\n到3000年，全市发明专利拥有量达到5000件。\n\n"
                   "二、主要任务\n（一）加强知识产权创造。建立专利快速审查机制。\n"
                   "（二）强化知识产权保护。建立快速维权机制。\n", encoding="utf-8")
    assert runner.invoke(app, ["validate", str(bad)]).exit_code == 1
    code, _, err = run(store, "ingest", str(bad), str(sorted(CORPUS.glob("*.txt"))[0]))
    assert code == 1 and "error: bad.txt: validate:" in err and "pkg:year" in err
    assert [r["source"] for r in stored(store)] == [sorted(CORPUS.glob("*.txt"))[0].name]


def test_validate_corpus() -> None:
    result = runner.invoke(app, ["validate", str(CORPUS)])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.count(": conforms") == 5


def test_load_documents_remove(tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, _, err = run(store, "load", str(ONTOLOGY), "--graph", "https://w3id.org/policykg/def")
    assert code == 0 and "loaded" in err
    assert run(store, "load", str(ONTOLOGY), "--graph", "not an iri")[0] == 2
    sample = sorted(CORPUS.glob("*.txt"))[1]
    shutil.copy(sample, tmp_path / sample.name)
    assert run(store, "ingest", str(tmp_path / sample.name))[0] == 0
    code, out, _ = run(store, "documents")
    assert code == 0 and out.startswith(sample.name + "\t")
    code, _, err = run(store, "remove", sample.name)
    assert code == 0 and stored(store) == []
    code, _, err = run(store, "remove", sample.name)
    assert code == 1 and err.startswith(f"error: {sample.name}: remove:")


def test_settings_from_env() -> None:
    assert Settings.from_env({}).store_path == DEFAULT_STORE
    assert Settings.from_env({"POLICYKG_STORE": "/x"}).store_path == Path("/x")
    assert Settings.from_env({"POLICYKG_STORE": "/x"}, store_path=Path("/y")).store_path == Path("/y")
