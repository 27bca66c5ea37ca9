"""growth: the ingest rate as the store grows, and the peak memory of the ingest.

Runs `policykg ingest --jobs N` (a child process) over a folder into a store that may already hold
documents, reads its progress bar as it goes, and prints the rate over every `--every` documents
with the store size at that point, then the peak resident memory of the ingest process tree.

    python bench/growth.py --store /work/bench-data/store-50000 --corpus /work/bench-data/50000-rest \\
        --stored 10000 --every 2000 --json bench/out/growth-50000.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import MemoryPeak
from bench.run import CLI, ROOT
from ingest.build import default_jobs

_PROGRESS = re.compile(r"(\d+)/(\d+) \[")


def windows(marks: list[tuple[float, int, float]], every: int) -> list[tuple[int, float, float]]:
    """For each `every` documents: documents done at the end of the window, documents/s over it, and
    the load average at its end, from (seconds, documents done, load average) marks."""
    found, last_time, last_done = [], 0.0, 0
    for seconds, done, load in marks:
        if done - last_done >= every:
            found.append((done, (done - last_done) / max(seconds - last_time, 1e-9), load))
            last_time, last_done = seconds, done
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True, help="the folder of documents to ingest")
    parser.add_argument("--stored", type=int, default=0, help="documents the store holds before this run")
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    command = [*CLI, "--store", str(args.store), "ingest", "--jobs", str(args.jobs), str(args.corpus)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    marks: list[tuple[float, int, float]] = []
    pending = b""
    with MemoryPeak(process.pid) as memory:
        while chunk := process.stderr.read1(4096):  # type: ignore[attr-defined]
            pending += chunk
            *lines, pending = re.split(rb"[\r\n]", pending)
            for line in lines:
                found = _PROGRESS.search(line.decode("utf-8", "replace"))
                if found:
                    marks.append((time.perf_counter() - start, int(found.group(1)), os.getloadavg()[0]))
                elif line.strip():
                    print(line.decode("utf-8", "replace"), file=sys.stderr, flush=True)
        process.wait()
    seconds = time.perf_counter() - start
    done = marks[-1][1] if marks else 0
    rows = windows(marks, args.every)
    print("| stored before | documents/s over the window | load |\n|---:|---:|---:|")
    for end, rate, load in rows:
        print(f"| {args.stored + end - args.every:,} | {rate:,.1f} | {load:.1f} |")
    print(f"\n{done:,} documents in {seconds:,.0f} s ({done / seconds:,.1f}/s), store from {args.stored:,} "
          f"to {args.stored + done:,}; peak memory of the ingest process tree {memory.peak / 2**20:,.0f} MB")
    if args.json:
        args.json.write_text(json.dumps({"stored": args.stored, "seconds": seconds, "documents": done,
                                         "peak_mb": memory.peak / 2**20, "windows": rows}))
    if process.returncode:
        sys.exit(process.returncode)


if __name__ == "__main__":
    main()
