"""formats_rate: ingest throughput per input format, on the generated corpus.

The first N documents of the synthetic corpus (bench/generate.py) are written as plain text,
as government web pages with their metadata table, as Word files and as PDF (bench/formats.py);
each folder is ingested by the real `policykg ingest --jobs J` into a fresh store, and the rate
is the whole command's documents per second (start-up included, as in bench/run.py).

    .venv/bin/python bench/formats_rate.py --size 200 --jobs 2
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import formats
from bench.generate import document
from bench.run import CLI

WRITERS: dict[str, tuple[str, Callable[[str], bytes]]] = {
    "text": (".txt", lambda text: text.encode()),
    "html": (".html", lambda text: formats.gov_page(text, formats.Fields(text.split("\n", 1)[0])).encode()),
    "docx": (".docx", formats.docx),
    "pdf": (".pdf", formats.pdf),
}


def write(folder: Path, size: int, kind: str) -> None:
    suffix, make = WRITERS[kind]
    folder.mkdir(parents=True)
    for index in range(size):
        name, text = document(index, 0)
        (folder / name).with_suffix(suffix).write_bytes(make(text))


def rate(folder: Path, size: int, jobs: int) -> float:
    store = folder.parent / f"{folder.name}-store"
    start = time.perf_counter()
    done = subprocess.run([*CLI, "--store", str(store), "ingest", "--jobs", str(jobs), str(folder)],
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if f"ingested {size} of {size}" not in done.stderr:
        raise RuntimeError(f"{folder.name}: not every document went in:\n{done.stderr[-2000:]}")
    return size / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--formats", nargs="+", default=list(WRITERS), choices=list(WRITERS))
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        print(f"| format | documents | documents/s (--jobs {options.jobs}) |")
        print("|---|---:|---:|")
        for kind in options.formats:
            folder = Path(scratch) / kind
            write(folder, options.size, kind)
            print(f"| {kind} | {options.size} | {rate(folder, options.size, options.jobs):.1f} |", flush=True)


if __name__ == "__main__":
    main()
