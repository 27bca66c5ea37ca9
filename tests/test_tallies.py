"""tallies: the per-document counts equal what a live aggregation over the measures gives."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal
from rdflib.query import ResultRow
from rdflib.term import Node

from ingest.pipeline import record_graphs
from ingest.record import Jurisdiction, Measure, PolicyRecord, ResponsibleUnit
from ingest.vocab import INSTRUMENT, ORGAN_TYPE, PKG, STAGE, policy_iri
from ingest.write import DocumentGraph

QUANZHOU = Jurisdiction(name="泉州市", level="city", province="福建省")


def _record(*measures: Measure) -> PolicyRecord:
    return PolicyRecord(source="t.txt", title="泉州市知识产权若干措施", jurisdiction=QUANZHOU,
                        date_issued="2022-01-01", measures=measures)


def _measure(n: int, units: tuple[str, ...] = (), lead: str = "",
             instruments: tuple[str, ...] = (), stages: tuple[str, ...] = ()) -> Measure:
    return Measure(path=(str(n),), title=f"措施{n}", text=f"措施{n}。", span=(0, 1),
                   responsible_units=tuple(ResponsibleUnit(u, lead=u == lead) for u in units),
                   instruments=instruments, stages=stages)


def _tally(graph: Graph, **dimensions: Node) -> dict[str, int]:
    """The counts of the one tally with exactly these dimension values."""
    found = [t for t in graph.subjects(PKG.measureCount, None)
             if all((t, PKG[name], value) in graph for name, value in dimensions.items())]
    assert len(found) == 1, dimensions
    return {name: int(value) for name in ("measureCount", "sharedCount", "leadCount")
            if isinstance(value := graph.value(found[0], PKG[name]), Literal)}


@pytest.mark.parametrize(("measures", "dimensions", "expected"), [
    # a measure with two instruments and one stage counts in both pairs
    ((_measure(1, instruments=("Supply", "Environment"), stages=("Creation",)),
      _measure(2, instruments=("Supply",), stages=("Creation",))),
     {"countsInstrument": INSTRUMENT.Supply, "countsStage": STAGE.Creation}, {"measureCount": 2}),
    # 市市场监管局 leads one shared measure and runs one alone
    ((_measure(1, units=("市市场监管局", "市科技局"), lead="市市场监管局"),
      _measure(2, units=("市市场监管局",))),
     {"countsOrganType": ORGAN_TYPE.MarketRegulation}, {"measureCount": 2}),
])
def test_tally_counts(measures: tuple[Measure, ...], dimensions: dict[str, Node],
                      expected: dict[str, int]) -> None:
    graph = record_graphs(_record(*measures)).document
    assert _tally(graph, **dimensions) == expected


def test_unit_tally_counts_shared_and_led_measures() -> None:
    built = record_graphs(_record(_measure(1, units=("市市场监管局", "市科技局"), lead="市市场监管局"),
                                  _measure(2, units=("市市场监管局",)), _measure(3, units=("市科技局",))))
    graph = built.merged()
    market = next(u for u in graph.subjects(PKG.organType, ORGAN_TYPE.MarketRegulation))
    unit_tallies = [t for t in graph.subjects(PKG.countsUnit, market) if (t, PKG.sharedCount, None) in graph]
    assert len(unit_tallies) == 1
    assert _tally(graph, countsUnit=market, sharedCount=Literal(1)) == {
        "measureCount": 2, "sharedCount": 1, "leadCount": 1}


def test_no_measures_no_tallies() -> None:
    graph = record_graphs(_record()).document
    assert not list(graph.objects(policy_iri(_record()), PKG.hasTally))


LIVE_UNITS = """
SELECT ?unit (COUNT(DISTINCT ?measure) AS ?n) (COUNT(DISTINCT ?shared) AS ?s) (COUNT(DISTINCT ?led) AS ?l)
WHERE { ?policy pkg:hasMeasure ?measure . ?measure pkg:responsibleUnit ?unit .
  OPTIONAL { ?measure pkg:leadUnit ?unit BIND(?measure AS ?led) }
  OPTIONAL { ?measure pkg:responsibleUnit ?other FILTER(?other != ?unit) BIND(?measure AS ?shared) } }
GROUP BY ?unit"""
TALLY_UNITS = """SELECT ?unit ?n ?s ?l WHERE { ?policy pkg:hasTally ?t .
  ?t pkg:countsUnit ?unit ; pkg:measureCount ?n ; pkg:sharedCount ?s ; pkg:leadCount ?l }"""
LIVE_TYPES = """
SELECT ?type (COUNT(DISTINCT ?measure) AS ?n) WHERE { ?policy pkg:hasMeasure ?measure .
  ?measure pkg:responsibleUnit ?unit . ?unit pkg:organType ?type } GROUP BY ?type"""
TALLY_TYPES = """SELECT ?type ?n
WHERE { ?policy pkg:hasTally ?t . ?t pkg:countsOrganType ?type ; pkg:measureCount ?n }"""


@pytest.mark.parametrize(("live", "tallied"), [(LIVE_UNITS, TALLY_UNITS), (LIVE_TYPES, TALLY_TYPES)])
def test_corpus_tallies_equal_live_aggregation(corpus_graphs: dict[str, DocumentGraph], live: str,
                                               tallied: str) -> None:
    counted = 0
    for name, built in corpus_graphs.items():
        graph = built.graph + record_graphs(built.record).entities
        rows = [{tuple(str(v) for v in row) for row in graph.query(q, initNs={"pkg": PKG})
                 if isinstance(row, ResultRow)} for q in (live, tallied)]
        assert rows[0] == rows[1], name
        counted += len(rows[0])
    assert counted >= len(corpus_graphs)
