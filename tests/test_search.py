"""Precedent search: tokens, topics, ranking and filters on hand-made measures; /search over the corpus."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import bm25s
import httpx
import numpy as np
import pytest
from fastapi import FastAPI
from live_service import serve

from ingest.pipeline import ingest_file
from ingest.store.embedded import EmbeddedStore
from ingest.validity import STATUSES
from ingest.vocab import PKG
from service.app import create_app
from service.config import Settings
from service.errors import BadRequest, Unavailable
from service.search import BM25, MeasureIndex, Query, Vocabulary
from service.search_cache import CATALOGUE_QUERY, SearchIndexCache
from service.search_facets import Filters
from service.search_query import understand
from service.search_rows import UNKNOWN_VALIDITY, Hit, Money, document_type
from service.search_words import highlights, normalised, term_counts, tokens, topic_name
from service.sparql.runner import QueryRunner


@pytest.mark.parametrize(("text", "expected"), [
    ("质押融资贴息", {"质押", "融资", "贴息"}),
    ("知识产权质押融资", {"知识产权", "质押", "融资"}),
    ("加强驰名商标保护", {"驰名商标", "商标", "保护"}),
    ("每件补助30万元。", {"补助", "30", "万元"}),
])
def test_tokens_keep_wholes_and_parts(text: str, expected: set[str]) -> None:
    assert expected <= set(tokens(text))


@pytest.mark.parametrize("text", ["。，、；：", "  \n", "（）《》"])
def test_punctuation_is_no_token(text: str) -> None:
    assert tokens(text) == []


@pytest.mark.parametrize(("text", "topic"), [
    ("开展知识产权质押融资贴息", "PledgeFinancing"),
    ("对新认定的驰名商标给予奖励", "WellKnownBrand"),
    ("推动软件正版化", "Copyright"),
])
def test_query_names_topics(text: str, topic: str) -> None:
    assert topic in understand(text).topics


@pytest.mark.parametrize(("given", "name"), [
    ("PledgeFinancing", "PledgeFinancing"), ("pledgefinancing", "PledgeFinancing"),
    ("知识产权质押融资", "PledgeFinancing"), ("IP pledge financing", "PledgeFinancing"),
    ("驰名商标", "WellKnownBrand"),
])
def test_topic_filter_by_name_or_label(given: str, name: str) -> None:
    assert topic_name(given) == name


def test_unknown_topic_is_a_bad_request() -> None:
    with pytest.raises(BadRequest):
        topic_name("no such topic")


def measure(path: str, text: str, place: str, date: str, topics: str = "", parent: str = "",
            title: str = "意见") -> Hit:
    return Hit(measure=f"https://w3id.org/policykg/id/m/{path}", quote=text, title="", path=path,
               source=f"{place}.txt", jurisdiction=place, parent=parent, province="某省", policy=f"p/{place}",
               policy_title=f"{place}关于知识产权的若干{title}", doc_number="", date=date,
               document_type=document_type(title), validity=UNKNOWN_VALIDITY, topics=tuple(topics.split()),
               money=(Money("subsidy", amount=200000.0),) if "万元" in text else ())


@pytest.fixture(scope="module")
def small_index() -> MeasureIndex:
    return MeasureIndex.of([
        measure("a", "对企业知识产权质押融资给予贴息，每家企业最高20万元。", "甲市", "2021-03-01",
                "PledgeFinancing"),
        measure("b", "鼓励企业申请驰名商标，每件奖励50万元。", "乙市", "2020-05-01",
                "WellKnownBrand Trademark", title="办法"),
        measure("c", "推进知识产权质押融资服务，建立银企对接机制。", "丙区", "2022-01-01", "PledgeFinancing",
                parent="甲市"),
        measure("d", "加强知识产权宣传培训。", "乙市", "2021-06-01", "PublicityEducation"),
    ])


def ranked(index: MeasureIndex, **query: object) -> list[str]:
    text, limit, offset = query.pop("text", ""), query.pop("limit", 10), query.pop("offset", 0)
    return [hit.path for hit in index.search(Query(text, Filters(**query), limit, offset)).hits]  # type: ignore


@pytest.mark.parametrize(("query", "expected"), [
    ({"text": "质押融资贴息"}, ["a", "c"]),
    ({"text": "驰名商标奖励"}, ["b"]),
    ({"text": "质押融资", "jurisdiction": "甲市"}, ["c", "a"]),
    ({"text": "质押融资", "jurisdiction": "丙"}, ["c"]),
    ({"text": "质押融资", "year_from": 2021, "year_to": 2021}, ["a"]),
    ({"text": "质押融资", "year_from": 2022}, ["c"]),
    ({"text": "奖励", "document_type": "办法"}, ["b"]),
    ({"jurisdiction": "乙市"}, ["b", "d"]),  # filters alone: every measure they keep, in order
    ({"text": "企业", "topic": "驰名商标"}, ["b"]),
    ({"topic": "PledgeFinancing"}, ["c", "a"]),  # c names more of the topic's terms (银企对接)
    ({"text": "知识产权", "limit": 1, "offset": 1}, ["c"]),
    ({"text": "没有这个词"}, []),
])
def test_ranking_and_filters(small_index: MeasureIndex, query: dict[str, object],
                             expected: list[str]) -> None:
    assert ranked(small_index, **query)[: len(expected) or None] == expected


@pytest.mark.parametrize(("query", "simplified"), [
    ({"text": "質押融資貼息"}, {"text": "质押融资贴息"}),
    ({"text": "智慧財產權宣傳"}, {"text": "知识产权宣传"}),  # a Taiwan term, as the read stage restores it
    ({"text": "ＩＰ质押融资"}, {"text": "IP质押融资"}),
    ({"text": "知识产权", "jurisdiction": "乙市"}, {"text": "知识产权", "jurisdiction": "乙市"}),
    ({"jurisdiction": "甲市", "validity": "未知"}, {"jurisdiction": "甲市", "validity": "未知"}),
    ({"text": "企業", "topic": "馳名商標"}, {"text": "企业", "topic": "驰名商标"}),
])
def test_a_query_in_traditional_characters_finds_what_simplified_words_find(
        small_index: MeasureIndex, query: dict[str, object], simplified: dict[str, object]) -> None:
    assert ranked(small_index, **query) == ranked(small_index, **simplified) != []


def test_a_drafters_spaces_stay_word_bounds() -> None:
    """The read stage drops spaces between characters (PDF extraction's); a query keeps them."""
    assert normalised("企业 培训 機制") == "企业 培训 机制"


def test_an_unknown_validity_is_a_bad_request(small_index: MeasureIndex) -> None:
    with pytest.raises(BadRequest, match="现行有效"):
        small_index.search(Query("质押", Filters(validity="有效")))


def test_the_words_inside_a_long_word_are_found_up_to_the_longest_word_of_the_dictionary() -> None:
    """A run of 5,000 letters is one jieba word; only its parts up to the dictionary's longest word
    are looked up (a request took 9-26 s before), and the words inside a word are still found."""
    assert tokens("a" * 5000) == ["a" * 5000]
    assert {"质押", "融资", "贴息", "知识产权"} <= set(tokens("知识产权质押融资贴息"))


def test_hits_carry_citation_and_total(small_index: MeasureIndex) -> None:
    result = small_index.search(Query(text="质押融资"))
    assert result.total == 2
    assert result.topics == ("PledgeFinancing",)
    hit = result.hits[0]
    assert hit.score > result.hits[1].score > 0
    assert hit.quote.startswith(("对企业", "推进"))
    assert hit.jurisdiction
    assert hit.date
    assert set(result.words) >= {"质押", "融资"}


def test_a_pasted_paragraph_is_cut_to_its_rarest_terms(small_index: MeasureIndex) -> None:
    paragraph = "为了进一步加强知识产权工作，" * 30 + "对驰名商标给予奖励。" + "推动高质量发展，" * 30
    assert ranked(small_index, text=paragraph)[0] == "b"


def test_a_word_said_again_weighs_more_up_to_a_bound() -> None:
    words = understand("支持专利转让，鼓励专利许可，推动专利开放许可").words
    assert words["转让"] == 1 < words["许可"] < words["专利"] < 3


def test_a_pasted_paragraph_is_about_its_primary_topic() -> None:
    """It names 贴息 and 保险 in passing; it acts on pledge financing."""
    understood = understand("开展知识产权质押融资入园惠企行动，推动银行扩大知识产权质押贷款规模，"
                            "建立质押融资风险补偿机制，对按期还款的企业给予贴息，提升保险保障水平。")
    assert understood.primary == "PledgeFinancing"
    assert understood.topics == {"PledgeFinancing": 1.0}


def test_a_drafters_word_counts_where_it_is_a_word_of_the_text() -> None:
    assert "职务" not in understand("各镇街至少配备一名专职工作人员").words
    assert "职务" in understand("职工的发明归谁").words


def test_measures_mainly_about_a_paragraphs_primary_topic_rank_first() -> None:
    text = "推进知识产权质押融资，完善质押融资风险补偿，加强知识产权保护宣传。"
    index = MeasureIndex.of([
        measure("a", text, "甲市", "2021-03-01", "PublicityEducation PledgeFinancing"),
        measure("b", text, "乙市", "2021-03-01", "PledgeFinancing PublicityEducation"),
    ])
    paragraph = "鼓励银行开展知识产权质押融资，对企业知识产权质押贷款给予贴息，建立质押融资风险补偿资金池。"
    assert ranked(index, text=paragraph) == ["b", "a"]


def test_facets_count_matches_under_the_other_filters(small_index: MeasureIndex) -> None:
    """A facet already chosen still lists its other values, so that a page can offer them."""
    facets = small_index.search(Query("知识产权", Filters(jurisdiction="乙市"))).facets
    assert dict(facets["jurisdiction"]) == {"甲市": 1, "乙市": 1, "丙区": 1}
    assert dict(facets["year"]) == {"2021": 1}
    assert dict(facets["topic"]) == {"PublicityEducation": 1}
    assert dict(facets["validity"]) == {UNKNOWN_VALIDITY: 1}
    assert dict(facets["document_type"]) == {"意见": 1}


@pytest.mark.parametrize(("title", "kind"), [
    ("泉州市人民政府关于促进知识产权高质量发展的若干意见", "意见"),
    ("泰安市泰山区国家知识产权强县建设试点县（区）工作方案（2022-2025年）", "方案"),
    ("深圳经济特区知识产权保护条例", "条例"),
    ("厦门市专利资助管理办法实施细则", "细则"),
    ("关于组织申报2023年度知识产权项目的通知", "通知"),
    ("知识产权", ""),
])
def test_document_type_is_the_last_genre_word_of_the_title(title: str, kind: str) -> None:
    assert document_type(title) == kind


@pytest.mark.parametrize(("text", "words", "spans"), [
    ("开展知识产权质押融资贴息", ["质押", "融资", "贴息"], [(6, 12)]),
    ("对驰名商标给予奖励，驰名商标", ["驰名商标", "商标"], [(1, 5), (10, 14)]),
    ("PCT国际专利申请", ["pct"], [(0, 3)]),
    ("加强宣传", ["的"], []),
])
def test_highlights_mark_the_query_words(text: str, words: list[str], spans: list[tuple[int, int]]) -> None:
    assert highlights(text, words) == spans


def test_pages_are_cuts_of_one_ranking(small_index: MeasureIndex) -> None:
    """The page is chosen without sorting every match; it must be the same as a full sort's."""
    text = "知识产权 企业 质押"
    whole = ranked(small_index, text=text, limit=100)
    assert len(whole) >= 3
    assert [ranked(small_index, text=text, limit=1, offset=i)[0] for i in range(len(whole))] == whole
    assert ranked(small_index, text=text, limit=2, offset=1) == whole[1:3]


BM25_TEXTS = ["对企业知识产权质押融资给予贴息，每家企业最高20万元。",
              "鼓励企业申请驰名商标，每件奖励50万元。",
              "推进知识产权质押融资服务，建立银企对接机制。",
              "加强知识产权宣传培训。",
              "知识产权知识产权知识产权"]


@pytest.mark.parametrize("query", ["质押融资", "驰名商标奖励", "知识产权", "企业 培训 机制", "没有"])
def test_bm25_scores_as_bm25s_does(query: str) -> None:
    """Lucene BM25 over token ids gives bm25s's scores (the reference it replaced)."""
    vocabulary = Vocabulary()
    ours = BM25([vocabulary.terms(c) for c in term_counts(BM25_TEXTS)], len(vocabulary))
    reference = bm25s.BM25()
    reference.index([tokens(text) for text in BM25_TEXTS], show_progress=False)
    words = sorted(set(tokens(query)) & set(vocabulary.ids))
    expected = reference.get_scores_from_ids([reference.vocab_dict[w] for w in words]) if words else 0.0
    assert np.allclose(ours.score([vocabulary.ids[w] for w in words]), expected, rtol=1e-5)


def test_an_empty_store_finds_nothing() -> None:
    assert MeasureIndex.of([]).search(Query(text="质押")).hits == ()


# ---------------------------------------------------------------- /search over the corpus

@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory, corpus_files: list[Path]) -> Path:
    path = tmp_path_factory.mktemp("search") / "store"
    store = EmbeddedStore(path)
    for file in corpus_files[:-1]:
        ingest_file(store, file)
    store.close()
    return path


