"""Per-document lifecycle on both stores: ingest, replace, remove, list; atomic under failure and kill.

Every case runs on the embedded store, on a real Oxigraph server and on Virtuoso. The kill test ingests a
new version of the corpus (every year one later) with the `policykg` command and kills it with
SIGKILL part-way; every document must then be exactly its old graph or exactly its new one.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from engines import ENGINES, Engine, engine_server
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from ingest.ontology import ONTOLOGY_GRAPH
from ingest.pipeline import build, ingest_file
from ingest.store import Solutions, Store
from ingest.store.embedded import EmbeddedStore
from ingest.store.remote import RemoteStore
from ingest.store.updates import RESERVED_GRAPHS
from ingest.write import DocumentGraph

POLICYKG = str(Path(sys.executable).parent / "policykg")
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


class StoreSite:
    """Where one store lives: how to open it here and how to point the `policykg` command at it."""

    def __init__(self, path: Path, engine: Engine | None) -> None:
        self.path, self.engine = path, engine

    def open(self) -> Store:
        if self.engine:
            return RemoteStore(self.engine.query, self.engine.update)
        return EmbeddedStore(self.path)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_")}
        env["POLICYKG_STORE"] = str(self.path)
        if self.engine:
            env["POLICYKG_SPARQL_ENDPOINT"] = self.engine.query
            env["POLICYKG_SPARQL_UPDATE_ENDPOINT"] = self.engine.update
        return env


@pytest.fixture(params=["embedded", *ENGINES])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreSite]:
    """A fresh, empty store of each kind for every case."""
    if request.param == "embedded":
        yield StoreSite(tmp_path / "store", None)
        return
    with engine_server(request.param, tmp_path / "server") as engine:
        yield StoreSite(tmp_path / "unused", engine)


@pytest.fixture(scope="module")
def new_corpus(tmp_path_factory: pytest.TempPathFactory, corpus_files: list[Path]) -> list[Path]:
    """The corpus one year later: every 20xx年 incremented, so most graphs differ in their literals."""
    folder = tmp_path_factory.mktemp("new-corpus")
    for path in corpus_files:
        text = path.read_text(encoding="utf-8")
        shifted = re.sub(r"(20\d\d)(?=年)", lambda m: str(int(m.group(1)) + 1), text)
        (folder / path.name).write_text(shifted, encoding="utf-8")
    return sorted(folder.glob("*.txt"))


@pytest.fixture(scope="module")
def new_graphs(new_corpus: list[Path]) -> dict[str, DocumentGraph]:
    return {path.name: build(path) for path in new_corpus}


def stored_graph(store: Store, graph: str) -> Graph:
    """One named graph as stored, xsd:string literals plain as rdflib builds them (the same in RDF 1.1)."""
    result = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(result, Graph)
    plain = Graph()
    for s, p, o in result:
        plain.add((s, p, Literal(str(o)) if isinstance(o, Literal) and o.datatype == XSD_STRING else o))
    return plain


def named_graphs(store: Store) -> set[str]:
    """The document graphs; not the store's own, nor the engine's (Virtuoso keeps its schema in graphs)."""
    result = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(result, Solutions)
    ours = {str(row["g"]) for row in result.rows if str(row["g"]).startswith("https://w3id.org/policykg/")}
    return ours - {str(g) for g in (*RESERVED_GRAPHS, ONTOLOGY_GRAPH)}


def test_ingest_replace_remove_list(site: StoreSite, corpus_files: list[Path],
                                    corpus_graphs: dict[str, DocumentGraph]) -> None:
    store = site.open()
    try:
        first = [ingest_file(store, path) for path in corpus_files]
        listed = store.documents()
        assert [(e.source, e.triples) for e in listed] == \
               [(name, len(corpus_graphs[name].graph)) for name in sorted(corpus_graphs)]
        again = ingest_file(store, corpus_files[0])
        assert again.ingested >= first[0].ingested
        assert len(store.documents()) == len(corpus_files)
        assert named_graphs(store) == {e.graph for e in listed}
        assert store.remove(corpus_files[0].name).graphs == 1
        assert store.remove(corpus_files[0].name).graphs == 0
        assert first[0].graph not in named_graphs(store)
        assert [e.source for e in store.documents()] == [p.name for p in corpus_files[1:]]
        assert store.remove(str(first[1].policy)).graphs == 1
        assert len(store.documents()) == len(corpus_files) - 2
    finally:
        store.close()


def test_failed_replace_keeps_previous_graph(site: StoreSite, corpus_files: list[Path],
                                             corpus_graphs: dict[str, DocumentGraph]) -> None:
    """A write the engine refuses (an IRI with a tab, after the graph's own triples) changes nothing."""
    store = site.open()
    try:
        entry = ingest_file(store, corpus_files[0])
        built = corpus_graphs[corpus_files[0].name]
        broken = Graph(identifier=built.graph_iri)
        broken += built.graph
        odd = URIRef("http://example.org/a\tb")
        broken.add((URIRef("http://example.org/s"), URIRef("http://example.org/p"), odd))
        with pytest.raises((OSError, SyntaxError, ValueError)):
            store.replace(built.graph_iri, broken, corpus_files[0].name)
        assert [e.ingested for e in store.documents()] == [entry.ingested]
        assert isomorphic(stored_graph(store, entry.graph), built.graph)
    finally:
        store.close()


def test_concurrent_ingest_of_different_documents(site: StoreSite, corpus_files: list[Path],
                                                  corpus_graphs: dict[str, DocumentGraph]) -> None:
    """Remote: separate `policykg ingest` processes; embedded (one writer process): threads."""
    halves = [corpus_files[::2], corpus_files[1::2]]
    if site.engine:
        runs = [subprocess.Popen([POLICYKG, "ingest", *map(str, half)], env=site.env(),
                                 stderr=subprocess.PIPE) for half in halves]
        assert all(run.wait(timeout=120) == 0 for run in runs), [run.stderr for run in runs]
        store = site.open()
    else:
        store = site.open()
        threads = [threading.Thread(target=lambda h=half: [ingest_file(store, p) for p in h])
                   for half in halves]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    try:
        entries = store.documents()
        assert sorted(e.source for e in entries) == sorted(corpus_graphs)
        for entry in entries:
            assert isomorphic(stored_graph(store, entry.graph), corpus_graphs[entry.source].graph)
    finally:
        store.close()


@pytest.mark.parametrize("after", [1, 3])
def test_killed_ingest_leaves_documents_old_or_new(
        site: StoreSite, after: int, corpus_files: list[Path], corpus_graphs: dict[str, DocumentGraph],
        new_corpus: list[Path], new_graphs: dict[str, DocumentGraph]) -> None:
    store = site.open()
    for path in corpus_files:
        ingest_file(store, path)
    store.close()
    run = subprocess.Popen([POLICYKG, "ingest", str(new_corpus[0].parent)], env=site.env(),
                           stderr=subprocess.PIPE, text=True)
    assert run.stderr is not None
    progress = ""
    while max(map(int, re.findall(r"(\d+)/\d+", progress)), default=0) < after and run.poll() is None:
        progress += run.stderr.read(1)
    if run.poll() is None:
        os.kill(run.pid, signal.SIGKILL)
    run.wait()
    if after == 1:
        assert run.returncode == -signal.SIGKILL, "the ingest ended before it could be killed"
    store = site.open()
    try:
        entries = store.documents()
        assert sorted(e.source for e in entries) == sorted(corpus_graphs)
        assert named_graphs(store) == {e.graph for e in entries}
        kinds = []
        for entry in entries:
            stored = stored_graph(store, entry.graph)
            assert entry.triples == len(stored)
            old, new = corpus_graphs[entry.source].graph, new_graphs[entry.source].graph
            assert isomorphic(stored, old) or isomorphic(stored, new), entry.source
            kinds.append("new" if isomorphic(stored, new) else "old")
        assert "new" in kinds
    finally:
        store.close()


QUANZHOU = "001_0fbb60d79ac4499f.txt"


@pytest.fixture(scope="module")
def quanzhou_repost(tmp_path_factory: pytest.TempPathFactory, corpus_files: list[Path]) -> Path:
    """The first 363 bytes of the 泉州 policy under another name, as a repost site cut it off."""
    path = tmp_path_factory.mktemp("repost") / "quanzhou-repost.txt"
    whole = next(p for p in corpus_files if p.name == QUANZHOU).read_bytes()
    path.write_bytes(whole[:363].decode("utf-8", "ignore").encode("utf-8"))
    return path


@pytest.mark.parametrize("full_first", [True, False], ids=["full-first", "partial-first"])
def test_a_second_copy_never_replaces_a_fuller_one(site: StoreSite, corpus_files: list[Path],
                                                   corpus_graphs: dict[str, DocumentGraph],
                                                   quanzhou_repost: Path, full_first: bool) -> None:
    """One policy, two files: the whole copy supplies the facts whichever came first, the partial
    one is held and says so; removing either copy leaves the other, which then supplies them."""
    full = next(p for p in corpus_files if p.name == QUANZHOU)
    repost = build(quanzhou_repost)
    assert repost.record.partial
    assert repost.graph_iri == corpus_graphs[QUANZHOU].graph_iri
    store = site.open()
    try:
        first, second = (full, quanzhou_repost) if full_first else (quanzhou_repost, full)
        ingest_file(store, first)
        added = ingest_file(store, second)
        if full_first:
            assert added.copy_of == QUANZHOU
            assert added.partial == repost.record.partial
        else:
            assert added.kept_as_copies == (quanzhou_repost.name,)
            assert added.copy_of is None
        facts = str(corpus_graphs[QUANZHOU].graph_iri)
        entries = {e.source: e for e in store.documents()}
        assert set(entries) == {QUANZHOU, quanzhou_repost.name}
        assert entries[QUANZHOU].graph == facts
        assert entries[QUANZHOU].partial is None
        assert entries[quanzhou_repost.name].copy_of == QUANZHOU
        assert entries[quanzhou_repost.name].partial == repost.record.partial
        assert isomorphic(stored_graph(store, facts), corpus_graphs[QUANZHOU].graph)
        assert named_graphs(store) == {e.graph for e in entries.values()}

        removed = store.remove(quanzhou_repost.name)
        assert removed.graphs == 1
        assert not removed.promoted
        assert isomorphic(stored_graph(store, facts), corpus_graphs[QUANZHOU].graph)
        ingest_file(store, quanzhou_repost)
        removed = store.remove(QUANZHOU)
        assert removed.graphs == 1
        assert [e.source for e in removed.promoted] == [quanzhou_repost.name]
        assert [(e.source, e.graph) for e in store.documents()] == [(quanzhou_repost.name, facts)]
        assert isomorphic(stored_graph(store, facts), repost.graph)
        assert named_graphs(store) == {facts}
    finally:
        store.close()
