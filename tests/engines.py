"""The SPARQL servers the remote-store tests run against, by name, each with its two endpoints.

Oxigraph serves queries and updates at /query and /update, Virtuoso both at /sparql: the store
takes the two URLs and nothing else, so the same tests prove it is not tied to one engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from oxigraph_server import oxigraph_server
from virtuoso_server import virtuoso_server

ENGINES = ("oxigraph", "virtuoso")
PATHS = {"oxigraph": ("/query", "/update"), "virtuoso": ("/sparql", "/sparql")}


class Engine(NamedTuple):
    name: str
    query: str
    update: str


def endpoints(name: str, base: str) -> Engine:
    """The query and update endpoints of engine `name` served at `base`."""
    query, update = PATHS[name]
    return Engine(name, base + query, base + update)


@contextmanager
def engine_server(name: str, folder: Path) -> Iterator[Engine]:
    """A fresh server of engine `name` with its data in `folder`."""
    server = oxigraph_server(folder) if name == "oxigraph" else virtuoso_server(folder)
    with server as base:
        yield endpoints(name, base)
