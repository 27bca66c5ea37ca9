"""`/search`: precedents for a drafter — ranked measures with their text, money, units and citation,
and the facet counts a search page offers beside its filters."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, BeforeValidator, Field

from ingest.schemes import concept_labels
from ingest.vocab import TOPIC
from service.deps import RunnerDep
from service.errors import ERROR_RESPONSE, BadRequest
from service.pages import HTML, href
from service.routes.search_page import search_page
from service.search import Query as SearchQuery
from service.search import SearchResult
from service.search_cache import SearchIndexCache
from service.search_facets import FACET_VALUES, FACETS, Filters
from service.search_rows import printed_query
from service.search_words import highlights
from service.sparql.formats import Format, negotiate
from service.sparql.runner import QueryRunner

router = APIRouter(tags=["search"])

JSON_BODY = Format("json", "application/json")
EXAMPLE_QUERY = "对获得驰名商标保护的企业给予一次性补助，鼓励企业开展商标国际注册"


def _blank_is_none(value: Any) -> Any:
    """An empty form field (year=) is no filter, not an invalid one."""
    return None if isinstance(value, str) and not value.strip() else value


Year = Annotated[int, Field(ge=1900, le=2200)]
Limit = Annotated[int, Field(ge=1, le=100)]
FacetLimit = Annotated[int, Field(ge=1, le=10_000)]
Offset = Annotated[int, Field(ge=0, le=10000)]
BlankIsNone = BeforeValidator(_blank_is_none)


class Money(BaseModel):
    kind: str = Field(description="subsidy, reward, interest_subsidy or other (/def/incentive-kind/).")
    amount: float | None = Field(description="Yuan per `per`, when stated.")
    rate: float | None = Field(description="Share of a cost, as a fraction (0.3 = 30 %).")
    cap: float | None = Field(description="Most yuan granted (最高…).")
    per: str = Field(description="What one amount is paid for: 件, 项目, 企业每年 …")
    condition: str


class Unit(BaseModel):
    name: str = Field(description="The organ's canonical name.")
    lead: bool = Field(description="The measure says this unit leads (牵头).")


class SearchHit(BaseModel):
    measure: str = Field(description="IRI of the measure; dereferenced at `page`.")
    page: str = Field(description="Service path of the measure's page.")
    score: float = Field(description="Relevance to the query (0 when only filters were given).")
    quote: str = Field(description="The measure's text, normalised to simplified mainland wording.")
    highlights: list[tuple[int, int]] = Field(description="[start, end) spans of `quote` matching the query.")
    printed: str | None = Field(description="The measure as printed in the source file (pkg:quote), when "
                                            "asked for with `printed=true`; else null.")
    title: str
    path: str = Field(description="Item path as printed, e.g. 二/（二）/14.")
    source: str = Field(description="File name of the document copy.")
    jurisdiction: str = Field(description="Jurisdiction of the policy (province, city, district or county).")
    parent: str = Field(description="The city a district or county belongs to, when known.")
    province: str
    policy: str = Field(description="IRI of the policy document.")
    policy_title: str
    doc_number: str = Field(description="发文字号.")
    date: str = Field(description="Date of the document (ISO, or year-month).")
    document_type: str = Field(description="Kind of document by its title: 方案, 意见, 办法, 条例 …")
    validity: str = Field(description="The policy's status today: 现行有效, 已失效, 尚未生效 or 未知 "
                                      "(ingest/validity.py).")
    topics: list[str] = Field(description="Topic concepts of the measure (local names under /def/topic/).")
    money: list[Money] = Field(description="The money the measure grants.")
    units: list[Unit] = Field(description="Responsible units, the leading ones first.")


class FacetValue(BaseModel):
    value: str
    count: int


class SearchAnswer(BaseModel):
    total: int = Field(description="Measures that match, before limit and offset.")
    topics: list[str] = Field(description="Topics the query text is about; they ranked matching measures.")
    words: list[str] = Field(description="The query's words found in the measures (what `highlights` mark).")
    facets: dict[str, list[FacetValue]] = Field(description=(
        "Per facet (" + ", ".join(FACETS) + "), the matching measures per value under every other filter, "
        "most first."))
    hits: list[SearchHit]


EXAMPLE_HIT = {
    "measure": "https://w3id.org/policykg/id/policy/b2eea58cf884ef5a/n-635f6bf6e78c51dd/measure/2-1-5",
    "page": "/id/policy/b2eea58cf884ef5a/n-635f6bf6e78c51dd/measure/2-1-5", "score": 15.87,
    "quote": "5.强化知名商标品牌培育。……对新获得国家知识产权局驰名商标保护的泉州企业商标品牌，"
             "每件补助30万元。",
    "highlights": [[24, 28]], "printed": None,
    "title": "强化知名商标品牌培育", "path": "二/（一）/5", "source": "001_0fbb60d79ac4499f.txt",
    "jurisdiction": "泉州市", "parent": "", "province": "福建省",
    "policy": "https://w3id.org/policykg/id/policy/b2eea58cf884ef5a/n-635f6bf6e78c51dd",
    "policy_title": "泉州市人民政府关于促进知识产权高质量发展的若干意见", "doc_number": "泉政文〔2021〕70号",
    "date": "2021-12-23", "document_type": "意见", "validity": "已失效",
    "topics": ["Trademark", "WellKnownBrand"],
    "money": [{"kind": "subsidy", "amount": 300000, "rate": None, "cap": None, "per": "每件",
               "condition": "对新获得国家知识产权局驰名商标保护的泉州企业商标品牌"}],
    "units": [{"name": "泉州市市场监督管理局", "lead": False}]}
EXAMPLE_ANSWER = {"total": 15, "topics": ["WellKnownBrand"], "words": ["驰名商标"],
                  "facets": {"jurisdiction": [{"value": "泉州市", "count": 9}],
                             "year": [{"value": "2021", "count": 6}]},
                  "hits": [EXAMPLE_HIT]}


def get_search_index(request: Request) -> SearchIndexCache:
    index: SearchIndexCache = request.app.state.search
    return index


SearchIndexDep = Annotated[SearchIndexCache, Depends(get_search_index)]
NOTHING_ASKED = "give the query text `q` or a filter (jurisdiction, province, topic, year, type, validity)"


@router.get("/search", response_model=SearchAnswer, responses={
    200: {"description": "Ranked measures, as JSON or an HTML page by Accept.",
          "content": {"application/json": {"example": EXAMPLE_ANSWER},
                      "text/html": {"schema": {"type": "string"}}}},
    400: ERROR_RESPONSE, 406: ERROR_RESPONSE, 422: ERROR_RESPONSE, 503: ERROR_RESPONSE})
async def search(
    request: Request, runner: RunnerDep, cache: SearchIndexDep,
    q: Annotated[str, Query(max_length=5000, description="Words or a pasted draft paragraph.",
                            examples=[EXAMPLE_QUERY])] = "",
    jurisdiction: Annotated[str | None, Query(max_length=50, description=(
        "Only documents of this place or places under it, by name or its start: 泉州, 泉州市."))] = None,
    province: Annotated[str | None, Query(max_length=50, description="Only documents of this province."
                                          )] = None,
    topic: Annotated[str | None, Query(max_length=100, description=(
        "Only measures with this topic: a local name (PledgeFinancing) or label (质押融资)."))] = None,
    year: Annotated[Year | None, BlankIsNone, Query(description="Year of the document.")] = None,
    year_from: Annotated[Year | None, BlankIsNone, Query(description="This year or later.")] = None,
    year_to: Annotated[Year | None, BlankIsNone, Query(description="This year or earlier.")] = None,
    type: Annotated[str | None, Query(max_length=20, description="Kind of document: 方案, 意见, 办法 …"
                                      )] = None,
    validity: Annotated[str | None, Query(max_length=10, description="现行有效, 已失效, 尚未生效, 未知."
                                          )] = None,
    printed: Annotated[bool, Query(description="Also give each hit's text as printed.")] = False,
    limit: Annotated[Limit | None, BlankIsNone, Query(description="Hits per page (10).")] = None,
    offset: Annotated[Offset | None, BlankIsNone, Query(description="Hits skipped (0).")] = None,
    facet_limit: Annotated[FacetLimit | None, BlankIsNone, Query(description=(
        f"Values listed per facet at most ({FACET_VALUES}), the most frequent first."))] = None,
) -> Any:
    """Measures of all cities ranked for `q` (and/or filtered), with normalised text, money, units and
    citation; facet counts for the filters. Every parameter is optional; empty ones are ignored."""
    fmt = negotiate(request.headers.get("accept"), (JSON_BODY, HTML))
    filters = Filters(_given(jurisdiction), _given(province), _given(topic),
                      year if year is not None else year_from, year if year is not None else year_to,
                      _given(type), _given(validity))
    query = SearchQuery(q, filters, limit or 10, offset or 0, facet_limit or FACET_VALUES)
    asked = bool(q.strip()) or filters != Filters()
    if not asked and fmt != HTML:
        raise BadRequest(NOTHING_ASKED)
    result = None
    if asked:
        index = await cache.latest(runner)
        result = await asyncio.to_thread(index.search, query)
    originals = await printed_quotes(result, runner) if printed and result else None
    if fmt == HTML:
        return await search_page(request, runner, query, answer(result, originals) if result else None,
                                 topic_choices())
    if result is None:  # not reached: a JSON request without words or filters is refused above
        raise BadRequest(NOTHING_ASKED)
    body = answer(result, originals)
    return Response(body.model_dump_json(), media_type=JSON_BODY.media_type, headers={"Vary": "Accept"})


def _given(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


async def printed_quotes(result: SearchResult, runner: QueryRunner) -> dict[str, str]:
    """Each hit's text as printed in its source file, by measure IRI."""
    if not result.hits:
        return {}
    rows = await runner.rows(printed_query(hit.measure for hit in result.hits))
    return {row["measure"]: row.get("quote", "") for row in rows}