def test_the_index_is_built_in_pages_and_kept(corpus_store: Path) -> None:
    """503 with Retry-After before the first index; one document per page gives the index one page
    gives; a rebuild with nothing changed re-reads no document."""
    async def scenario() -> None:
        runner = QueryRunner(corpus_store, 1, 30)
        await runner.start()
        try:
            paged = SearchIndexCache(corpus_store, page_documents=1, first_wait=0)
            with pytest.raises(Unavailable) as early:
                await paged.latest(runner)
            assert "being built" in early.value.message
            assert int(early.value.headers["Retry-After"]) >= 1
            await paged.start(runner)
            whole = SearchIndexCache(corpus_store)
            await whole.start(runner)
            assert paged.index is not None
            assert whole.index is not None
            assert len(paged.index) > 50
            assert [h.measure for h in paged.index.hits] == [h.measure for h in whole.index.hits]
            kept = dict(paged.documents)
            await paged.start(runner)
            assert all(paged.documents[graph] is document for graph, document in kept.items())
        finally:
            runner.close()
    asyncio.run(scenario())


class Overrunning:
    """The query runner with a time limit as a loaded store has one: a query about more than two
    document graphs, or about the `heavy` one, is not answered in time (Unavailable, as the runner
    says it). It notes how many graphs each query was about."""

    def __init__(self, runner: QueryRunner, heavy: str | None = None, most: int = 2) -> None:
        self.runner, self.heavy, self.most = runner, heavy, most
        self.asked: list[int] = []

    async def rows(self, query: str) -> list[dict[str, str]]:
        values = re.search(r"VALUES \?graph \{([^}]*)\}", query)
        graphs = re.findall(r"<([^>]+)>", values[1]) if values else []
        self.asked.append(len(graphs))
        if len(graphs) > self.most or self.heavy in graphs:
            raise Unavailable("the query ran past the time limit of 10 s and was stopped")
        return await self.runner.rows(query)


