"""shapes: a comparison read from the row columns kept at ingest gives the rows of the joins it replaced.

`bench/live/<name>.rq` is a curated query as it was before it read the `row:` columns kept at
ingest (`ingest/rows.py`): it joins every row's measure, policy, source and units live. On a
store, for every value of the comparison's first parameter (every topic, every indicator), both
shapes are evaluated whole on the engine, their rows compared in order (GROUP_CONCAT items in any
order) as RDF terms, datatypes and language tags included, and timed.

    python bench/shapes.py --store /work/bench-data/store-1000
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.store import to_oxigraph
from service.curated import CuratedQuery, load_library, parse_query

LIVE = Path(__file__).resolve().parent / "live"
SEPARATORS = ("、", " ; ")
"""GROUP_CONCAT separators of the curated queries: items in any order."""

Row = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Compared:
    """One comparison for one parameter value: rows of each shape, whether equal, seconds of each."""

    name: str
    value: str
    rows: int
    live_rows: int
    same: bool
    seconds: float
    live_seconds: float


def live_queries() -> dict[str, CuratedQuery]:
    """The joining shapes kept for comparison, by curated query name."""
    return {path.stem: parse_query(path.stem, path.read_text(encoding="utf-8"))
            for path in sorted(LIVE.glob("*.rq"))}


def compare(store: ox.Store, names: list[str] | None = None) -> Iterator[Compared]:
    """Each live shape against its curated query, for every value of its first parameter."""
    library = load_library()
    for name, live in live_queries().items():
        if names and name not in names:
            continue
        curated = library[name]
        first = curated.parameters[0]
        assert first.values_query is not None, name
        for value in _values(store, first.values_query):
            bound = {ox.Variable(k): to_oxigraph(v) for k, v in curated.bind({first.name: value}).items()}
            rows, seconds = _rows(store, curated.sparql, bound)
            live_rows, live_seconds = _rows(store, live.sparql, bound)
            yield Compared(name, value, len(rows), len(live_rows), rows == live_rows, seconds, live_seconds)


def _values(store: ox.Store, query: str) -> list[str]:
    answer = store.query(query, use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    return [solution["value"].value for solution in answer]


def _rows(store: ox.Store, sparql: str, bound: dict[ox.Variable, ox.NamedNode | ox.Literal],
          ) -> tuple[list[Row], float]:
    """The rows in order, each cell an N-Triples term split into its sorted GROUP_CONCAT items."""
    start = time.perf_counter()
    answer = store.query(sparql, use_default_graph_as_union=True, substitutions=bound)  # type: ignore[arg-type]
    assert isinstance(answer, ox.QuerySolutions)
    names = [v.value for v in answer.variables]
    rows = [tuple(_cell(solution[n]) for n in names) for solution in answer]
    return rows, time.perf_counter() - start


def _cell(term: object) -> tuple[str, ...]:
    if term is None:
        return ()
    if isinstance(term, ox.Literal) and any(s in term.value for s in SEPARATORS):
        items = term.value
        for separator in SEPARATORS:
            items = items.replace(separator, "\0")
        return (str(term.datatype), term.language or "", *sorted(items.split("\0")))
    return (str(term),)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="an embedded store (directory)")
    parser.add_argument("names", nargs="*", help="curated queries (all with a live shape by default)")
    args = parser.parse_args()
    store = ox.Store.read_only(str(args.store))
    failed = 0
    print("| query | value | rows | live rows | same | rows s | live s |\n|---|---|---:|---:|---|---:|---:|")
    for found in compare(store, args.names):
        failed += not found.same
        same = "yes" if found.same else "NO"
        print(f"| {found.name} | {found.value.rsplit('/', 1)[-1]} | {found.rows:,} | {found.live_rows:,} | "
              f"{same} | {found.seconds:.3f} | {found.live_seconds:.3f} |", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
