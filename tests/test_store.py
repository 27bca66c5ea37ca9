"""store: atomic replace, catalogue, citation links, load and query on the embedded Oxigraph store."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from ingest.errors import IngestError
from ingest.pipeline import build, document_graph
from ingest.record import Incentive, Jurisdiction, Measure, PolicyRecord
from ingest.store import DocumentWrite, Solutions
from ingest.store.copies import StoredCopy, StoredWork, plan_copies, same_works
from ingest.store.embedded import EmbeddedStore
from ingest.vocab import CATALOG_GRAPH, ELI, ENTITIES_GRAPH, LINKS_GRAPH, PKG
from ingest.write import DocumentGraph, store_document, store_documents

PLACE = Jurisdiction(name="某市", level="city", province="某省")
MEASURE = Measure(path=("一",), title="加强创造", text="加强创造。", span=(0, 5))
CITING = PolicyRecord(source="a.txt", title="某市知识产权工作方案", doc_number="某政〔2022〕1号",
                      jurisdiction=PLACE, measures=(MEASURE,), cites=("某政办[2020]7号",),
                      repeals=("某市专利资助办法",))
CITED = PolicyRecord(source="b.txt", title="某市专利资助办法", doc_number="某政办〔2020〕7号",
                     jurisdiction=PLACE, measures=(MEASURE,))


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    return EmbeddedStore(tmp_path / "store")


def put(store: EmbeddedStore, record: PolicyRecord) -> DocumentGraph:
    built = document_graph(record, None)
    store_document(store, built)
    return built


def count(store: EmbeddedStore, graph: str = "?g") -> int:
    """Triples in one named graph (an IRI) or in all of them."""
    name = graph if graph == "?g" else f"<{graph}>"
    result = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }}")
    assert isinstance(result, Solutions)
    return int(str(result.rows[0]["n"]))


def links(store: EmbeddedStore) -> set[tuple[str, str, str]]:
    result = store.query(f"SELECT ?a ?r ?b WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?a ?r ?b }} }}")
    assert isinstance(result, Solutions)
    return {(str(r["a"]), str(r["r"]), str(r["b"])) for r in result.rows}


def test_corpus_catalogue(ingested_store: EmbeddedStore, corpus_graphs: dict[str, DocumentGraph]) -> None:
    entries = ingested_store.documents()
    assert [e.source for e in entries] == sorted(corpus_graphs)
    for entry in entries:
        built = corpus_graphs[entry.source]
        assert entry.triples == len(built.graph)
        assert entry.graph == str(built.graph_iri)
        assert count(ingested_store, entry.graph) == entry.triples


def test_catalogue_keeps_the_policy_keys(ingested_store: EmbeddedStore,
                                         corpus_graphs: dict[str, DocumentGraph]) -> None:
    """Ingest finds a cited policy by the catalogue's copy of its keys, not among all citations."""
    for built in corpus_graphs.values():
        policy = built.graph.value(None, RDF.type, PKG.Policy)
        own = {str(built.graph.value(policy, key)) for key in (PKG.numberKey, PKG.titleKey)} - {"None"}
        keys = rows(ingested_store, f"SELECT ?k WHERE {{ GRAPH <{CATALOG_GRAPH}> {{ <{built.graph_iri}> "
                                    f"<{PKG.topicNumberKey}>|<{PKG.topicTitleKey}> ?k }} }}")
        assert own
        assert {r["k"] for r in keys} == own


def rows(store: EmbeddedStore, query: str) -> list[dict[str, str]]:
    result = store.query(query)
    assert isinstance(result, Solutions)
    return [{name: str(term) for name, term in row.items()} for row in result.rows]


