"""Validity (时效性): entry into force and end of validity read from the text with the sentences
that state them (extract.validity), and the one status rule, in Python (ingest.validity) and in
SPARQL (ingest/validity.rq, copied by the curated queries that show a status), which must agree."""

from __future__ import annotations

from datetime import date
from itertools import product
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ingest.extract.validity import end_of_validity, in_force_from
from ingest.ontology import load_ontology
from ingest.pipeline import extract_record, ingest_file
from ingest.store import Solutions
from ingest.store.embedded import EmbeddedStore
from ingest.validity import CONCEPTS, STATUSES, status, status_query, status_rule
from ingest.vocab import ELI, PKG
from ingest.write import DocumentGraph

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
QUERIES = ROOT / "service" / "queries"


@pytest.mark.parametrize(
    ("text", "date_issued", "start", "until", "basis"),
    [
        ("本方案自印发之日起施行\n有效期至2025年6月30日", "2022-09", "2022-09", "2025-06-30", "stated"),
        ("本意见自发布之日起施行，有效期3年。", "2021-12-23", "2021-12-23", "2024-12-22", "term"),
        ("本办法有效期为三年。", "2020-03-01", None, "2023-02-28", "term"),
        ("本办法自2022年1月1日起施行，有效期五年。", "2021-12-10", "2022-01-01", "2026-12-31", "term"),
        # the term's start may follow it in the sentence
        ("本办法有效期三年，自2023年7月1日起施行。", "2023-06-01", "2023-07-01", "2026-06-30", "term"),
        ("本办法试行期为两年。", "2019-07-15", None, "2021-07-14", "term"),
        ("本办法试行2年。", "2019-07-15", None, "2021-07-14", "term"),
        ("有效期18个月。", "2020-01-01", None, "2021-06-30", "term"),
        ("本办法有效期至2024年底。", None, None, "2024-12-31", "stated"),
        ("本办法有效期自2022年1月1日起至2024年12月31日止。", None, "2022-01-01", "2024-12-31", "stated"),
        ("本办法执行期限为2022年1月1日至2024年12月31日。", None, "2022-01-01", "2024-12-31", "stated"),
        ("本方案实施至2025年底。", None, None, "2025-12-31", "stated"),
        ("本条例自二〇二〇年一月一日起施行。", None, "2020-01-01", None, None),
        ("本规定自2019年3月起实施。", None, "2019-03", None, None),
        # a term from an issue date known to the month only has no known last day
        ("有效期3年。", "2022-09", None, None, None),
        ("经过2018年4月至2021年4月三年的建设周期。", "2018-04-16", None, "2021-04-30", "period"),
        # not about the policy itself: a target's deadline, a project's term, an application window
        ("到2020年，全市每万人发明专利拥有量达到1.17件。", "2016-09-19", None, None, None),
        ("项目实施期限为2年。", "2020-01-01", None, None, None),
        ("对认定的示范企业，认定有效期3年。", "2020-01-01", None, None, None),
        ("申报时间：自2023年3月1日起至2023年3月31日止。", "2023-02-01", None, None, None),
        ("2021年至2023年期间获得授权的发明专利，每件资助5000元。", "2023-02-01", None, None, None),
    ],
)
def test_statements_of_validity(text: str, date_issued: str | None, start: str | None,
                                until: str | None, basis: str | None) -> None:
    found = in_force_from(text, date_issued)
    end, how = end_of_validity(text, None, date_issued, found)
    assert (found.date if found else None, end.date if end else None, how) == (start, until, basis)
    for statement in (found, end):
        if statement:
            assert text[slice(*statement.span)] == statement.sentence


@pytest.mark.parametrize(("title", "until"), [
    ("泰安市泰山区国家知识产权强县建设试点县（区）工作方案（2022-2025年）", "2025-12-31"),
    ("海宁市知识产权强市建设三年行动计划（2022—2024年）", "2024-12-31"),
    ("泉州市“十四五”知识产权保护和运用规划", "2025-12-31"),
    ("福州市国家知识产权强市建设示范城市工作方案", None),
])
def test_plan_period_in_the_title(title: str, until: str | None) -> None:
    text = f"{title}\n一、主要任务\n（一）加强专利创造。"
    end, basis = end_of_validity(text, title, "2022-12-04", None)
    assert (end.date if end else None) == until
    assert basis == ("period" if until else None)


