"""Curated queries: strict headers, typed parameters, safe binding, and right rows over the corpus."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import XSD
from typer.testing import CliRunner

from bench.generate import document
from bench.run import same_rows
from ingest.ontology import ONTOLOGY_GRAPH, load_ontology
from ingest.pipeline import ingest_file
from ingest.store import Solutions
from ingest.store.embedded import EmbeddedStore
from service.cli import app as cli
from service.curated import (
    CuratedQuery,
    HeaderError,
    Parameter,
    ParameterError,
    load_library,
    paged,
    parse_query,
)

LIBRARY = load_library()
GOOD = """#+ title: Targets
#+ description: Targets of one indicator,
#+   in every city.
#+ param indicator: iri
#+   namespace: https://w3id.org/policykg/def/indicator/
#+   default: inventionPatentsPer10k
#+ param year: year
PREFIX pkg: <https://w3id.org/policykg/def#>
SELECT ?target ?indicator ?year WHERE { ?target pkg:indicator ?indicator ; pkg:year ?year }
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, corpus_files: list[Path]) -> Iterator[EmbeddedStore]:
    """The corpus and the vocabulary graph, as `policykg ingest` leaves them."""
    opened = EmbeddedStore(tmp_path_factory.mktemp("curated") / "store")
    for file in corpus_files:
        ingest_file(opened, file)
    load_ontology(opened)
    yield opened
    opened.close()


def run(store: EmbeddedStore, name: str, limit: int = 1000, **raw: str) -> list[dict[str, str]]:
    query = LIBRARY[name]
    result = store.query(paged(query.sparql, limit, 0), query.bind(raw))
    assert isinstance(result, Solutions)
    return [{k: str(v) for k, v in row.items()} for row in result.rows]


def test_header_is_parsed() -> None:
    query = parse_query("targets", GOOD)
    assert (query.title, query.description) == ("Targets", "Targets of one indicator, in every city.")
    assert [(p.name, p.type, p.default) for p in query.parameters] == [
        ("indicator", "iri", "inventionPatentsPer10k"), ("year", "year", None)]


def test_a_chinese_description_goes_on_without_a_space_between_characters() -> None:
    """People read the Chinese description (pages, the API docs); API clients keep the English one."""
    query = parse_query("targets", GOOD.replace("#+ description:", "#+ description zh: 某一指标在各城市的\n"
                                                "#+   目标，及 2025 年\n#+   value。\n#+ description:", 1))
    assert query.description_zh == "某一指标在各城市的目标，及 2025 年 value。"
    assert query.description == "Targets of one indicator, in every city."


@pytest.mark.parametrize(("text", "complaint"), [
    ("SELECT ?s { ?s ?p ?o }", "title"),
    ("#+ title: T\nSELECT ?s { ?s ?p ?o }", "description"),
    ("#+ title: T\n#+ title: U\n#+ description: D\nSELECT ?s { ?s ?p ?o }", "title"),
    ("#+ title: T\n#+ description: D\n#+ author: me\nSELECT ?s { ?s ?p ?o }", "author"),
    ("#+ title: T\n#+ description: D\n#+ param s: colour\nSELECT ?s { ?s ?p ?o }", "unknown type"),
    ("#+ title: T\n#+ description: D\n#+ param s: iri\n#+   colour: red\nSELECT ?s { ?s ?p ?o }", "colour"),
    ("#+ title: T\n#+ description: D\n#+ param n: integer\n#+   default: ten\nSELECT ?n { ?s ?p ?n }", "ten"),
    ("#+ title: T\n#+ description: D\n#+ param o: iri\nSELECT ?s { ?s ?p ?o }", "projection"),
    ("#+ title: T\n#+ description: D\nSELECT ?s { ?s ?p ?o } LIMIT 5", "LIMIT"),
    ("#+ title: T\n#+ description: D\nSELECT ?s { ?s ?p ", "syntax"),
    ("#+ title: T\n#+ description: D\nASK { ?s ?p ?o }", "SELECT"),
    ("#+ title: T\n#+ description: D\n#+ param limit: integer\nSELECT ?limit { ?s ?p ?limit }", "reserved"),
    ("#+ title: T\n#+ description: D\n#+ param s: iri\n#+   values from: SELECT ?x { ?x ?p ?o }\n"
     "SELECT ?s { ?s ?p ?o }", "?value"),
])
def test_bad_header_names_the_file(text: str, complaint: str) -> None:
    with pytest.raises(HeaderError) as error:
        parse_query("broken", text)
    assert "broken.rq" in str(error.value)
    assert complaint in str(error.value)


