"""`/search`: precedents for a drafter — ranked measures with their source text and citation."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from ingest.schemes import concept_labels
from ingest.vocab import TOPIC
from service.deps import RunnerDep
from service.errors import ERROR_RESPONSE, BadRequest
from service.pages import HTML, href, render
from service.search import Query as SearchQuery
from service.search import SearchResult
from service.search_cache import SearchIndexCache
from service.sparql.formats import Format, negotiate

router = APIRouter(tags=["search"])

JSON_BODY = Format("json", "application/json")
EXAMPLE_QUERY = "对获得驰名商标保护的企业给予一次性补助，鼓励企业开展商标国际注册"


class SearchHit(BaseModel):
    measure: str = Field(description="IRI of the measure; dereferenced at `page`.")
    page: str = Field(description="Service path of the measure's page.")
    score: float = Field(description="BM25 on jieba tokens × (1 + boost for topics the query names).")
    quote: str = Field(description="The measure as printed in the source (pkg:quote).")
    title: str
    path: str = Field(description="Item path as printed, e.g. 二/（二）/14.")
    city: str = Field(description="Jurisdiction of the policy (city, district or county).")
    parent: str = Field(description="The city a district or county belongs to, when known.")
    province: str
    policy: str = Field(description="IRI of the policy document.")
    policy_title: str
    doc_number: str = Field(description="发文字号.")
    date: str = Field(description="Date of the document (ISO, or year-month).")
    topics: list[str] = Field(description="Topic concepts of the measure (local names under /def/topic/).")


class SearchAnswer(BaseModel):
    total: int = Field(description="Measures that match, before limit and offset.")
    topics: list[str] = Field(description="Topics named by the query text; they boosted matching measures.")
    hits: list[SearchHit]


EXAMPLE_ANSWER = {"total": 15, "topics": ["Trademark", "WellKnownBrand"], "hits": [{
    "measure": "https://w3id.org/policykg/id/policy/b2eea58cf884ef5a/n-635f6bf6e78c51dd/measure/2-1-5",
    "page": "/id/policy/b2eea58cf884ef5a/n-635f6bf6e78c51dd/measure/2-1-5", "score": 15.87,
    "quote": "5.强化知名商标品牌培育。……对新获得国家知识产权局驰名商标保护的泉州企业商标品牌，"
             "每件补助30万元。",
    "title": "强化知名商标品牌培育", "path": "二/（一）/5", "city": "泉州市", "parent": "",
    "province": "福建省",
    "policy": "https://w3id.org/policykg/id/policy/b2eea58cf884ef5a/n-635f6bf6e78c51dd",
    "policy_title": "泉州市人民政府关于促进知识产权高质量发展的若干意见", "doc_number": "泉政文〔2021〕70号",
    "date": "2021-12-23", "topics": ["Trademark", "WellKnownBrand"]}]}


def get_search_index(request: Request) -> SearchIndexCache:
    index: SearchIndexCache = request.app.state.search
    return index


SearchIndexDep = Annotated[SearchIndexCache, Depends(get_search_index)]


@router.get("/search", response_model=SearchAnswer, responses={
    200: {"description": "Ranked measures, as JSON or an HTML page by Accept.",
          "content": {"application/json": {"example": EXAMPLE_ANSWER},
                      "text/html": {"schema": {"type": "string"}}}},
    400: ERROR_RESPONSE, 406: ERROR_RESPONSE, 422: ERROR_RESPONSE, 503: ERROR_RESPONSE})
async def search(
    request: Request, runner: RunnerDep, cache: SearchIndexDep,
    q: Annotated[str, Query(max_length=5000, description="Words or a pasted draft paragraph.",
                            examples=[EXAMPLE_QUERY])] = "",
    city: Annotated[str | None, Query(max_length=50, description=(
        "Only documents of this place or places under it; a prefix of the name: 泉州 or 泉州市."))] = None,
    topic: Annotated[str | None, Query(max_length=100, description=(
        "Only measures with this topic: a local name (PledgeFinancing) or label (质押融资)."))] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200, description="Year of the document.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    offset: Annotated[int, Query(ge=0, le=10000)] = 0,
) -> Any:
    """Measures of all cities ranked for `q` (and/or `topic`), with quoted source and citation."""
    fmt = negotiate(request.headers.get("accept"), (JSON_BODY, HTML))
    query = SearchQuery(q, city, topic, year, limit, offset)
    asked = bool(q.strip() or topic)
    if not asked and fmt != HTML:
        raise BadRequest("give the query text `q`, a `topic`, or both")
    result = None
    if asked:
        index = await cache.current(runner)
        result = await asyncio.to_thread(index.search, query)
    if fmt == HTML:
        page = render("search.html", query=query, result=result, topics=topic_choices(),
                      hits=answer(result).hits if result else [])
        return Response(page, media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
    assert result is not None
    return Response(answer(result).model_dump_json(), media_type=JSON_BODY.media_type,
                    headers={"Vary": "Accept"})


def answer(result: SearchResult) -> SearchAnswer:
    hits = [SearchHit(**{**asdict(hit), "topics": list(hit.topics)}, page=href(hit.measure))
            for hit in result.hits]
    return SearchAnswer(total=result.total, topics=list(result.topics), hits=hits)


def topic_choices() -> list[tuple[str, str]]:
    """(local name, Chinese label) of every topic, for the filter menu."""
    return sorted((name, label) for label, name in concept_labels("topics.ttl", str(TOPIC), "zh-Hans",
                                                                   ("prefLabel",)))