STATUS_ON_2026_12_05 = {
    "000": ("已失效", None, "2021-04-30", "经过 2018 年 4 月至 2021 年 4 月三年的建设周期"),
    "001": ("已失效", "2021-12-23", "2024-12-22", "本意见自发布之日起施行，有效期3年"),
    "002": ("已失效", "2022-09", "2025-06-30", "有效期至2025年6月30日"),
    "003": ("未知", None, None, None),
    "004": ("已失效", None, "2025-12-31", "工作方案（2022-2025年）"),
}
"""The five corpus documents on 2026-12-05: status, entry into force, last day and the sentence
of the end. 003, an undated 2016 plan whose only years are its targets' deadlines, is 未知."""


@pytest.mark.parametrize("stem", sorted(STATUS_ON_2026_12_05))
def test_corpus_statuses(stem: str) -> None:
    record = extract_record(next(CORPUS.glob(f"{stem}_*.txt")))
    expected, start, until, sentence = STATUS_ON_2026_12_05[stem]
    validity = record.validity
    assert (validity.in_force_from.date if validity.in_force_from else None) == start
    assert (validity.until.date if validity.until else None) == until
    if sentence:
        assert validity.until is not None
        assert sentence in validity.until.sentence
    assert status(date(2026, 12, 5), in_force_from=start, issued=record.date_issued, until=until) == expected


def test_corpus_statuses_while_some_were_in_force() -> None:
    on = date(2024, 6, 1)
    found = {}
    for path in sorted(CORPUS.glob("*.txt")):
        record = extract_record(path)
        start, until = record.validity.in_force_from, record.validity.until
        found[path.name[:3]] = status(on, in_force_from=start.date if start else None,
                                      issued=record.date_issued, until=until.date if until else None)
    assert found == {"000": "已失效", "001": "现行有效", "002": "现行有效", "003": "未知", "004": "现行有效"}
    assert extract_record(next(CORPUS.glob("001_*.txt"))).valid_until == "2024-12-22"
    plan = extract_record(next(CORPUS.glob("000_*.txt")))
    assert plan.valid_until is None  # a plan period is no stated end


@pytest.mark.parametrize(("on", "dates", "expected"), [
    ("2023-01-01", {"in_force_from": "2022-01-01"}, "现行有效"),
    ("2023-01-01", {"issued": "2022-01-01"}, "未知"),  # says neither when it starts nor ends
    ("2023-01-01", {"issued": "2022-01-01", "until": "2024-12-31"}, "现行有效"),
    ("2024-12-31", {"issued": "2022-01-01", "until": "2024-12-31"}, "现行有效"),  # the last day counts
    ("2025-01-01", {"issued": "2022-01-01", "until": "2024-12-31"}, "已失效"),
    ("2021-12-31", {"issued": "2021-12-10", "in_force_from": "2022-01-01"}, "尚未生效"),
    ("2022-09-15", {"in_force_from": "2022-09", "until": "2025-06-30"}, "未知"),  # inside the month
    ("2022-10-01", {"in_force_from": "2022-09", "until": "2025-06-30"}, "现行有效"),
    ("2022-08-31", {"in_force_from": "2022-09"}, "尚未生效"),
    ("2025-06-15", {"issued": "2022-01-01", "until": "2025-06"}, "未知"),
    ("2025-07-01", {"issued": "2022-01-01", "until": "2025-06"}, "已失效"),
    ("2021-12-23", {"in_force_from": "2018-06-01", "repealed_from": "2021-12-23"}, "已失效"),
    ("2021-12-22", {"in_force_from": "2018-06-01", "repealed_from": "2021-12-23"}, "现行有效"),
    ("2021-12-10", {"in_force_from": "2018-06-01", "repealed_from": "2021-12"}, "未知"),
    ("2030-01-01", {}, "未知"),
])
def test_status_rule(on: str, dates: dict[str, str], expected: str) -> None:
    assert status(date.fromisoformat(on), **dates) == expected


DATES = ("2022-09", "2022-09-20", "2024-12-31", "2025", None)
DAYS = ("2022-08-31", "2022-09-10", "2022-09-20", "2023-06-01", "2024-12-31", "2025-03-01", "2026-01-01")


