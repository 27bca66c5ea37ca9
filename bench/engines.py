"""engines: the analyst workload on the embedded store and on the SPARQL servers installable here.

From one embedded store (made by `policykg ingest`), the same data is served by:

- **oxigraph-server**: `oxigraph serve` (PyPI `oxigraph`) on the store directory itself (the same
  on-disk format as pyoxigraph of the same version), with the union default graph;
- **virtuoso**: Debian's `virtuoso-opensource-7-bin`, a database of its own in `--work`, bulk-loaded
  from the store's N-Quads (`ld_dir` + `rdf_loader_run`; its default graph is the union of its graphs).

Then `bench/analytics.py` times the workload through a `policykg serve` over each (embedded first,
so every other store's rows are checked against it). Load times and sizes are printed too.

    python bench/engines.py --store /work/bench-data/store-10000 --documents 10000 \\
        --work /work/bench-data/engines-10000 --json bench/out/engines-10000.json
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import analytics
from bench.run import free_port

VIRTUOSO_INI = """\
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
CheckpointInterval = 60
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
DirsAllowed = {folder}, {source}
MaxQueryMem = 2G
MaxSortedTopRows = 10000000
VectorSize = 1000
AdjustVectorSize = 1

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
MaxClientConnections = 10

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 600
MaxQueryCostEstimationTime = 0
"""
BUFFER_BYTES = 8700
"""What Virtuoso's tuning guide counts per buffer (an 8 kB page and its overhead)."""


def seconds(start: float) -> str:
    return f"{time.perf_counter() - start:,.0f} s"


def dump(store: Path, folder: Path) -> Path:
    """The store's quads as N-Quads in `folder`, written by pyoxigraph itself (Virtuoso's bulk loader
    reads them from there)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "store.nq"
    if not target.exists():
        partial = folder / "store.nq.part"
        ox.Store.read_only(str(store)).dump(str(partial), format=ox.RdfFormat.N_QUADS)
        partial.rename(target)
    return target


def isql(sql_port: int, statement: str, timeout: float = 7200) -> str:
    done = subprocess.run(["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={statement}"],
                          capture_output=True, text=True, timeout=timeout, check=True)
    if "*** Error" in done.stdout + done.stderr:
        raise RuntimeError(f"isql: {statement}: {done.stdout}{done.stderr}")
    return done.stdout


@contextmanager
def virtuoso(folder: Path, nquads: Path, memory_gb: float) -> Iterator[str]:
    """Virtuoso with its database in `folder`, loaded from `nquads` on first start; yields /sparql."""
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    buffers = int(memory_gb * 2**30 / BUFFER_BYTES)
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(
        folder=folder, source=nquads.parent, sql_port=sql_port, http_port=http_port, buffers=buffers,
        dirty=buffers * 3 // 4))
    process = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                               cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while subprocess.run(["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba", "exec=status();"],
                             capture_output=True, timeout=60).returncode != 0:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("virtuoso did not start")
            time.sleep(1)
        loaded = folder / "loaded"
        if not loaded.exists():
            start = time.perf_counter()
            isql(sql_port, f"ld_dir('{nquads.parent}', '{nquads.name}', 'urn:policykg:default');")
            isql(sql_port, "rdf_loader_run();")
            isql(sql_port, "checkpoint;")
            loaded.write_text(f"loaded in {seconds(start)}\n")
            print(f"virtuoso: {loaded.read_text().strip()}", file=sys.stderr, flush=True)
        yield f"http://127.0.0.1:{http_port}/sparql"
    finally:
        process.terminate()
        process.wait(timeout=300)


@contextmanager
def oxigraph_server(store: Path) -> Iterator[str]:
    """`oxigraph serve` on the store directory (read-write: nothing else may have it open to write)."""
    command = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"
    port = free_port()
    arguments = ["serve", "--location", str(store), "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    process = subprocess.Popen([command, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}/query"
    finally:
        process.terminate()
        process.wait(timeout=120)


def size_of(path: Path) -> str:
    return f"{sum(p.stat().st_size for p in path.rglob('*') if p.is_file()) / 2**30:.2f} GB"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="an embedded store (policykg ingest)")
    parser.add_argument("--documents", type=int, required=True)
    parser.add_argument("--work", type=Path, required=True, help="where the Virtuoso database and dump go")
    parser.add_argument("--engines", nargs="+", default=["embedded", "oxigraph-server", "virtuoso"])
    parser.add_argument("--virtuoso-memory", type=float, default=4.0, help="GB of Virtuoso buffers")
    args, rest = parser.parse_known_args(argv)
    print(f"embedded store: {size_of(args.store)}", file=sys.stderr, flush=True)
    with ExitStack() as stack:
        stores = []
        for engine in args.engines:
            if engine == "embedded":
                location = str(args.store)
            elif engine == "oxigraph-server":
                location = stack.enter_context(oxigraph_server(args.store))
            else:
                start = time.perf_counter()
                nquads = dump(args.store, args.work)
                print(f"dump: {seconds(start)}, {nquads.stat().st_size / 2**30:.2f} GB", file=sys.stderr)
                location = stack.enter_context(virtuoso(args.work / "virtuoso", nquads, args.virtuoso_memory))
                print(f"virtuoso database: {size_of(args.work / 'virtuoso')}", file=sys.stderr, flush=True)
            stores += ["--store", f"{engine}={location}"]
        analytics.main(["--documents", str(args.documents), *stores, *rest])

if __name__ == "__main__":
    main()