def test_a_page_not_answered_in_time_is_read_in_halves(corpus_store: Path) -> None:
    """The index is built from every document the store answers for, a page at a time and in
    halves of a page where it does not answer in time; a document it still does not answer for is
    left out and read at the next build, alone."""
    async def scenario() -> None:
        runner = QueryRunner(corpus_store, 1, 30)
        await runner.start()
        try:
            expected = await SearchIndexCache(corpus_store).refresh(runner)
            graphs = sorted(row["graph"] for row in await runner.rows(CATALOGUE_QUERY))
            heavy = graphs[0]
            cache = SearchIndexCache(corpus_store)
            first = await cache.refresh(Overrunning(runner, heavy))
            assert sorted(cache.documents) == graphs[1:]
            left_out = {row["measure"] for row in await runner.rows(
                f"SELECT ?measure {{ GRAPH <{heavy}> {{ ?policy <{PKG}hasMeasure> ?measure }} }}")}
            assert left_out
            assert [h.measure for h in first.hits] == [h.measure for h in expected.hits
                                                       if h.measure not in left_out]
            later = Overrunning(runner, most=100)
            again = await cache.refresh(later)
            assert [h.measure for h in again.hits] == [h.measure for h in expected.hits]
            assert [n for n in later.asked if n] == [1, 1, 1, 1]  # its measures, policy, money and units
        finally:
            runner.close()
    asyncio.run(scenario())


