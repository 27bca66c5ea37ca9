"""Request dependencies as `Annotated` aliases: the settings and the query runner held by the app.

Async, so FastAPI calls them on the event loop instead of handing each to a thread."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from service.config import Settings
from service.sparql.runner import QueryRunner


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_runner(request: Request) -> QueryRunner:
    runner: QueryRunner = request.app.state.runner
    return runner


SettingsDep = Annotated[Settings, Depends(get_settings)]
RunnerDep = Annotated[QueryRunner, Depends(get_runner)]
