"""A real uvicorn server over a real store, for the tests of the HTTP service (no mocks).

`serve(app)` runs the app in a thread on a free port of 127.0.0.1 and yields its base URL;
`service_process(...)` starts `policykg serve` as a process of its own, freshly, as a user does;
`sample_store(path)` writes the sample TriG documents and the W3C protocol test graphs;
`search_ready(base)` waits, as a client told Retry-After does, until the search index is built.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
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


def searchable(base: str, seconds: float = 300) -> str:
    """`base` once the service's first search index is built: until then /search and the topic pages
    answer 503 with Retry-After, and on a loaded machine the build outlasts their first wait."""
    deadline = time.monotonic() + seconds
    while httpx.get(f"{base}/search", params={"q": "知识产权"}, timeout=60).status_code == 503:
        assert time.monotonic() < deadline, f"no search index after {seconds:g} s"
        time.sleep(0.5)
    return base


def search_ready(base: str, timeout: float = 300) -> None:
    """Return once /search answers (a loaded machine may take longer than a search's first wait to
    index even two documents: the service answers 503 with Retry-After meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        response = httpx.get(f"{base}/search", params={"q": "知识产权"}, timeout=60)
        if response.status_code != 503 or time.monotonic() > deadline:
            response.raise_for_status()
            return
        time.sleep(min(5, int(response.headers.get("Retry-After", "1"))))


@contextmanager
def service_process(*options: str, env: dict[str, str] | None = None,
                    ) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A freshly started `policykg [OPTIONS] serve` process on a free local port, as a user starts
    it (`options`: --store PATH or --endpoint URL and serve's own); yields its base URL and process,
    then stops it (SIGTERM, and SIGKILL after 30 s)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    serve_at = list(options)
    global_options = []
    while serve_at and serve_at[0] in ("--store", "--endpoint", "--update-endpoint"):
        global_options += serve_at[:2]
        serve_at = serve_at[2:]
    command = [sys.executable, "-c", "from service.cli import main; main()", *global_options, "serve",
               "--port", str(port), *serve_at]
    log = tempfile.TemporaryFile()  # noqa: SIM115 (open until the process ends, after the yield)
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"the service exited: {log.read().decode()[-2000:]}")
            try:
                httpx.get(f"{base}/openapi.json", timeout=5).raise_for_status()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the service did not start") from None
                time.sleep(0.1)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
