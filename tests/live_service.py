"""A real uvicorn server over a real store, for the tests of the HTTP service (no mocks).

`serve(app)` runs the app in a thread on a free port of 127.0.0.1 and yields its base URL;
`sample_store(path)` writes the sample TriG documents and the W3C protocol test graphs.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import uvicorn
from fastapi import FastAPI

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).parent / "data" / "sparql" / "sample.trig"
PEER = ROOT.parent / "shared" / "peer"
W3C_GRAPHS = {f"http://kasei.us/2009/09/sparql/data/data{n}.rdf": f"data{n}.nt" for n in (1, 2, 3)}


def sample_store(path: Path) -> Path:
    """An on-disk store holding the sample documents and, when present, the W3C dataset graphs."""
    store = ox.Store(str(path))
    store.load(path=str(SAMPLE), format=ox.RdfFormat.TRIG)
    for graph, name in W3C_GRAPHS.items():
        source = PEER / "w3c-protocol" / name
        if source.exists():
            store.load(path=str(source), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    store.flush()
    del store
    return path


@contextmanager
def serve(app: FastAPI, **config: Any) -> Iterator[str]:
    """Run `app` under uvicorn (`config`: more of its settings) on a free local port until the block
    ends; yields the base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", **config))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    httpx.get(f"{base}/openapi.json").raise_for_status()
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()

