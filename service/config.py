"""Settings: one typed object, built by the CLI (or a test) from the environment and passed down.

Nothing here runs at import time; `Settings.from_env()` is called where a command starts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Settings"]

DEFAULT_STORE = Path(".policykg/store")


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
    the store (~275 MB at 10,000 documents). Env: POLICYKG_QUERY_WORKERS. Default: the CPUs, 2–4."""
    sparql_endpoint: str | None = None
    """SPARQL 1.1 query endpoint of a remote store, used instead of the embedded one when set.
    Env: POLICYKG_SPARQL_ENDPOINT. Default: none (embedded store)."""
    sparql_update_endpoint: str | None = None
    """SPARQL 1.1 Update endpoint of the remote store. Env: POLICYKG_SPARQL_UPDATE_ENDPOINT.
    Default: the query endpoint."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then the environment, then explicit overrides (command-line options)."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if env.get("POLICYKG_STORE"):
            values["store_path"] = Path(env["POLICYKG_STORE"])
        for name in ("sparql_endpoint", "sparql_update_endpoint"):
            if env.get(f"POLICYKG_{name.upper()}"):
                values[name] = env[f"POLICYKG_{name.upper()}"]
        for name, kind in (("query_timeout", float), ("result_limit", int), ("query_workers", int)):
            if env.get(f"POLICYKG_{name.upper()}"):
                values[name] = kind(env[f"POLICYKG_{name.upper()}"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    @property
    def store_location(self) -> str:
        """Where the store is, for messages: the remote endpoint or the embedded directory."""
        return self.sparql_endpoint or str(self.store_path)
