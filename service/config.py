"""Settings: one typed object, built by the CLI (or a test) from the environment and passed down.

Nothing here runs at import time; `Settings.from_env()` is called where a command starts. A value
that cannot be used (not a number, out of range, not an http(s) URL) raises SettingsError with one
line naming the setting, for the CLI to print.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["Settings", "SettingsError"]

DEFAULT_STORE = Path(".policykg/store")


class SettingsError(ValueError):
    """A setting that cannot be used; the message is one line naming it."""


@dataclass(frozen=True)
class Settings:
    store_path: Path = DEFAULT_STORE
    """Directory of the embedded Oxigraph store. Env: POLICYKG_STORE. Default: .policykg/store."""
    query_timeout: float = 10.0
    """Seconds a /sparql query may run before it is stopped. Env: POLICYKG_QUERY_TIMEOUT. Default: 10."""
    result_limit: int = 10000
    """Most rows or triples in a /sparql answer; more are cut and flagged. Env: POLICYKG_RESULT_LIMIT."""
    query_workers: int = field(default_factory=lambda: min(4, max(2, os.cpu_count() or 2)))
    """Query worker processes, the most queries run at once; each holds its own read-only view of
    the store (its memory in bench/README.md). Env: POLICYKG_QUERY_WORKERS. Default: the CPUs, 2–4."""
    worker_memory: int = 2048
    """Megabytes of memory (heap and stacks) one query worker may take; a query that needs more is
    stopped (503) and the worker replaced. Env: POLICYKG_WORKER_MEMORY. Default: 2048."""
    answer_limit: int = 64
    """Most megabytes of RDF terms in one /sparql answer; rows past them are cut and flagged like
    rows past the result limit. Env: POLICYKG_ANSWER_LIMIT. Default: 64."""
    sparql_endpoint: str | None = None
    """SPARQL 1.1 query endpoint of a remote store, used instead of the embedded one when set.
    Env: POLICYKG_SPARQL_ENDPOINT. Default: none (embedded store)."""
    sparql_update_endpoint: str | None = None
    """SPARQL 1.1 Update endpoint of the remote store. Env: POLICYKG_SPARQL_UPDATE_ENDPOINT.
    Default: the query endpoint."""

    def __post_init__(self) -> None:
        for name, (lowest, highest) in RANGES.items():
            value = getattr(self, name)
            if not lowest <= value <= highest:
                raise SettingsError(f"{_where(name)}: {value:g} is out of range ({lowest:g} to {highest:g})")
        for name in ("sparql_endpoint", "sparql_update_endpoint"):
            url = getattr(self, name)
            if url is not None and not _is_http_url(url):
                raise SettingsError(f"{_where(name)}: {url!r} is not an http:// or https:// URL")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then the environment, then explicit overrides (command-line options)."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for setting in fields(cls):
            text = env.get(_variable(setting.name), "").strip()
            if text:
                values[setting.name] = _parse(setting.name, text)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    @property
    def store_location(self) -> str:
        """Where the store is, for messages: the remote endpoint or the embedded directory."""
        return self.sparql_endpoint or str(self.store_path)


RANGES: dict[str, tuple[float, float]] = {
    "query_timeout": (0.1, 86_400), "result_limit": (1, 100_000_000), "query_workers": (1, 64),
    "worker_memory": (512, 1_048_576), "answer_limit": (1, 65_536),
}
PARSERS: dict[str, tuple[Callable[[str], object], str]] = {
    "store_path": (Path, "a directory"), "query_timeout": (float, "a number of seconds"),
    "result_limit": (int, "a whole number"), "query_workers": (int, "a whole number"),
    "worker_memory": (int, "a whole number of megabytes"),
    "answer_limit": (int, "a whole number of megabytes"),
    "sparql_endpoint": (str, "a URL"), "sparql_update_endpoint": (str, "a URL"),
}
ENV_NAMES = {"store_path": "POLICYKG_STORE"}
OPTIONS = {"store_path": "--store", "sparql_endpoint": "--endpoint",
           "sparql_update_endpoint": "--update-endpoint"}


def _variable(name: str) -> str:
    return ENV_NAMES.get(name, f"POLICYKG_{name.upper()}")


def _where(name: str) -> str:
    """How a user sets `name`: its environment variable (the CLI options carry the same name)."""
    return f"{_variable(name)} ({OPTIONS.get(name, '--' + name.replace('_', '-'))})"


def _parse(name: str, text: str) -> object:
    parse, kind = PARSERS[name]
    try:
        return parse(text)
    except ValueError:
        raise SettingsError(f"{_variable(name)}={text!r}: not {kind}") from None


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
