"""rows: the columns incentives-by-topic reads, kept on each incentive at ingest, and the
comparison that reads them giving the rows of the joins it replaced (bench/live/*.rq), on the
corpus and on a generated store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.term import Node

from bench.generate import write_corpus
from bench.shapes import compare, live_queries
from ingest.build import ingest_all
from ingest.errors import IngestError
from ingest.ontology import load_ontology
from ingest.pipeline import record_graphs
from ingest.record import Incentive, Jurisdiction, Measure, PolicyRecord, ResponsibleUnit
from ingest.store.embedded import EmbeddedStore
from ingest.vocab import PKG, ROW, TOPIC

QUANZHOU = Jurisdiction(name="泉州市", level="city", province="福建省")
POLICY = {"title": ["泉州市知识产权若干措施"], "docNumber": ["泉政文〔2022〕1号"]}
"""The columns every row of the test record copies from its policy."""
GRANT = Incentive(kind="subsidy", amount_cny=500000, per="每件", span=(4, 12))


def _record(*measures: Measure, partial: str | None = None) -> PolicyRecord:
    return PolicyRecord(source="t.txt", title="泉州市知识产权若干措施", doc_number="泉政文〔2022〕1号",
                        jurisdiction=QUANZHOU, date_issued="2022-01-01", measures=measures,
                        partial=partial)


def _measure(units: tuple[str, ...] = (), topics: tuple[str, ...] = ("WellKnownBrand",),
             incentives: tuple[Incentive, ...] = (GRANT,)) -> Measure:
    return Measure(path=("1",), title="驰名商标", text="对新认定的驰名商标给予奖励。", span=(0, 20),
                   responsible_units=tuple(ResponsibleUnit(u) for u in units), incentives=incentives,
                   topics=topics)


def _columns(graph: Graph, node: Node) -> dict[str, list[str]]:
    return {column: sorted(str(o) for o in graph.objects(node, ROW[column]))
            for column in ("topic", "units", "path", "title", "docNumber", "partial")
            if (node, ROW[column], None) in graph}


def _incentive(graph: Graph) -> Node:
    nodes = list(graph.subjects(PKG.incentiveKind, None))
    assert len(nodes) == 1
    return nodes[0]


@pytest.mark.parametrize(("record", "expected"), [
    # one row per incentive, every topic of its measure on it, the units' canonical names joined by 、
    (_record(_measure(units=("市市场监管局", "市财政局"), topics=("WellKnownBrand", "Trademark"))),
     {"topic": sorted([str(TOPIC.WellKnownBrand), str(TOPIC.Trademark)]),
      "units": ["泉州市市场监督管理局、泉州市财政局"], "path": ["1"], **POLICY}),
    # no responsible unit: an empty units cell, as GROUP_CONCAT over nothing gives
    (_record(_measure()), {"topic": [str(TOPIC.WellKnownBrand)], "units": [""], "path": ["1"], **POLICY}),
    # a partial copy says so on each row
    (_record(_measure(), partial="正文不完整"),
     {"topic": [str(TOPIC.WellKnownBrand)], "units": [""], "path": ["1"], **POLICY,
      "partial": ["正文不完整"]}),
    # a measure without a topic is in no topic's comparison: no row
    (_record(_measure(topics=())), {}),
])
def test_incentive_rows(record: PolicyRecord, expected: dict[str, list[str]]) -> None:
    built = record_graphs(record)
    assert _columns(built.document, _incentive(built.document)) == expected


def _assert_same_rows(store_path: Path) -> None:
    store = ox.Store.read_only(str(store_path))
    compared = list(compare(store))
    assert {c.name for c in compared} == set(live_queries())
    assert sum(c.rows for c in compared) > 0
    assert [c for c in compared if not c.same] == []


def test_comparisons_give_the_rows_of_the_joins_on_the_corpus(corpus_store_path: Path) -> None:
    _assert_same_rows(corpus_store_path)


def test_comparisons_give_the_rows_of_the_joins_on_a_generated_store(tmp_path: Path) -> None:
    documents = write_corpus(tmp_path / "synthetic", 80)
    store = EmbeddedStore(tmp_path / "store")
    failed = [e for e in ingest_all(store, documents) if isinstance(e, IngestError)]
    load_ontology(store)
    store.close()
    assert not failed
    _assert_same_rows(tmp_path / "store")


def test_a_row_column_is_no_fact_of_the_vocabulary() -> None:
    """Row columns live in their own namespace, so an analyst's count of pkg:topic or pkg:amount
    does not count them twice."""
    built = record_graphs(_record(_measure(units=("市市场监管局",))))
    rows = {p for p in built.document.predicates() if str(p).startswith(str(ROW))}
    assert rows
    assert not rows & {PKG.topic, PKG.amount, PKG.path}
    assert Literal("1") in set(built.document.objects(None, ROW.path))