def test_library_stops_at_a_bad_file(tmp_path: Path) -> None:
    (tmp_path / "good.rq").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.rq").write_text("#+ title: no description\nSELECT * {}", encoding="utf-8")
    with pytest.raises(HeaderError, match=r"bad\.rq"):
        load_library(tmp_path)


PARAMETERS = [
    (Parameter("i", "iri", namespace="https://w3id.org/policykg/def/topic/"), "WellKnownBrand",
     URIRef("https://w3id.org/policykg/def/topic/WellKnownBrand")),
    (Parameter("i", "iri"), "https://example.org/x", URIRef("https://example.org/x")),
    (Parameter("c", "label"), "泉州市", Literal("泉州市", lang="zh")),
    (Parameter("s", "string"), "每件", Literal("每件")),
    (Parameter("n", "integer"), "12", Literal(12)),
    (Parameter("d", "decimal"), "0.50", Literal(Decimal("0.5"), datatype=XSD.decimal)),
    (Parameter("y", "year"), "2025", Literal(2025)),
    (Parameter("t", "date"), "2024-12-22", Literal(date(2024, 12, 22), datatype=XSD.date)),
    (Parameter("t", "date"), "today", Literal(date(2030, 1, 2), datatype=XSD.date)),
]


@pytest.mark.parametrize(("parameter", "raw", "term"), PARAMETERS)
def test_values_become_typed_terms(parameter: Parameter, raw: str, term: object) -> None:
    assert parameter.term(raw, today=date(2030, 1, 2)) == term


@pytest.mark.parametrize(("parameter", "raw"), [
    (Parameter("i", "iri"), "not an iri"),
    (Parameter("i", "iri", namespace="https://w3id.org/policykg/def/topic/"), "> } ; DROP ALL #"),
    (Parameter("n", "integer"), "1 OFFSET 5"),
    (Parameter("y", "year"), "202"),
    (Parameter("t", "date"), "2024-13-01"),
    (Parameter("k", "iri", choices=("cites", "repeals")), "mentions"),
])
def test_values_that_do_not_fit_are_refused(parameter: Parameter, raw: str) -> None:
    with pytest.raises(ParameterError):
        parameter.term(raw)


def test_unknown_and_missing_parameters() -> None:
    overview = LIBRARY["policy-overview"]
    with pytest.raises(ParameterError, match="required"):
        overview.bind({})
    with pytest.raises(ParameterError, match="unknown parameter"):
        LIBRARY["targets-by-indicator"].bind({"indicatr": "x"})


def test_every_packaged_query_is_documented() -> None:
    assert len(LIBRARY) >= 10
    for query in LIBRARY.values():
        assert isinstance(query, CuratedQuery)
        assert query.title
        assert len(query.description) > 40
        assert re.match(r"[\u4e00-\u9fff]", query.title_zh), query.name
        assert query.title_en, query.name
        assert len(query.description_zh) > 20, query.name
        assert not re.search(r"[\u4e00-\u9fff，、。] [\u4e00-\u9fff]", query.description_zh), query.name
        assert all(p.doc for p in query.parameters), query.name


def test_vocabulary_graph_holds_the_schemes(store: EmbeddedStore) -> None:
    ask = store.query(f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ "
                      "<https://w3id.org/policykg/def/topic/WellKnownBrand> ?p ?o } }")
    assert ask is True


