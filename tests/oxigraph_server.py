"""A real Oxigraph server process (the `oxigraph` command of the PyPI package) for the remote-store tests.

`oxigraph_server(location)` starts `oxigraph serve` on a free port of 127.0.0.1 with the union
default graph (as the embedded store queries), waits until it answers, yields its base URL and
stops it. Outside CI the tests that need it are skipped when the command is not installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def oxigraph_command() -> str:
    """The `oxigraph` executable beside this Python, or on PATH; skip (fail in CI) when missing."""
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if found is None:
        message = "the oxigraph server is not installed (pip install 'oxigraph>=0.5')"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(url: str, process: subprocess.Popen[bytes] | None = None, seconds: float = 30) -> None:
    """Poll `url` until it answers at all (any HTTP status), or fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {seconds:g} s")


@contextmanager
def oxigraph_server(location: Path | None = None) -> Iterator[str]:
    """`oxigraph serve` on disk at `location` (in memory when None); yields http://127.0.0.1:PORT."""
    port = free_port()
    command = [oxigraph_command(), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    if location is not None:
        command += ["--location", str(location)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/query", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