def test_hits_carry_their_policys_validity_on_the_day(corpus_store: Path) -> None:
    """The status of ingest/validity.py on the cache's day; on a new day it is brought up to date
    without reading the words again."""
    day = [date(2022, 6, 1)]

    def validity(index: MeasureIndex) -> dict[str, str]:
        return {hit.source[:3]: hit.validity for hit in index.hits}

    async def scenario() -> None:
        runner = QueryRunner(corpus_store, 1, 30)
        await runner.start()
        try:
            cache = SearchIndexCache(corpus_store, today=lambda: day[0])
            await cache.start(runner)
            first = await cache.latest(runner)
            # 000 ended 2021-04-30; 001 in force 2021-12-23 to 2024-12-22; 002 from 2022-09; 003: no dates
            assert validity(first) == {"000": "已失效", "001": "现行有效", "002": "尚未生效", "003": "未知"}
            day[0] = date(2025, 1, 1)
            later = await cache.latest(runner)
            assert later.bm25 is first.bm25
            assert validity(later) == {"000": "已失效", "001": "已失效", "002": "现行有效", "003": "未知"}
            result = later.search(Query("知识产权", Filters(validity="现行有效"), limit=100))
            assert result.hits
            assert {hit.source[:3] for hit in result.hits} == {"002"}
            assert dict(result.facets["validity"])["已失效"] > 0
        finally:
            runner.close()
    asyncio.run(scenario())