def test_targets_for_high_value_patents_per_10k(store: EmbeddedStore) -> None:
    rows = run(store, "targets-by-indicator")
    found = {(r["city"], r["value"], r["unit"], r["year"]) for r in rows}
    assert {("泉州市", "4", "件", "2023"), ("福州市", "10", "件", "2025")} <= found
    assert all(r["indicatorLabel"] == "每万人口高价值发明专利拥有量" for r in rows)
    assert all(r["quote"] and r["file"].endswith(".txt") for r in rows)
    quanzhou = [r for r in rows if r["city"] == "泉州市"]
    assert len(quanzhou) == 1
    assert quanzhou[0]["docNumber"] == "泉政文〔2021〕70号"


def test_targets_for_one_city(store: EmbeddedStore) -> None:
    rows = run(store, "targets-by-indicator", city="福州市")
    assert [(r["city"], r["value"]) for r in rows] == [("福州市", "10")]


def test_incentives_for_well_known_brands(store: EmbeddedStore) -> None:
    rows = run(store, "incentives-by-topic", topic="WellKnownBrand")
    quanzhou = [r for r in rows if r["city"] == "泉州市"]
    assert any(r["amount"] == "300000" and r["per"] == "每件" for r in quanzhou)
    assert all(r["units"] and r["docNumber"] for r in quanzhou)


def test_incentives_by_kind(store: EmbeddedStore) -> None:
    rows = run(store, "incentives-by-topic", topic="PledgeFinancing", kind="interest_subsidy")
    assert rows
    assert all(r["kind"].endswith("interest_subsidy") for r in rows)
    assert any(r["rate"] and r["cap"] for r in rows)


