"""A private Virtuoso process (Debian's `virtuoso-opensource-7-bin`) for the remote-store tests.

`virtuoso_server(folder)` writes a virtuoso.ini whose database, log and lock files all live in
`folder`, starts `virtuoso-t` in the foreground on two free ports of 127.0.0.1 (SQL and HTTP),
waits until /sparql answers, grants SPARQL Update to the endpoint's user through `isql`, yields
the base URL and stops the process. Not the system service: nothing outside `folder` is touched.
Virtuoso's default graph is the union of its graphs unless told otherwise, as the store expects.
Outside CI the tests that need it are skipped when the binaries are not installed
(scripts/ci-tools installs them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from oxigraph_server import free_port, wait_until_up

INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 10
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {folder}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
MaxClientConnections = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""

GRANT = 'grant SPARQL_UPDATE to "SPARQL";'
"""The anonymous /sparql endpoint runs as the SQL user SPARQL, which may only read by default."""


def virtuoso_commands() -> tuple[str, str]:
    """`virtuoso-t` and `isql-vt` on PATH; skip (fail in CI) when missing."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if server is None or isql is None:
        message = "Virtuoso is not installed (scripts/ci-tools: apt-get install virtuoso-opensource-7-bin)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return server, isql


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[str]:
    """Virtuoso with its database in `folder`; yields http://127.0.0.1:PORT (queries and updates: /sparql)."""
    server, isql = virtuoso_commands()
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(folder=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    process = subprocess.Popen([server, "+foreground", "+configfile", str(ini)], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_up(f"{base}/sparql?query=ASK%7B%7D", process, seconds=60)
        granted = subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={GRANT}"],
                                 check=True, capture_output=True, text=True, timeout=30)
        if "*** Error" in granted.stdout + granted.stderr:
            raise RuntimeError(f"isql: {granted.stdout}{granted.stderr}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=60)