def test_sparql_rule_is_the_python_rule() -> None:
    """ingest/validity.rq gives status() on every combination of partial and full dates."""
    store = EmbeddedStore()
    cases = {}
    combinations = product(DATES, ("2022-06-01", None), DATES, DATES)
    for number, (start, issued, until, repealed) in enumerate(combinations):
        policy = URIRef(f"https://example.org/policy/{number}")
        triples = [f"<{policy}> a <{PKG.Policy}> ."]
        for prop, value in ((ELI.first_date_entry_in_force, start), (ELI.date_document, issued),
                            (ELI.date_no_longer_in_force, until)):
            if value:
                triples.append(f"<{policy}> <{prop}> {_typed(value).n3()} .")
        if repealed:
            repealer = URIRef(f"{policy}/repealer")
            triples += [f"<{repealer}> <{ELI.repeals}> <{policy}> .",
                        f"<{repealer}> <{ELI.first_date_entry_in_force}> {_typed(repealed).n3()} ."]
        store.update("INSERT DATA { GRAPH <https://example.org/g> { " + " ".join(triples) + " } }")
        cases[str(policy)] = {"in_force_from": start, "issued": issued, "until": until,
                              "repealed_from": repealed}
    seen = set()
    for day in DAYS:
        rows = store.query(status_query(), {"date": Literal(day, datatype=XSD.date)})
        assert isinstance(rows, Solutions)
        answered = {str(row["policy"]): row["validity"] for row in rows.rows}
        on = date.fromisoformat(day)
        expected = {policy: CONCEPTS[status(on, **dates)] for policy, dates in cases.items()}
        assert answered == expected, day
        seen |= set(answered.values())
    assert seen == {CONCEPTS[name] for name in STATUSES}


def _typed(value: str) -> Literal:
    kind = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(value)]
    return Literal(value, datatype=kind)


def test_curated_queries_copy_the_rule_word_for_word() -> None:
    rule = " ".join(status_rule().split())
    showing = [path for path in QUERIES.glob("*.rq") if "AS ?validity)" in path.read_text(encoding="utf-8")]
    assert showing
    for path in showing:
        assert rule in " ".join(path.read_text(encoding="utf-8").split()), path.name


def test_graph_states_validity_with_its_sentences(corpus_graphs: dict[str, DocumentGraph]) -> None:
    built = corpus_graphs[next(CORPUS.glob("001_*.txt")).name]
    g = built.graph
    policy = next(g.subjects(ELI.id_local, None))
    assert g.value(policy, ELI.first_date_entry_in_force) == Literal("2021-12-23", datatype=XSD.date)
    assert g.value(policy, ELI.date_no_longer_in_force) == Literal("2024-12-22", datatype=XSD.date)
    assert g.value(policy, PKG.endOfValidityBasis) == PKG.StatedTerm
    for prop in (PKG.entryIntoForceStatement, PKG.endOfValidityStatement):
        span = g.value(policy, prop)
        assert str(g.value(span, PKG.quote)) == "30.本意见自发布之日起施行，有效期3年"
    assert built.report.conforms
    period = corpus_graphs[next(CORPUS.glob("004_*.txt")).name].graph
    assert set(period.objects(None, PKG.endOfValidityBasis)) == {PKG.PlanPeriod}


REPEALED = """泉州市人民政府关于加强商标品牌建设工作的意见
泉政文〔2018〕70号
各县（市、区）人民政府，市人民政府各部门：
一、加强商标品牌培育。支持企业申请注册商标，对新获评中国驰名商标的企业，给予一次性奖励100万元。（责任单位：市市场监管局）
二、本意见自发布之日起施行。
泉州市人民政府
2018年6月1日
"""


def test_a_stored_policy_that_repeals_another_ends_it(tmp_path: Path) -> None:
    """001 repeals 泉政文〔2018〕70号 (同时废止): once both are stored, the older one is 已失效 from
    001's entry into force, 2021-12-23, and in force before it."""
    old = tmp_path / "quanzhou-2018.txt"
    old.write_text(REPEALED, encoding="utf-8")
    store = EmbeddedStore()
    entry = ingest_file(store, old)
    ingest_file(store, next(CORPUS.glob("001_*.txt")))

    def on(day: str) -> str:
        rows = store.query(status_query(), {"date": Literal(day, datatype=XSD.date),
                                            "policy": URIRef(str(entry.policy))})
        assert isinstance(rows, Solutions)
        assert len(rows.rows) == 1
        return str(rows.rows[0]["status"])

    load_ontology(store)

    assert on("2020-01-01") == "现行有效"
    assert on("2021-12-22") == "现行有效"
    assert on("2021-12-23") == "已失效"
    assert on("2026-12-05") == "已失效"