@pytest.fixture(scope="module")
def app(corpus_store: Path) -> FastAPI:
    return create_app(Settings(corpus_store, query_timeout=30, query_workers=2))


@pytest.fixture(scope="module")
def base(app: FastAPI) -> Iterator[str]:
    """The service, once its first search index is built (503 with Retry-After until then: on a
    loaded machine that can take longer than the first search waits)."""
    with serve(app) as url:
        deadline = time.monotonic() + 120
        while httpx.get(f"{url}/search", params={"q": "知识产权"}, timeout=60).status_code == 503:
            assert time.monotonic() < deadline, "no search index after 120 s"
            time.sleep(0.5)
        yield url


def search(base: str, **params: object) -> dict:
    response = httpx.get(f"{base}/search", params=params, timeout=60)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return response.json()


DRAFT = ("加强驰名商标保护，支持老字号和传统品牌传承发展，对获得驰名商标保护的本地企业商标给予一次性补助，"
         "鼓励企业通过商标国际注册开拓海外市场。")


@pytest.mark.parametrize(("query", "city", "path"), [
    ("质押融资贴息", "泉州市", "二/（二）/14"),
    (DRAFT, "泉州市", "二/（一）/5"),
    ("知识产权保险补助", "泉州市", "二/（二）/16"),
])
def test_drafter_queries_find_the_obvious_measure_first(base: str, query: str, city: str, path: str) -> None:
    first = search(base, q=query)["hits"][0]
    assert (first["jurisdiction"], first["path"]) == (city, path)
    assert first["quote"]
    assert first["policy_title"]
    assert first["doc_number"]
    assert first["date"]
    assert first["page"].startswith("/id/")
    assert first["measure"].endswith(first["page"][len("/id/"):])
    assert first["money"]
    assert first["units"]
    assert first["document_type"] == "意见"
    assert first["validity"] == "已失效"  # 自发布之日起施行，有效期3年, issued 2021-12-23
    assert all(first["quote"][start:end] for start, end in first["highlights"])


