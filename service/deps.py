"""Request dependencies as `Annotated` aliases: the settings and the query runner held by the app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Protocol

from fastapi import Depends, Request

from service.sparql.runner import QueryRunner


class ServiceSettings(Protocol):
    """The settings the HTTP service reads (the Settings of service/config.py provides them)."""

    store_path: Path
    query_timeout: float
    result_limit: int
    query_workers: int


def get_settings(request: Request) -> ServiceSettings:
    settings: ServiceSettings = request.app.state.settings
    return settings


def get_runner(request: Request) -> QueryRunner:
    runner: QueryRunner = request.app.state.runner
    return runner


SettingsDep = Annotated[ServiceSettings, Depends(get_settings)]
RunnerDep = Annotated[QueryRunner, Depends(get_runner)]