def test_injection_stays_a_value(store: EmbeddedStore) -> None:
    before = store.query("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    rows = run(store, "targets-by-indicator", city='泉州市"@zh } } ; DROP ALL ; SELECT * { ?s ?p ?o #')
    assert rows == []
    assert store.query("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }") == before


def test_shared_units_within_city(store: EmbeddedStore) -> None:
    rows = run(store, "shared-units-within-city", city="泉州市")
    assert rows
    assert all(int(r["measures"]) >= 2 and r["city"] == "泉州市" for r in rows)
    assert any(r["unitName"] == "泉州市市场监督管理局" for r in rows)
    busy = run(store, "shared-units-within-city", minMeasures="20")
    assert busy
    assert len(busy) < len(run(store, "shared-units-within-city"))
    assert all(int(r["measures"]) >= 20 for r in busy)


def test_shared_units_across_cities_by_organ_type(store: EmbeddedStore) -> None:
    rows = run(store, "shared-units-across-cities", organType="MarketRegulation")
    cities = {r["city"] for r in rows}
    assert {"泉州市", "泰山区"} <= cities
    assert all("市场监督管理局" in r["units"] or "市场监管" in r["units"] for r in rows)


def test_units_that_co_own_most_measures_city_by_city(store: EmbeddedStore) -> None:
    rows = run(store, "unit-co-ownership")
    cities = [r["city"] for r in rows]
    assert cities == sorted(cities)
    assert len(set(cities)) > 1
    for city in set(cities):
        counts = [int(r["coOwned"]) for r in rows if r["city"] == city]
        assert counts == sorted(counts, reverse=True)
    assert max(int(r["coOwned"]) for r in rows) >= 10
    assert all(int(r["coOwned"]) <= int(r["measures"]) for r in rows)


def test_city_topic_coverage_marks_gaps(store: EmbeddedStore) -> None:
    rows = run(store, "city-topic-coverage")
    by_city: dict[str, dict[str, int]] = {}
    for r in rows:
        by_city.setdefault(r["city"], {})[r["topic"].rsplit("/", 1)[1]] = int(r["measures"])
    assert {"泉州市", "福州市"} <= set(by_city)
    assert by_city["泉州市"]["WellKnownBrand"] >= 1
    assert all(0 in topics.values() and max(topics.values()) > 0 for topics in by_city.values())


def test_instrument_stage_counts(store: EmbeddedStore) -> None:
    rows = run(store, "instrument-stage-counts", city="泉州市")
    assert rows
    assert all(r["instrumentLabel"] and r["stageLabel"] and int(r["measures"]) > 0 for r in rows)


def test_citation_network(store: EmbeddedStore) -> None:
    rows = run(store, "citation-network", city="鲤城区")
    assert any(r["cited"] == "闽知管〔2018〕9号" for r in rows)
    assert all(r["relation"].endswith("#cites") or r["relation"].endswith("#repeals") for r in rows)


def test_citation_network_names_the_stored_policy_cited(tmp_path: Path) -> None:
    """A document citing another stored one by its 发文字号: the row names that policy."""
    cited_name, cited = document(3, 0)
    number = "宜政办〔2019〕1号"
    assert number in cited
    citing_name, citing = document(4, 0)
    title = cited.splitlines()[0]
    citing = re.sub(r"《[^》]+》（国发〔2021〕20号）", f"《{title}》（{number}）", citing, count=1)
    assert number in citing
    for name, text in ((cited_name, cited), (citing_name, citing)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    opened = EmbeddedStore(tmp_path / "store")
    cited_policy = ingest_file(opened, tmp_path / cited_name).policy
    entry = ingest_file(opened, tmp_path / citing_name)
    found = [r for r in run(opened, "citation-network") if r["cited"] == number]
    assert [(r["citing"], r["citedPolicy"], r["citedTitle"]) for r in found] == [
        (entry.policy, cited_policy, title)]


def test_policy_overview(store: EmbeddedStore) -> None:
    policy = next(r["policy"] for r in run(store, "targets-by-indicator", city="泉州市"))
    rows = run(store, "policy-overview", policy=policy)
    sections = {r["section"] for r in rows}
    assert sections == {"1 measure", "2 target", "3 incentive"}
    assert any(r["section"] == "1 measure" and "泉州市市场监督管理局" in r["units"] for r in rows)


@pytest.fixture(scope="module")
def reference(store: EmbeddedStore) -> Dataset:
    """The store's quads in a plain rdflib Dataset, as the benchmark's reference holds them."""
    quads = store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(quads, Solutions)
    dataset = Dataset(default_union=True)
    graphs = {name: dataset.graph(URIRef(str(name))) for name in {q["g"] for q in quads.rows}}
    dataset.addN((q["s"], q["p"], q["o"], graphs[q["g"]]) for q in quads.rows)
    return dataset


@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated")  # rdflib 7.6's own query code
@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_rdflib_gives_the_engines_rows(store: EmbeddedStore, reference: Dataset, name: str) -> None:
    """rdflib is the benchmark's reference: every curated query must run there too, with the rows
    Oxigraph gives (rdflib fails on GROUP_CONCAT(DISTINCT ?x) where ?x is unbound, and evaluates
    an OPTIONAL subquery again per row). policy-overview is asked of every corpus policy, and
    policies-in-force of days when some were in force."""
    query = LIBRARY[name]
    policies = sorted({r["policy"] for r in run(store, "policies-in-force", date="2024-06-01")})
    assert len(policies) >= 3
    asked = [{"policy": policy} for policy in policies] if name == "policy-overview" else [{}]
    if name == "policies-in-force":  # by today every corpus policy has ended or says nothing
        asked = [{"date": day} for day in ("2019-01-01", "2024-06-01")]
    for raw in asked:
        bindings = query.bind(raw)
        ours = store.query(query.sparql, bindings)
        assert isinstance(ours, Solutions), raw
        assert ours.rows, raw
        theirs = reference.query(query.sparql, initBindings=bindings)
        on_rdflib = [tuple("" if row.get(v) is None else str(row.get(v)) for v in theirs.vars or [])
                     for row in theirs.bindings]
        on_oxigraph = [tuple(str(row.get(v, "")) for v in ours.variables) for row in ours.rows]
        assert same_rows(on_oxigraph, on_rdflib), raw


def test_policies_in_force(store: EmbeddedStore) -> None:
    titles = {r["title"] for r in run(store, "policies-in-force", date="2024-06-01")}
    later = {r["title"] for r in run(store, "policies-in-force", date="2025-01-01")}
    quanzhou = "泉州市人民政府关于促进知识产权高质量发展的若干意见"
    assert quanzhou in titles
    assert quanzhou not in later
    assert not {r["title"] for r in run(store, "policies-in-force", date="2000-01-01")}


def test_cli_queries_and_query(tmp_path: Path, corpus_files: list[Path]) -> None:
    path = tmp_path / "store"
    runner = CliRunner()
    ingested = runner.invoke(cli, ["--store", str(path), "ingest", str(corpus_files[1])])
    assert ingested.exit_code == 0, ingested.output
    listed = runner.invoke(cli, ["--store", str(path), "queries"])
    assert "targets-by-indicator" in listed.stdout
    table = runner.invoke(cli, ["--store", str(path), "queries", "targets-by-indicator",
                                "--param", "indicator=highValueInventionPatentsPer10k"])
    assert table.exit_code == 0
    header, *lines = table.stdout.splitlines()
    assert header.split("\t")[:3] == ["city", "value", "unit"]
    assert lines
    assert lines[0].split("\t")[:3] == ["泉州市", "4", "件"]
    bad = runner.invoke(cli, ["--store", str(path), "queries", "targets-by-indicator", "--param", "year=x"])
    assert bad.exit_code == 2
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/policykg/def#Policy> }")
    counted = runner.invoke(cli, ["--store", str(path), "query", str(rq)])
    assert counted.stdout.split() == ["n", "1"]
    vocabulary = runner.invoke(cli, ["--store", str(path), "query",
                                     f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}"])
    assert vocabulary.stdout.strip() == "true"


PARTIAL_COLUMN = {"targets-by-indicator": {}, "incentives-by-topic": {"topic": "PatentNavigation"},
                  "policies-in-force": {"date": "2022-06-01"}, "citation-network": {}, "policy-overview": {}}
"""Every curated query that lists policies, measures, targets or incentives, with parameters that
give rows of the 泉州 policy."""


@pytest.fixture(scope="module")
def cut_store(tmp_path_factory: pytest.TempPathFactory, corpus_files: list[Path]) -> Iterator[EmbeddedStore]:
    """The 泉州 policy from a copy with items 10 to 20 left out (（略）), beside the whole 鲤城 plan."""
    folder = tmp_path_factory.mktemp("cut")
    text = next(p for p in corpus_files if p.name.startswith("001_")).read_text(encoding="utf-8")
    cut = folder / "quanzhou-abridged.txt"
    cut.write_text(text[: text.index("10.")] + "（略）\n" + text[text.index("21."):], encoding="utf-8")
    opened = EmbeddedStore(folder / "store")
    for file in (cut, corpus_files[0]):
        ingest_file(opened, file)
    load_ontology(opened)
    yield opened
    opened.close()


@pytest.mark.parametrize("name", sorted(PARTIAL_COLUMN))
def test_answers_that_list_a_partial_copy_say_so(cut_store: EmbeddedStore, name: str) -> None:
    raw = dict(PARTIAL_COLUMN[name])
    if name == "policy-overview":
        raw["policy"] = next(r["policy"] for r in run(cut_store, "policies-in-force", date="2022-06-01"))
    rows = run(cut_store, name, **raw)
    quanzhou = [r for r in rows if "泉州" in r.get("city", "泉州")]
    assert quanzhou, name
    assert all(r["partial"] == "文本有删节 (abridged): （略）" for r in quanzhou), name
    assert all(not r.get("partial") for r in rows if r not in quanzhou)