def answer(result: SearchResult, originals: dict[str, str] | None = None) -> SearchAnswer:
    """The JSON answer; `originals` (printed quotes) when they were asked for."""
    hits = [SearchHit(
        measure=hit.measure, page=href(hit.measure), score=hit.score, quote=hit.quote,
        highlights=highlights(hit.quote, result.words),
        printed=None if originals is None else originals.get(hit.measure, ""),
        title=hit.title, path=hit.path, source=hit.source, jurisdiction=hit.jurisdiction, parent=hit.parent,
        province=hit.province, policy=hit.policy, policy_title=hit.policy_title, doc_number=hit.doc_number,
        date=hit.date, document_type=hit.document_type, validity=hit.validity, topics=list(hit.topics),
        money=[Money(kind=m.kind, amount=m.amount, rate=m.rate, cap=m.cap, per=m.per, condition=m.condition)
               for m in hit.money],
        units=[Unit(name=u.name, lead=u.lead) for u in hit.units]) for hit in result.hits]
    facets = {name: [FacetValue(value=value, count=count) for value, count in values]
              for name, values in result.facets.items()}
    return SearchAnswer(total=result.total, topics=list(result.topics), words=list(result.words),
                        facets=facets, hits=hits)


def topic_choices() -> list[tuple[str, str]]:
    """(local name, Chinese label) of every topic, for the filter menu."""
    return sorted((name, label) for label, name in concept_labels("topics.ttl", str(TOPIC), "zh-Hans",
                                                                   ("prefLabel",)))
