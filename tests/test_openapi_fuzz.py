"""Every operation of the OpenAPI schema, fuzzed by schemathesis against a live server over the corpus:
each operation on its own, then all of them at once from several clients.

Bounded (40 examples per operation, no shrinking; 15 each in the concurrent run) so that it runs in
a few minutes; it asserts no server error and that status codes, content types and bodies are the
ones the schema documents. The server's search index is built before the fuzzing starts: until
then `/search` answers 503 with Retry-After by design (a first fuzzed search on a loaded machine
got that 503, `year_to=1900`, and was taken for a server error).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from live_service import search_ready, serve
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
CLIENTS = 6
"""Operations fuzzed at once in the concurrent run; the service has as many query workers, so
that no request waits out the time limit for one (that 503 is the answer to overload, not a fault)."""


@pytest.fixture(scope="module")
def live(corpus_store_path: Path) -> Iterator[str]:
    settings = Settings(corpus_store_path, query_timeout=10, result_limit=200, query_workers=CLIENTS)
    with serve(create_app(settings)) as url:
        search_ready(url)
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


def fuzzer(base: str, operation: APIOperation, examples: int) -> Callable[[], None]:
    """A hypothesis run of `examples` requests to `operation`, each checked against the schema."""
    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck), database=None)
    def exchange(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=base, checks=CHECKS, timeout=60)

    return exchange


@pytest.mark.parametrize("operation", operations(), ids=lambda operation: operation.label)
def test_api_keeps_its_schema(live: str, operation: APIOperation) -> None:
    fuzzer(live, operation, 40)()


def test_every_operation_at_once_keeps_its_schema(live: str) -> None:
    """CLIENTS clients fuzz different operations at the same time (searches while curated queries,
    exports, dumps and /sparql run): no 5xx, every answer as documented."""
    def fuzzed(operation: APIOperation) -> tuple[str, str]:
        try:
            fuzzer(live, operation, 15)()
        except Exception as error:  # every operation's failure is reported, not only the first
            return operation.label, "\n".join(str(error).strip().splitlines()[:12])
        return operation.label, ""

    with ThreadPoolExecutor(CLIENTS) as pool:
        failed = {label: failure for label, failure in pool.map(fuzzed, operations()) if failure}
    assert failed == {}