def test_money_and_units_of_a_hit(base: str) -> None:
    """泉州's 质押融资贴息: a rate of the interest with a cap, and the units charged with it."""
    first = search(base, q="质押融资贴息", jurisdiction="泉州市")["hits"][0]
    assert any(m["kind"] == "interest_subsidy" and m["rate"] and m["cap"] for m in first["money"])
    assert any("银行" in unit["name"] for unit in first["units"])


def test_a_traditional_copy_is_indexed_and_quoted_in_simplified_mainland_words(base: str) -> None:
    """The 福州 plan is printed in traditional characters and Taiwan wording (智慧財產權): its measures
    are found by mainland words and quoted in them; the print is there for a citation when asked."""
    hits = search(base, q="知识产权质押融资", jurisdiction="福州", limit=3)["hits"]
    assert hits
    assert all("智慧財產權" not in hit["quote"] and hit["printed"] is None for hit in hits)
    assert "知识产权" in hits[0]["quote"]
    printed = search(base, q="知识产权质押融资", jurisdiction="福州", limit=3, printed="true")["hits"]
    assert "智慧財產權" in printed[0]["printed"]
    assert printed[0]["quote"] == hits[0]["quote"]


def test_a_facet_lists_the_values_asked_for_the_most_frequent_first(small_index: MeasureIndex) -> None:
    every = small_index.search(Query("质押融资 宣传")).facets
    facets = small_index.search(Query("质押融资 宣传", facet_values=1)).facets
    assert facets["year"] == every["year"][:1] == [("2021", 2)]
    assert len(every["year"]) == 2
    assert all(len(values) == 1 for values in facets.values())


def test_the_facet_limit_over_http(base: str) -> None:
    answer = search(base, q="知识产权", facet_limit=2)
    assert all(len(values) <= 2 for values in answer["facets"].values())
    assert len(search(base, q="知识产权")["facets"]["jurisdiction"]) > 2
    assert httpx.get(f"{base}/search", params={"q": "知识产权", "facet_limit": 0}).status_code == 422


def test_facets_come_with_the_hits(base: str) -> None:
    answer = search(base, q="知识产权质押融资")
    facets = {name: {f["value"]: f["count"] for f in values} for name, values in answer["facets"].items()}
    assert {"泉州市", "福州市"} <= set(facets["jurisdiction"])
    assert facets["province"]["福建省"] >= 3
    assert facets["topic"]["PledgeFinancing"] >= 3
    assert sum(facets["validity"].values()) == answer["total"]
    assert set(facets["validity"]) <= set(STATUSES)
    assert sum(facets["year"].values()) == answer["total"] == sum(facets["document_type"].values())


def test_filters_over_the_corpus(base: str) -> None:
    for hit in search(base, q="知识产权", jurisdiction="泉州", limit=50)["hits"]:
        assert "泉州市" in (hit["jurisdiction"], hit["parent"])
    years = {hit["date"][:4] for hit in search(base, q="知识产权", year=2021, limit=50)["hits"]}
    assert years == {"2021"}
    hits = search(base, q="金融", topic="PledgeFinancing", limit=50)["hits"]
    assert hits
    assert all("PledgeFinancing" in hit["topics"] for hit in hits)


