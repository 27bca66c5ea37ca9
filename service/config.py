"""Settings: one typed object, built by the CLI (or a test) from the environment and passed down.

Nothing here runs at import time; `Settings.from_env()` is called where a command starts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings"]

DEFAULT_STORE = Path(".policykg/store")


@dataclass(frozen=True)
class Settings:
    store_path: Path = DEFAULT_STORE
    """Directory of the embedded Oxigraph store. Env: POLICYKG_STORE. Default: .policykg/store."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then the environment, then explicit overrides (command-line options)."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if env.get("POLICYKG_STORE"):
            values["store_path"] = Path(env["POLICYKG_STORE"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