def test_no_triple_in_two_graphs(ingested_store: EmbeddedStore,
                                 corpus_graphs: dict[str, DocumentGraph]) -> None:
    """The union default graph repeats a triple stored in two graphs, so none is."""
    repeated = rows(ingested_store, "SELECT ?s ?p ?o (COUNT(?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                                    "GROUP BY ?s ?p ?o HAVING (COUNT(?g) > 1) LIMIT 5")
    assert repeated == []
    shared = rows(ingested_store, f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ "
                                  f"GRAPH <{ENTITIES_GRAPH}> {{ ?unit a <{PKG.ResponsibleUnit}> }} "
                                  f"GRAPH ?g {{ ?measure <{PKG.responsibleUnit}> ?unit }} }}")
    with_units = [b for b in corpus_graphs.values() if any(m.responsible_units for m in b.record.measures)]
    assert int(shared[0]["n"]) == len(with_units) > 1


def test_plain_counts_over_the_default_graph(ingested_store: EmbeddedStore) -> None:
    """What an analyst writes without GRAPH counts each organ and each label once."""
    organs = rows(ingested_store, f"SELECT (COUNT(?u) AS ?all) (COUNT(DISTINCT ?u) AS ?distinct) "
                                  f"WHERE {{ ?u a <{PKG.ResponsibleUnit}> }}")[0]
    assert organs["all"] == organs["distinct"]
    assert int(organs["all"]) > 20
    labels = rows(ingested_store, f"SELECT ?place ?label WHERE {{ ?place a <{PKG.Jurisdiction}> ; "
                                  "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    assert len(labels) == len({(r["place"], r["label"]) for r in labels})
    assert "泉州市" in {r["label"] for r in labels}


def test_batch_equals_one_by_one(tmp_path: Path, corpus_files: list[Path],
                                 corpus_graphs: dict[str, DocumentGraph]) -> None:
    one, many = EmbeddedStore(tmp_path / "one"), EmbeddedStore(tmp_path / "many")
    for path in corpus_files:
        store_document(one, corpus_graphs[path.name])
    entries = store_documents(many, [corpus_graphs[path.name] for path in corpus_files])
    assert [e.source for e in entries if not isinstance(e, IngestError)] == [p.name for p in corpus_files]
    quads = f"SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{CATALOG_GRAPH}>) }}"
    assert sorted(map(str, rows(one, quads))) == sorted(map(str, rows(many, quads)))


def test_refused_batch_falls_back_to_single_documents(store: EmbeddedStore, corpus_files: list[Path]) -> None:
    """A document the engine refuses (an IRI with a tab) stays out; the rest of its batch lands."""
    good, odd = build(corpus_files[0]), build(corpus_files[1])
    broken = Graph(identifier=odd.graph_iri)
    broken += odd.graph
    broken.add((URIRef("http://example.org/s"), URIRef("http://example.org/p"), URIRef("http://example.org/a\tb")))
    results = store_documents(store, [replace(odd, graph=broken), good])
    assert isinstance(results[0], IngestError)
    assert results[0].stage == "store"
    assert [e.source for e in store.documents()] == [corpus_files[0].name]


def test_removing_documents_drops_entities_no_one_links(store: EmbeddedStore) -> None:
    put(store, CITING)
    put(store, CITED)
    entities = count(store, str(ENTITIES_GRAPH))
    assert entities > 0
    store.remove("a.txt")
    assert count(store, str(ENTITIES_GRAPH)) == entities
    store.remove("b.txt")
    assert count(store, str(ENTITIES_GRAPH)) == 0


def test_query_forms(ingested_store: EmbeddedStore) -> None:
    assert ingested_store.query("ASK { ?p a <https://w3id.org/policykg/def#Policy> }") is True
    graph = ingested_store.query("CONSTRUCT { ?p ?x ?t } WHERE { ?p ?x ?t ; "
                                 "a <https://w3id.org/policykg/def#Policy> "
                                 "FILTER(?x = <http://data.europa.eu/eli/ontology#title>) }")
    assert isinstance(graph, Graph)
    assert len(graph) == 5
    bound = ingested_store.query("SELECT ?p ?n WHERE { ?p <http://data.europa.eu/eli/ontology#id_local> ?n }",
                                 {"n": Literal("泉政文〔2021〕70号")})
    assert isinstance(bound, Solutions)
    assert len(bound.rows) == 1


def test_ingest_twice_same_count(store: EmbeddedStore) -> None:
    put(store, CITING)
    put(store, CITED)
    before = count(store)
    put(store, CITING)
    put(store, CITED)
    assert count(store) == before
    assert len(store.documents()) == 2


def test_reingest_replaces(store: EmbeddedStore) -> None:
    put(store, CITING)
    changed = replace(CITING, measures=(replace(MEASURE, title="强化保护"),))
    put(store, changed)
    titles = store.query("SELECT ?t WHERE { ?m <http://purl.org/dc/terms/title> ?t }")
    assert isinstance(titles, Solutions)
    assert [str(r["t"]) for r in titles.rows] == ["强化保护"]


def test_same_source_with_new_iri_replaces_old_graph(store: EmbeddedStore) -> None:
    first = put(store, CITING)
    second = put(store, replace(CITING, doc_number=None))
    assert first.graph_iri != second.graph_iri
    assert [e.graph for e in store.documents()] == [str(second.graph_iri)]
    assert count(store, str(first.graph_iri)) == 0


def test_invalid_document_leaves_store_unchanged(store: EmbeddedStore) -> None:
    put(store, CITING)
    before, entries = count(store), store.documents()
    bad = replace(CITING, measures=(replace(MEASURE, incentives=(Incentive("subsidy", rate=1.5),)),))
    with pytest.raises(IngestError, match=r"a\.txt: validate: 1 SHACL violation"):
        put(store, bad)
    assert count(store) == before
    assert store.documents() == entries


@pytest.mark.parametrize("order", [(CITING, CITED), (CITED, CITING)])
def test_citation_links_both_ways(store: EmbeddedStore, order: tuple[PolicyRecord, PolicyRecord]) -> None:
    built = {r.source: put(store, r) for r in order}
    citing = str(built["a.txt"].graph_iri).removesuffix("/graph")
    cited = str(built["b.txt"].graph_iri).removesuffix("/graph")
    assert links(store) == {(citing, str(ELI.cites), cited), (citing, str(ELI.repeals), cited)}
    assert store.remove("b.txt").graphs == 1
    assert links(store) == set()


@pytest.mark.parametrize("how", ["source", "graph", "policy"])
def test_remove(store: EmbeddedStore, how: str) -> None:
    built = put(store, CITING)
    put(store, CITED)
    name = {"source": "a.txt", "graph": str(built.graph_iri),
            "policy": str(built.graph_iri).removesuffix("/graph")}[how]
    assert store.remove(name).graphs == 1
    assert [e.source for e in store.documents()] == ["b.txt"]
    assert count(store, str(built.graph_iri)) == 0
    assert store.remove(name).graphs == 0


def test_load_replaces_a_named_graph(store: EmbeddedStore, tmp_path: Path) -> None:
    vocabulary = tmp_path / "mine.ttl"
    vocabulary.write_text('<urn:x:a> <urn:x:label> "甲", "乙" .\n', encoding="utf-8")
    graph = URIRef("urn:x:graph")
    assert store.load(vocabulary, graph) == 2
    vocabulary.write_text('<urn:x:a> <urn:x:label> "丙" .\n', encoding="utf-8")
    assert store.load(vocabulary, graph) == 1
    assert count(store, "urn:x:graph") == 1
    with pytest.raises(ValueError, match="kept by the store itself"):
        store.load(vocabulary, CATALOG_GRAPH)


def test_store_persists(tmp_path: Path) -> None:
    first = EmbeddedStore(tmp_path / "s")
    put(first, CITED)
    first.close()
    again = EmbeddedStore(tmp_path / "s")
    assert [e.source for e in again.documents()] == ["b.txt"]
    again.close()


def test_closing_leaves_no_write_ahead_log(tmp_path: Path) -> None:
    """The data lives in the flushed tables, not in a log that every reader would skip or replay."""
    opened = EmbeddedStore(tmp_path / "s")
    put(opened, CITED)
    put(opened, CITING)
    opened.close()
    assert sum(log.stat().st_size for log in (tmp_path / "s").glob("*.log")) == 0
    again = EmbeddedStore(tmp_path / "s")
    assert sorted(e.source for e in again.documents()) == ["a.txt", "b.txt"]
    again.close()


@pytest.mark.parametrize("order", [(CITING, CITED), (CITED, CITING)])
def test_citation_links_within_one_batch(store: EmbeddedStore,
                                        order: tuple[PolicyRecord, PolicyRecord]) -> None:
    """Documents written in one transaction link to each other as if written one after the other."""
    built = {r.source: document_graph(r, None) for r in order}
    store.replace_many([built[r.source].write() for r in order])
    citing = str(built["a.txt"].graph_iri).removesuffix("/graph")
    cited = str(built["b.txt"].graph_iri).removesuffix("/graph")
    assert links(store) == {(citing, str(ELI.cites), cited), (citing, str(ELI.repeals), cited)}


def test_batch_replacing_a_cited_document_relinks_it(store: EmbeddedStore) -> None:
    put(store, CITING)
    put(store, CITED)
    renamed = document_graph(replace(CITED, title="某市商标资助办法", doc_number="某政办〔2021〕9号"), None)
    other = document_graph(replace(CITED, source="c.txt", doc_number=None), None)
    store.replace_many([renamed.write(), other.write()])
    citing = str(document_graph(CITING, None).graph_iri).removesuffix("/graph")
    assert links(store) == {(citing, str(ELI.repeals), str(other.graph_iri).removesuffix("/graph"))}
    assert sorted(e.source for e in store.documents()) == ["a.txt", "b.txt", "c.txt"]


def test_same_source_twice_in_a_batch_keeps_the_last(store: EmbeddedStore) -> None:
    first, second = document_graph(CITING, None), document_graph(replace(CITING, doc_number=None), None)
    store.replace_many([first.write(), second.write()])
    assert [e.graph for e in store.documents()] == [str(second.graph_iri)]
    assert count(store, str(first.graph_iri)) == 0


def test_catalogue_of_an_earlier_store_is_completed(store: EmbeddedStore) -> None:
    """A store written before the catalogue kept policy keys links new citations once completed."""
    put(store, CITED)
    keys = f"VALUES ?key {{ <{PKG.topicNumberKey}> <{PKG.topicTitleKey}> }}"
    store.update(f"DELETE {{ GRAPH <{CATALOG_GRAPH}> {{ ?g ?key ?v }} }} "
                 f"WHERE {{ {keys} GRAPH <{CATALOG_GRAPH}> {{ ?g ?key ?v }} }}")
    put(store, CITING)
    assert links(store) == set()
    assert store.complete_catalogue() is True
    assert store.complete_catalogue() is False
    put(store, CITING)
    citing, cited = (str(document_graph(r, None).graph_iri).removesuffix("/graph") for r in (CITING, CITED))
    assert links(store) == {(citing, str(ELI.cites), cited), (citing, str(ELI.repeals), cited)}


def _write(source: str, triples: int, partial: str | None = None, policy: str = "urn:p") -> DocumentWrite:
    return DocumentWrite(URIRef(f"{policy}/graph"), source, "", triples, URIRef(policy), partial=partial)


def _stored(source: str, triples: int, primary: bool, partial: bool = False) -> StoredCopy:
    graph = "urn:p/graph" if primary else f"urn:p/copy/{source}/graph"
    return StoredCopy(graph, source, "urn:p", (not partial, triples), primary)


@pytest.mark.parametrize(("stored", "writes", "primaries", "copies", "copy_of", "kept"), [
    # a partial copy after the whole one is held; the whole one stays
    ([_stored("full", 1500, True)], [_write("cut", 11, "cut")], [], ["cut"], {"cut": "full"}, {}),
    # the whole one after a partial one takes its place, the partial one is held
    ([_stored("cut", 11, True, partial=True)], [_write("full", 1500)], ["full"], ["cut"], {},
     {"full": ("cut",)}),
    # a whole copy with fewer facts does not replace a fuller one, nor does an equal one
    ([_stored("a", 1500, True)], [_write("b", 900)], [], ["b"], {"b": "a"}, {}),
    ([_stored("a", 1500, True)], [_write("b", 1500)], [], ["b"], {"b": "a"}, {}),
    # a re-ingest of the fact-bearing file replaces it; held copies stay as they are
    ([_stored("a", 1500, True), _stored("b", 900, False)], [_write("a", 1400)], ["a"], [], {}, {}),
    # …unless a held copy is now fuller: it supplies the facts, the re-ingested file is held
    ([_stored("a", 1500, True), _stored("b", 900, False)], [_write("a", 20, "cut")], ["b"], ["a"],
     {"a": "b"}, {}),
    # two copies in one batch
    ([], [_write("cut", 11, "cut"), _write("full", 1500)], ["full"], ["cut"], {"cut": "full"},
     {"full": ("cut",)}),
    # another policy: nothing to do with copies
    ([_stored("a", 1500, True)], [_write("c", 10, policy="urn:q")], ["c"], [], {}, {}),
])
def test_plan_copies(stored: list[StoredCopy], writes: list[DocumentWrite], primaries: list[str],
                     copies: list[str], copy_of: dict[str, str], kept: dict[str, tuple[str, ...]]) -> None:
    plan = plan_copies(writes, stored)
    assert [p.source for p in plan.primaries] == primaries
    assert [c.source for c in plan.copies] == copies
    assert (plan.copy_of, plan.kept_as_copies) == (copy_of, kept)


def test_a_copy_without_its_number_joins_the_numbered_policy(store: EmbeddedStore, tmp_path: Path) -> None:
    """A repost that lost the 发文字号 names its work by title: it joins the stored policy of that
    jurisdiction and title, in either order, and a policy of another number stays apart."""
    whole = Path(__file__).resolve().parent.parent / "corpus" / "001_0fbb60d79ac4499f.txt"
    text = whole.read_text(encoding="utf-8")
    repost = tmp_path / "repost.txt"
    repost.write_text(text.replace("泉政文〔2021〕70号", "", 1), encoding="utf-8")
    assert build(repost).graph_iri != build(whole).graph_iri
    for first, second in ((whole, repost), (repost, whole)):
        for entry in store.documents():
            store.remove(entry.source)
        store_document(store, build(first))
        added = store_document(store, build(second))
        assert added.policy == str(build(first).graph_iri).removesuffix("/graph")
        assert len({e.policy for e in store.documents()}) == 1
        assert len(store.documents()) == 2
    other = tmp_path / "other.txt"
    other.write_text(text.replace("泉政文〔2021〕70号", "泉政文〔2022〕9号", 1), encoding="utf-8")
    assert store_document(store, build(other)).copy_of is None
    assert len({e.policy for e in store.documents()}) == 2


@pytest.mark.parametrize(("stored", "number", "issued", "joins"), [
    (StoredWork("urn:id/policy/350500/n-1", "T", "N1", "2021-12-23", "a.txt"), None, None, True),
    (StoredWork("urn:id/policy/350500/t-1", "T", None, "2021-12-23", "a.txt"), "N1", "2021-12", True),
    (StoredWork("urn:id/policy/350500/n-1", "T", "N1", None, "a.txt"), "N2", None, False),
    (StoredWork("urn:id/policy/350500/n-1", "T", None, "2021-12-23", "a.txt"), None, "2022-12-23", False),
    (StoredWork("urn:id/policy/350600/n-1", "T", "N1", None, "a.txt"), None, None, False),
])
def test_same_works(stored: StoredWork, number: str | None, issued: str | None, joins: bool) -> None:
    keys = ((PKG.titleKey, Literal("T")), *(((PKG.numberKey, Literal(number)),) if number else ()))
    write = DocumentWrite(URIRef("urn:id/policy/350500/t-2/graph"), "b.txt",
                          "<urn:id/policy/350500/t-2> <urn:p> <urn:id/policy/350500/t-2/source> .",
                          1, URIRef("urn:id/policy/350500/t-2"), keys=keys, issued=issued)
    moved = same_works([write], [stored])[0]
    assert (str(moved.policy) == stored.policy) == joins
    if joins:
        assert moved.ntriples == f"<{stored.policy}> <urn:p> <{stored.policy}/source> ."
        assert moved.graph_iri == URIRef(f"{stored.policy}/graph")