def test_hits_list_the_primary_topic_first(base: str) -> None:
    hit = search(base, q="知识产权质押融资贴息", jurisdiction="泉州")["hits"][0]
    assert hit["title"] == "开展知识产权质押融资贴息"
    assert hit["topics"][0] == "PledgeFinancing"
    assert hit["topics"][1:] == sorted(hit["topics"][1:])


@pytest.mark.parametrize("params", [
    {"q": "质押融资", "year": "", "jurisdiction": "", "topic": "", "type": "", "validity": "",
     "province": ""},
    {"q": "质押融资", "year_from": "", "year_to": "", "limit": "", "offset": ""},
])
def test_empty_fields_are_no_filters(base: str, params: dict[str, str]) -> None:
    assert search(base, **params)["total"] == search(base, q="质押融资")["total"] > 0


def test_filters_alone_list_their_measures(base: str) -> None:
    answer = search(base, jurisdiction="汕尾", limit=100)
    assert answer["total"] == len(answer["hits"]) > 10
    assert {hit["jurisdiction"] for hit in answer["hits"]} == {"汕尾市"}


def test_search_page_in_html(base: str) -> None:
    response = httpx.get(f"{base}/search", params={"q": "质押融资贴息"}, headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html")
    assert "开展知识产权质押融资贴息" in response.text
    assert 'href="/id/policy/' in response.text
    form = httpx.get(f"{base}/search", headers={"Accept": "text/html"})
    assert form.status_code == 200
    assert "<form" in form.text


@pytest.mark.parametrize(("params", "status"), [
    ({}, 400), ({"q": "x", "topic": "no such topic"}, 400), ({"q": "x", "limit": 0}, 422),
    ({"q": "x", "year": "soon"}, 422), ({"q": "x", "validity": "有效"}, 400),
    ({"q": "x", "year_from": 1899}, 422), ({"q": "x", "offset": 10**9}, 422),
    ({"q": "x", "limit": 10**9}, 422), ({"q": "知" * 5001}, 422), ({"q": "   "}, 400),
])
def test_bad_searches_answer_the_one_error_shape(base: str, params: dict[str, object], status: int) -> None:
    response = httpx.get(f"{base}/search", params=params)  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.json()["error"]["status"] == status


@pytest.mark.parametrize("q", [
    "的 和 如何",  # stop words only
    "，。！？、；：“”（）《》…—,.!?;:()[]{}<>/\\|@#$%^&*~`'\"",  # punctuation only
    "智慧財產權質押融資",  # traditional characters
    "a" * 5000, "1" * 5000, "知" * 5000,  # the longest query, one word of it
    "😀", "patent pledge", "质押\x00融资",
])
def test_odd_queries_answer(base: str, q: str) -> None:
    """What a client may send as words gets an answer (within the client's default 5 s), never a 500."""
    response = httpx.get(f"{base}/search", params={"q": q, "year_from": 1900})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["total"] == len(answer["hits"]) or len(answer["hits"]) == 10


def test_a_query_in_traditional_characters_finds_the_mainland_words(base: str) -> None:
    traditional = search(base, q="智慧財產權質押融資")
    assert traditional["hits"] == search(base, q="知识产权质押融资")["hits"]
    assert "知识产权" in traditional["words"]


def test_the_index_follows_the_store(base: str, app: FastAPI, corpus_store: Path,
                                     corpus_files: list[Path]) -> None:
    """A document ingested while the server runs becomes searchable without a restart, and only
    it is read and tokenised: the others' terms are kept."""
    newcomer = corpus_files[-1]
    before = search(base, q="知识产权", limit=100)["total"]
    kept = dict(app.state.search.documents)
    store = EmbeddedStore(corpus_store)
    ingest_file(store, newcomer)
    store.close()
    deadline = time.monotonic() + 60
    while search(base, q="知识产权", limit=100)["total"] == before:
        assert time.monotonic() < deadline, "the index was not rebuilt"
        time.sleep(0.5)
    documents = app.state.search.documents
    assert len(documents) == len(kept) + 1
    assert all(documents[graph] is document for graph, document in kept.items())
