"""The FastAPI application: a thin `create_app(settings)` that wires routes, errors, CORS and the runner."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp

from service.config import Settings
from service.errors import ServiceError
from service.jurisdiction_paging import jurisdiction_keys
from service.middleware import ResponseHeaders
from service.pages import handle_error_page, static_files
from service.routes import (
    compare,
    docs,
    dump,
    entities,
    health,
    home,
    ontology,
    queries,
    search,
    search_page,
    sparql,
)
from service.search_cache import SearchIndexCache
from service.search_disk import path_for
from service.sparql.runner import QueryRunner, WorkerLimits
from service.store_stamp import StoreStamp

__all__ = ["create_app"]

DESCRIPTION = """\
A knowledge graph of Chinese local-government intellectual-property policy documents
(Policy → Measure → ResponsibleUnit → Target → Incentive).

`/sparql` is a read-only SPARQL 1.1 Protocol endpoint; its default graph is the union of all
document graphs. Every error has the body `{"error": {"status": …, "message": …}}`.
"""


class _Service(FastAPI):
    """FastAPI with ResponseHeaders outside all of its middleware, its server-error answers included."""

    def build_middleware_stack(self) -> ASGIApp:
        return ResponseHeaders(super().build_middleware_stack())


def create_app(settings: Settings) -> FastAPI:
    """The service over the store that `settings` names; query workers live as long as the app."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        limits = WorkerLimits(settings.worker_memory * 2**20, settings.answer_limit * 2**20)
        runner = QueryRunner(Path(settings.store_path), settings.query_workers, settings.query_timeout,
                             settings.sparql_endpoint, limits=limits)
        await runner.start()
        app.state.runner = runner
        await queries.load_choices(app, runner)
        app.state.search.start(runner)
        try:
            yield
        finally:
            app.state.search.close()
            runner.close()

    app = _Service(title="policykg", description=DESCRIPTION, version=version("policykg"),
                   lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    path = None if settings.sparql_endpoint else Path(settings.store_path)
    app.state.search = SearchIndexCache(path, kept=path_for(path))
    app.state.jurisdictions = jurisdiction_keys(StoreStamp(path))
    app.state.triple_count = health.triple_count(StoreStamp(path))
    app.state.store_counts = home.store_counts(StoreStamp(path))
    app.state.policy_list = home.policy_list(StoreStamp(path))
    app.state.policy_days = home.DayView()
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
                       allow_headers=["*"], expose_headers=["X-Result-Limit", "X-Result-Truncated"],
                       allow_private_network=True)  # a hosted query editor may reach an intranet service
    for error in (ServiceError, HTTPException, RequestValidationError, Exception):
        app.add_exception_handler(error, handle_error_page)
    app.mount("/static", static_files(), name="static")
    for module in (home, docs, compare, search_page, sparql, health, dump, ontology, search, entities):
        app.include_router(module.router)
    queries.install(app)
    return app
