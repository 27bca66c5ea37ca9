"""Every operation of the OpenAPI schema, fuzzed by schemathesis against a live server over the corpus.

Bounded (40 examples per operation, no shrinking) so that it runs in well under two
minutes; it asserts no server error and that status codes, content types and bodies are the
ones the schema documents.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from live_service import serve
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.app import create_app
from service.config import Settings

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def live(corpus_store_path: Path) -> Iterator[str]:
    settings = Settings(corpus_store_path, query_timeout=10, result_limit=200, query_workers=2)
    with serve(create_app(settings)) as url:
        yield url


SCHEMA = schemathesis.openapi.from_dict(create_app(Settings()).openapi())
"""The schema is the app's own (no server needed to read it); requests go to the live server."""


def operations() -> list[APIOperation]:
    """Every operation of the schema; one that cannot be read fails the collection loudly."""
    found = []
    for result in SCHEMA.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        found.append(result.ok())
    return found


@pytest.mark.parametrize("operation", operations(), ids=lambda operation: operation.label)
def test_api_keeps_its_schema(live: str, operation: APIOperation) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def exchange(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=live, checks=CHECKS, timeout=30)

    exchange()
