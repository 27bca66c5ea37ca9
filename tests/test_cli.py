"""The CLI: ingest, validate, load, documents, remove, with one clear error line per bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.config import DEFAULT_STORE, Settings
from service.search_disk import path_for

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
    assert len(first) == 5
    assert total(first) > 1000
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


def test_a_partial_copy_is_kept_and_marked_and_strict_refuses_it(tmp_path: Path) -> None:
    """`extract` and `ingest` keep what a cut-off copy holds and say so; `ingest --strict` refuses it."""
    store, cut = tmp_path / "store", tmp_path / "truncated.txt"
    cut.write_bytes(TRUNCATED)
    extracted = runner.invoke(app, ["extract", str(cut)])
    assert extracted.exit_code == 0
    record = json.loads(extracted.stdout)[0]
    assert record["partial"].startswith("文本在句中截断")
    assert record["doc_number"] == "泉政文〔2021〕70号"
    assert len(record["measures"]) >= 5
    assert record["targets"]
    code, _, err = run(store, "ingest", "--strict", str(cut))
    assert code == 1
    assert "error: truncated.txt: segment: partial copy refused (--strict)" in err
    assert stored(store) == []
    code, _, err = run(store, "ingest", str(cut))
    assert code == 0
    assert "ingested 1 of 1" in err
    assert "1 partial" in err
    assert "  partial: truncated.txt: 文本在句中截断" in err


def test_failed_reingest_keeps_the_old_graph(tmp_path: Path) -> None:
    store = tmp_path / "store"
    sample = sorted(CORPUS.glob("*.txt"))[0]
    assert run(store, "ingest", str(sample))[0] == 0
    before = stored(store)
    broken = tmp_path / "broken" / sample.name
    broken.parent.mkdir()
    broken.write_bytes(b"")
    code, _, err = run(store, "ingest", str(broken))
    assert code == 1
    assert f"error: {sample.name}: read: empty file" in err
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
    assert code == 1
    assert "error: bad.txt: validate:" in err
    assert "pkg:year" in err
    assert [r["source"] for r in stored(store)] == [sorted(CORPUS.glob("*.txt"))[0].name]


def test_validate_corpus() -> None:
    result = runner.invoke(app, ["validate", str(CORPUS)])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.count(": conforms") == 5


def test_load_documents_remove(tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, _, err = run(store, "load", str(ONTOLOGY), "--graph", "https://w3id.org/policykg/def")
    assert code == 0
    assert "loaded" in err
    assert run(store, "load", str(ONTOLOGY), "--graph", "not an iri")[0] == 2
    sample = sorted(CORPUS.glob("*.txt"))[1]
    shutil.copy(sample, tmp_path / sample.name)
    assert run(store, "ingest", str(tmp_path / sample.name))[0] == 0
    code, out, _ = run(store, "documents")
    assert code == 0
    assert out.startswith(sample.name + "\t")
    code, _, err = run(store, "remove", sample.name)
    assert code == 0
    assert stored(store) == []
    code, _, err = run(store, "remove", sample.name)
    assert code == 1
    assert err.startswith(f"error: {sample.name}: remove:")


def test_settings_from_env() -> None:
    assert Settings.from_env({}).store_path == DEFAULT_STORE
    assert Settings.from_env({"POLICYKG_STORE": "/x"}).store_path == Path("/x")
    assert Settings.from_env({"POLICYKG_STORE": "/x"}, store_path=Path("/y")).store_path == Path("/y")


NEWS_PAGE = """<html><head><meta charset="utf-8"><title>市运动会开幕</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/news">新闻</a></div>
<h1>市第十届运动会隆重开幕</h1><p>本届运动会共设田径、游泳、篮球等十八个大项，来自各区的两千余名运动员参赛。</p>
<p>开幕式上，文艺工作者表演了精彩的节目，现场观众热情高涨。</p></body></html>"""


def test_folder_of_every_kind_ingests_the_good_and_reports_each_bad_one(tmp_path: Path) -> None:
    """One line per bad file naming file, stage and problem; the good files of the batch go in;
    a file of another kind is skipped; a FIFO does not hang, /dev/zero is not read; a summary."""
    from test_read_bad_input import encrypted_pdf, image_only_pdf

    from bench import formats

    folder = tmp_path / "downloads"
    folder.mkdir()
    text = (CORPUS / "001_0fbb60d79ac4499f.txt").read_text(encoding="utf-8")
    (folder / "quanzhou.docx").write_bytes(formats.docx(text))
    shutil.copy(CORPUS / "003_e785d9f8d5cb8cce.txt", folder / "shanwei.txt")
    (folder / "scan.pdf").write_bytes(image_only_pdf())
    (folder / "locked.pdf").write_bytes(encrypted_pdf())
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (folder / "news.html").write_text(NEWS_PAGE, encoding="utf-8")
    with (folder / "huge.txt").open("wb") as out:
        out.truncate(50 * 2**20)
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / ".hidden.txt").write_text("ignored", encoding="utf-8")
    store = tmp_path / "store"
    code, _, err = run(store, "ingest", str(folder))
    assert code == 1, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert sorted(errors) == sorted([
        "error: broken.docx: read: not a DOCX file: not a zip archive, or a damaged one "
        "(File is not a zip file)",
        "error: huge.txt: read: 50 MB, over the limit of 20 MB for one document (--max-size)",
        "error: locked.pdf: read: the PDF is encrypted: it needs a password to open; "
        "save an unprotected copy first",
        "error: news.html: segment: no intellectual-property or policy vocabulary "
        "(知识产权, 专利, 方案, 办法 …): not a policy text of this genre",
        "error: pipe.txt: read: a FIFO (named pipe), not a regular file: only files are read",
        "error: scan.pdf: read: the PDF has no text layer (only images of its pages, a scan): run OCR on it "
        "first, e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`",
        "error: zero.txt: read: a character device, not a regular file: only files are read",
    ])
    assert "skipped: photo.png: not a format policykg reads (.png)" in err
    assert "ingested 2 of 9 document(s)" in err
    assert "7 refused; 1 file(s) of another kind skipped" in err
    assert "  refused: scan.pdf: read: the PDF has no text layer" in err
    assert sorted(r["source"] for r in stored(store)) == ["quanzhou.docx", "shanwei.txt"]


def test_max_size_lets_a_larger_file_in(tmp_path: Path) -> None:
    store = tmp_path / "store"
    sample = CORPUS / "001_0fbb60d79ac4499f.txt"
    code, _, err = run(store, "ingest", "--max-size", "0.01", str(sample))
    assert code == 1
    assert "over the limit of 0" in err
    assert run(store, "ingest", "--max-size", "1", str(sample))[0] == 0


def test_unreachable_remote_store_stops_with_one_line_and_the_summary(tmp_path: Path) -> None:
    from oxigraph_server import free_port

    endpoint = f"http://127.0.0.1:{free_port()}/query"
    result = runner.invoke(app, ["--endpoint", endpoint, "ingest", str(CORPUS)])
    lines = result.stderr.splitlines()
    assert result.exit_code == 2
    assert [line for line in lines if line.startswith("error:")] == [
        f"error: store: {endpoint}: unreachable (Connection refused); stopped after 0 of 5 document(s)"]
    assert f"ingested 0 of 5 document(s) into {endpoint}; 5 not attempted" in lines


def test_search_prints_a_table_or_the_json_of_the_service(corpus_store_path: Path) -> None:
    """`policykg search` ranks the stored measures as /search does: a readable table, or --json."""
    query = "企业拿专利作抵押借钱，政府帮忙承担一部分利钱"
    code, out, _ = run(corpus_store_path, "search", query, "--limit", "3")
    assert code == 0
    assert "about: PledgeFinancing" in out
    assert " 1. 开展知识产权质押融资贴息" in out
    assert "泉政文〔2021〕70号" in out
    assert "最高20万元" in out
    code, out, _ = run(corpus_store_path, "search", "说和", "--jurisdiction", "福州", "--json")
    answer = json.loads(out)
    assert code == 0
    assert answer["hits"]
    assert {hit["jurisdiction"] for hit in answer["hits"]} == {"福州市"}
    assert "MediationArbitration" in answer["topics"]
    assert answer["facets"]["validity"]


def test_search_keeps_the_index_beside_the_store_for_the_next_call(tmp_path: Path) -> None:
    """The service keeps its index the same way: a call reads only documents ingested since."""
    store = tmp_path / "store"
    assert run(store, "ingest", str(CORPUS / "001_0fbb60d79ac4499f.txt"))[0] == 0
    first = run(store, "search", "质押融资贴息", "--json")
    kept = path_for(store)
    assert first[0] == 0
    assert kept.is_file()
    modified = kept.stat().st_mtime_ns
    assert run(store, "search", "质押融资贴息", "--json") == first
    assert kept.stat().st_mtime_ns == modified, "nothing changed, nothing written"


def test_search_without_words_or_filter_is_one_error_line(corpus_store_path: Path) -> None:
    code, _, err = run(corpus_store_path, "search", "")
    assert code == 2
    assert err.strip() == "error: search: give words to search for, or a filter"


def test_a_field_that_disagrees_with_the_text_is_a_warning_line(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    text = (CORPUS / "001_0fbb60d79ac4499f.txt").read_text(encoding="utf-8")
    page.write_text("发文字号：泉政文〔2021〕71号\n" + text, encoding="utf-8")
    code, _, err = run(tmp_path / "store", "ingest", str(page))
    assert code == 0
    assert ("warning: page.txt: metadata: 发文字号 '泉政文〔2021〕71号' of the labelled fields differs from "
            "'泉政文〔2021〕70号' in the text; the field is kept") in err.splitlines()


def policykg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, as a user runs it (options after the command's name included)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_")} | (env or {})
    return subprocess.run([sys.executable, "-c", "from service.cli import main; main()", *args],
                          capture_output=True, text=True, env=environment, timeout=120,
                          cwd=Path(__file__).resolve().parent.parent)


@pytest.mark.parametrize(("args", "env", "line"), [
    (("query", "nosuch.rq"), {}, "error: nosuch.rq: query: no such file"),
    (("query", "INSERT DATA { <http://a> <http://b> <http://c> }"), {},
     "error: query text: query: SPARQL Update is refused: policykg query only reads the store"),
    (("query", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"), {},
     "error: query text: query: SERVICE <http://127.0.0.1:9/> is not allowed"),
    (("query", "ASK " + "{" * 100 + "}" * 100), {}, "error: query text: query: the query nests groups"),
    (("query", "SELECT * WHERE { ?s ?p }"), {}, "error: query text: query: SPARQL syntax error: "),
    (("documents",), {"POLICYKG_QUERY_TIMEOUT": "ten"},
     "error: settings: POLICYKG_QUERY_TIMEOUT='ten': not a number of seconds"),
    (("documents",), {"POLICYKG_RESULT_LIMIT": "1e3"},
     "error: settings: POLICYKG_RESULT_LIMIT='1e3': not a whole number"),
    (("documents",), {"POLICYKG_SPARQL_ENDPOINT": "localhost:7878/query"},
     "error: settings: POLICYKG_SPARQL_ENDPOINT (--endpoint): 'localhost:7878/query' is not an http"),
    (("serve", "--query-workers", "0"), {},
     "error: settings: POLICYKG_QUERY_WORKERS (--query-workers): 0 is out of range (1 to 64)"),
    (("queries", "targets-by-indicator", "--param", "indicator"), {},
     "error: queries: targets-by-indicator: --param takes NAME=VALUE, not 'indicator'"),
    (("queries", "targets-by-indicator", "--param", "colour=red"), {},
     "error: queries: targets-by-indicator: unknown parameter 'colour'"),
])
def test_a_users_mistake_is_one_line_without_a_traceback(tmp_path: Path, args: tuple[str, ...],
                                                          env: dict[str, str], line: str) -> None:
    run = policykg(*args, "--store", str(tmp_path / "store"), env=env)
    assert run.returncode in (1, 2)
    assert len(run.stderr.splitlines()) == 1, run.stderr
    assert run.stderr.startswith(line), run.stderr


def test_store_options_go_before_or_after_the_command(tmp_path: Path) -> None:
    sample = sorted(CORPUS.glob("*.txt"))[0]
    assert policykg("ingest", str(sample), "--store", str(tmp_path / "store")).returncode == 0
    query = "ASK { ?p a <https://w3id.org/policykg/def#Policy> }"
    after = policykg("query", query, f"--store={tmp_path / 'store'}")
    before = policykg("--store", str(tmp_path / "store"), "query", query)
    elsewhere = policykg("query", query, "--store", str(tmp_path / "empty"))
    assert (after.stdout, before.stdout, elsewhere.stdout) == ("true\n", "true\n", "false\n")
