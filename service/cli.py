"""The `policykg` command line: the outer ring where files, the store and the terminal meet."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rdflib import URIRef
from tqdm import tqdm

from ingest.build import default_jobs, ingest_all
from ingest.errors import IngestError
from ingest.ontology import load_ontology
from ingest.pipeline import build, extract_record
from ingest.read import MAX_BYTES, read_file
from ingest.sparql import is_iri
from ingest.store import DocumentEntry, Solutions, Store, StoreUnreachable, connect, select
from service.batch import (
    COPY,
    FACTS,
    INGESTED,
    NOT_ATTEMPTED,
    PARTIAL,
    REFUSED,
    SKIPPED,
    Batch,
    Outcomes,
    skipped_note,
)
from service.config import Settings, SettingsError
from service.curated import ParameterError, load_library, page_bounds, paged
from service.errors import BadRequest, Refused, ServiceError
from service.sparql.guard import inspect
from service.sparql.protocol import READ_ONLY

__all__ = ["app", "main"]

app = typer.Typer(help="policykg: a knowledge graph of Chinese local IP policy documents.",
                  no_args_is_help=True, add_completion=False)

UPDATE_REFUSED = ("SPARQL Update is refused: policykg query only reads the store "
                  "(change it with policykg ingest, load or remove)")
Files = Annotated[list[Path], typer.Argument(
    help="Policy documents (.txt, .html, .docx, .pdf, .md); folders are read whole.")]
MaxSize = Annotated[float, typer.Option(
    "--max-size", help="Largest file read, in MB; larger ones are refused.", min=0.001)]
_DEFAULT_MB = MAX_BYTES / 2**20


@app.callback()
def configure(
    ctx: typer.Context,
    store: Annotated[Path | None, typer.Option(help="Store directory (env: POLICYKG_STORE).")] = None,
    endpoint: Annotated[str | None, typer.Option(
        help="SPARQL query endpoint of a remote store, instead of the embedded one "
             "(env: POLICYKG_SPARQL_ENDPOINT).")] = None,
    update_endpoint: Annotated[str | None, typer.Option(
        help="SPARQL Update endpoint of the remote store, when not the query endpoint "
             "(env: POLICYKG_SPARQL_UPDATE_ENDPOINT).")] = None,
) -> None:
    """Build the one Settings object every command reads from ctx.obj."""
    with settings_checked():
        ctx.obj = Settings.from_env(store_path=store, sparql_endpoint=endpoint,
                                    sparql_update_endpoint=update_endpoint)


@contextmanager
def settings_checked() -> Iterator[None]:
    """A setting that cannot be used is one error line and exit status 2."""
    try:
        yield
    except SettingsError as error:
        typer.echo(f"error: settings: {error}", err=True)
        raise typer.Exit(2) from error


def corpus_files(paths: list[Path]) -> list[Path]:
    """The files of a batch: those named, and each folder's files of a format policykg reads;
    the files of another kind in a folder are reported on stderr and skipped."""
    batch = Batch.of(paths)
    for path in batch.skipped:
        typer.echo(f"skipped: {path.name}: {skipped_note(path)}", err=True)
    return batch.files


def _warn(name: str, warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        typer.echo(f"warning: {name}: {warning}", err=True)


def _bytes(megabytes: float) -> int:
    return int(megabytes * 2**20)


@contextmanager
def open_store(settings: Settings) -> Iterator[Store]:
    """The configured store, closed on the way out; a store that cannot open or answer is one error line."""
    try:
        store = connect(settings.store_path, settings.sparql_endpoint, settings.sparql_update_endpoint)
    except OSError as error:
        typer.echo(f"error: store: {settings.store_location}: {error}", err=True)
        raise typer.Exit(2) from error
    try:
        yield store
    except OSError as error:
        typer.echo(f"error: store: {settings.store_location}: {error}", err=True)
        raise typer.Exit(2) from error
    finally:
        store.close()


@app.command()
def extract(paths: Files, max_size: MaxSize = _DEFAULT_MB) -> None:
    """Print the extraction records (../shared/eval/SCHEMA.md) of FILES as one JSON array."""
    records, failed = [], 0
    for path in corpus_files(paths):
        try:
            record = extract_record(path, read_file(path, _bytes(max_size)))
            _warn(record.source, record.warnings)
            records.append(record.to_json())
        except IngestError as error:
            typer.echo(f"error: {error}", err=True)
            failed += 1
    json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    if failed:
        raise typer.Exit(1)


@app.command()
def validate(paths: Files, max_size: MaxSize = _DEFAULT_MB) -> None:
    """Check FILES against the SHACL shapes without storing them; exit 1 on any violation."""
    failed = 0
    for path in corpus_files(paths):
        try:
            built = build(path, _bytes(max_size))
        except IngestError as error:
            typer.echo(f"error: {error}", err=True)
            failed += 1
            continue
        _warn(path.name, built.record.warnings)
        typer.echo(f"{path.name}: {len(built.graph)} triples: {built.report}")
        failed += not built.report.conforms
    if failed:
        raise typer.Exit(1)


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Files,
    jobs: Annotated[int | None, typer.Option(
        help="Processes extracting and validating in parallel (default: the CPUs).")] = None,
    max_size: MaxSize = _DEFAULT_MB,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Refuse partial copies (cut mid-sentence, abridged) instead of keeping them marked."
    )] = False,
) -> None:
    """Extract, graph, validate and store FILES; invalid ones are reported and left out.

    Ends with a summary: how many went in, and each file refused or skipped with the reason.
    A store that stops answering ends the batch with one line and the summary (exit 2)."""
    settings: Settings = ctx.obj
    batch = Batch.of(paths)
    outcomes = Outcomes()
    for path in batch.skipped:
        typer.echo(f"skipped: {path.name}: {skipped_note(path)}", err=True)
    with open_store(settings) as store:
        lost = _store_batch(store, batch.files, outcomes, jobs or default_jobs(), _bytes(max_size), strict)
    if lost is not None:
        done = outcomes.count(INGESTED) + outcomes.count(REFUSED)
        typer.echo(f"error: store: {lost}; stopped after {done} of {len(batch.files)} document(s)", err=True)
        for path in batch.files[done:]:
            outcomes.add(NOT_ATTEMPTED, path.name)
    for path in batch.skipped:
        outcomes.add(SKIPPED, path.name, skipped_note(path))
    for line in outcomes.summary(len(batch.files), settings.store_location):
        typer.echo(line, err=True)
    if lost is not None:
        raise typer.Exit(2)
    if outcomes.count(REFUSED) or not outcomes.count(INGESTED):
        raise typer.Exit(1)


def _store_batch(store: Store, files: list[Path], outcomes: Outcomes, jobs: int, limit: int, strict: bool
                 ) -> StoreUnreachable | None:
    """Ingest `files` into `store` with a progress bar, each file's outcome told to `outcomes`, then
    load the vocabulary; the store's error when it stopped answering part-way."""
    progress = tqdm(total=len(files), desc="ingest", unit="doc", file=sys.stderr, disable=len(files) < 2)
    try:
        def warn(name: str, said: str) -> None:
            tqdm.write(f"warning: {name}: {said}", file=sys.stderr)

        stored = ingest_all(store, files, jobs, limit, warn, strict)
        for entry in stored:
            if isinstance(entry, IngestError):
                tqdm.write(f"error: {entry}", file=sys.stderr)
                outcomes.add(REFUSED, entry.source, f"{entry.stage}: {entry.reason}")
            else:
                outcomes.add(INGESTED, entry.source)
                _copy_outcomes(outcomes, entry)
            progress.update()
        load_ontology(store)
    except StoreUnreachable as error:
        return error
    finally:
        progress.close()
    return None


def _copy_outcomes(outcomes: Outcomes, entry: DocumentEntry) -> None:
    """Say of an ingested file that it is partial, held as a copy, or the copy that now supplies
    the facts of its policy, and which file was kept."""
    if entry.partial:
        outcomes.add(PARTIAL, entry.source, entry.partial)
    if entry.copy_of:
        outcomes.add(COPY, entry.source, f"the policy's facts come from {entry.copy_of}, kept")
    if entry.kept_as_copies:
        outcomes.add(FACTS, entry.source, f"fuller than {', '.join(entry.kept_as_copies)}, kept as a copy")


@app.command()
def load(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="RDF file: Turtle, N-Triples, RDF/XML, JSON-LD …")],
    graph: Annotated[str, typer.Option(help="IRI of the named graph to replace with the file.")],
) -> None:
    """Load an RDF file into a named graph (replacing it), e.g. your own vocabulary."""
    if not is_iri(graph):
        typer.echo(f"error: {file.name}: load: not an absolute IRI: {graph}", err=True)
        raise typer.Exit(2)
    with open_store(ctx.obj) as store:
        try:
            count = store.load(file, URIRef(graph))
        except (OSError, ValueError, SyntaxError) as error:
            typer.echo(f"error: {file.name}: load: {error}", err=True)
            raise typer.Exit(1) from error
    typer.echo(f"loaded {count} triples into <{graph}>", err=True)


@app.command()
def documents(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array instead of a table.")] = False,
) -> None:
    """List stored documents: file name, triples, ingest time, graph IRI; copies held and partial
    copies say so."""
    with open_store(ctx.obj) as store:
        entries = store.documents()
    if as_json:
        rows = [{"source": e.source, "triples": e.triples, "ingested": e.ingested.isoformat(),
                 "graph": e.graph, "policy": e.policy, "partial": e.partial, "copy_of": e.copy_of}
                for e in entries]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for e in entries:
        notes = [f"copy of {e.copy_of}'s policy, held" if e.copy_of else "",
                 f"partial: {e.partial}" if e.partial else ""]
        row = [e.source, str(e.triples), e.ingested.isoformat(), e.graph, *filter(None, notes)]
        typer.echo("\t".join(row))


@app.command()
def remove(
    ctx: typer.Context,
    document: Annotated[str, typer.Argument(help="File name, graph IRI or policy IRI.")],
) -> None:
    """Remove a stored document, its catalogue entry and its citation links."""
    with open_store(ctx.obj) as store:
        removed = store.remove(document)
    if not removed:
        typer.echo(f"error: {document}: remove: no such document in the store", err=True)
        raise typer.Exit(1)
    typer.echo(f"removed {removed.graphs} graph(s) for {document}", err=True)
    for entry in removed.promoted:
        typer.echo(f"{entry.source}: now supplies the facts of its policy (a copy kept before)", err=True)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    query_timeout: Annotated[float | None, typer.Option(
        help="Seconds per /sparql query (env POLICYKG_QUERY_TIMEOUT, default 10).")] = None,
    result_limit: Annotated[int | None, typer.Option(
        help="Most rows or triples per answer (env POLICYKG_RESULT_LIMIT, default 10000).")] = None,
    query_workers: Annotated[int | None, typer.Option(
        help="Query worker processes (env POLICYKG_QUERY_WORKERS, default the CPUs, 2–4).")] = None,
    worker_memory: Annotated[int | None, typer.Option(
        help="Megabytes one query worker may take (env POLICYKG_WORKER_MEMORY, default 2048).")] = None,
    answer_limit: Annotated[int | None, typer.Option(
        help="Most megabytes of terms in one answer (env POLICYKG_ANSWER_LIMIT, default 64).")] = None,
) -> None:
    """Serve the HTTP API (/sparql, /health, /dump, /ontology, /docs) over the store."""
    import uvicorn

    from service.app import create_app

    limits = {"query_timeout": query_timeout, "result_limit": result_limit, "query_workers": query_workers,
              "worker_memory": worker_memory, "answer_limit": answer_limit}
    chosen = {name: value for name, value in limits.items() if value is not None}
    with settings_checked():
        settings = dataclasses.replace(ctx.obj, **chosen)
    uvicorn.run(create_app(settings), host=host, port=port)


@app.command()
def query(
    ctx: typer.Context,
    sparql: Annotated[str, typer.Argument(help="A .rq file, or the query text itself.")],
) -> None:
    """Run a SPARQL query over the store and print its rows as a tab-separated table; read-only,
    with the endpoint's rules (no SERVICE, the same limits)."""
    text, source = query_text(sparql)
    try:
        inspect(text)
    except Refused as error:
        message = UPDATE_REFUSED if error.message == READ_ONLY else error.message
        typer.echo(f"error: {source}: query: {message}", err=True)
        raise typer.Exit(2) from error
    except BadRequest as error:
        typer.echo(f"error: {source}: query: {error.message}", err=True)
        raise typer.Exit(2) from error
    with open_store(ctx.obj) as store:
        try:
            result = store.query(text)
        except (SyntaxError, ValueError, RuntimeError) as error:
            kind = "SPARQL syntax error: " if isinstance(error, SyntaxError) else ""
            typer.echo(f"error: {source}: query: {kind}{' '.join(str(error).split())}", err=True)
            raise typer.Exit(1) from error
    if isinstance(result, Solutions):
        print_table(result)
    elif isinstance(result, bool):
        typer.echo(str(result).lower())
    else:
        typer.echo(result.serialize(format="turtle"))


def query_text(sparql: str) -> tuple[str, str]:
    """The query of `policykg query`, and what to call it in messages: a file's text (a .rq file, or
    any file that exists), else the argument itself."""
    path = Path(sparql)
    try:
        exists = path.exists()
    except (OSError, ValueError):  # a query text too long or odd for a file name
        exists = False
    if not (sparql.endswith(".rq") or exists):
        return sparql, "query text"
    if exists and not path.is_file():
        typer.echo(f"error: {path.name}: query: not a file", err=True)
        raise typer.Exit(2)
    try:
        return path.read_text(encoding="utf-8"), path.name
    except FileNotFoundError as error:
        typer.echo(f"error: {path.name}: query: no such file", err=True)
        raise typer.Exit(2) from error
    except UnicodeDecodeError as error:
        typer.echo(f"error: {path.name}: query: not UTF-8 text (byte {error.start})", err=True)
        raise typer.Exit(2) from error
    except OSError as error:
        typer.echo(f"error: {path.name}: query: {error.strerror}", err=True)
        raise typer.Exit(2) from error


@app.command()
def queries(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="A curated query; all are listed when left out.")] = None,
    param: Annotated[list[str] | None, typer.Option(help="A parameter as NAME=VALUE; repeatable.")] = None,
    limit: Annotated[int, typer.Option(help="Rows per page.")] = 100,
    offset: Annotated[int, typer.Option(help="Rows skipped.")] = 0,
) -> None:
    """List the curated queries, or run one (parameters bound as RDF terms) and print its rows."""
    library = load_library()
    if name is None:
        for curated in library.values():
            typer.echo(f"{curated.name}\t{curated.title}")
        return
    if name not in library:
        typer.echo(f"error: queries: no curated query {name!r}; try: {', '.join(library)}", err=True)
        raise typer.Exit(2)
    malformed = [item for item in param or [] if "=" not in item]
    if malformed:
        typer.echo(f"error: queries: {name}: --param takes NAME=VALUE, not {malformed[0]!r}", err=True)
        raise typer.Exit(2)
    raw = dict(item.partition("=")[::2] for item in param or [])
    try:
        bindings = library[name].bind(raw)
        page = page_bounds({"limit": str(limit), "offset": str(offset)}, ctx.obj.result_limit)
    except ParameterError as error:
        typer.echo(f"error: queries: {name}: {error}", err=True)
        raise typer.Exit(2) from error
    with open_store(ctx.obj) as store:
        result = select(store, paged(library[name].sparql, *page), bindings)
    print_table(result)


@app.command()
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Words or a pasted draft paragraph ('' with a filter).")],
    jurisdiction: Annotated[str | None, typer.Option(help="Only this place or those under it: 泉州.")] = None,
    province: Annotated[str | None, typer.Option(help="Only this province.")] = None,
    topic: Annotated[str | None, typer.Option(help="Only this topic: PledgeFinancing or 质押融资.")] = None,
    year: Annotated[int | None, typer.Option(help="Only documents of this year.")] = None,
    kind: Annotated[str | None, typer.Option("--type", help="Only this kind: 方案, 意见.")] = None,
    limit: Annotated[int, typer.Option(help="Hits shown.", min=1, max=100)] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="The JSON answer of /search, not a table.")] = False,
) -> None:
    """Precedents: the measures of every stored policy ranked for a drafter's words, as a table.

    The index is the service's: kept beside an embedded store after each build, so that a call
    reads and tokenises only the documents ingested since (the first call reads them all)."""
    from service.routes.search import answer
    from service.search import Query
    from service.search_cache import SearchIndexCache
    from service.search_disk import path_for
    from service.search_facets import Filters

    filters = Filters(jurisdiction, province, topic, year, year, kind)
    if not text.strip() and filters == Filters():
        typer.echo("error: search: give words to search for, or a filter", err=True)
        raise typer.Exit(2)
    settings: Settings = ctx.obj
    local = None if settings.sparql_endpoint else Path(settings.store_path)
    with open_store(settings) as store, tqdm(desc="reading measures", unit="document", file=sys.stderr,
                                             disable=None) as bar:
        def report(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        cache = SearchIndexCache(local, kept=path_for(local))
        index = asyncio.run(cache.refresh(_StoreRows(store), report))
    try:
        result = index.search(Query(text, filters, limit))
    except ServiceError as error:
        typer.echo(f"error: search: {error.message}", err=True)
        raise typer.Exit(2) from error
    if as_json:
        typer.echo(answer(result).model_dump_json(indent=2))
        return
    about = f"; about: {', '.join(result.topics)}" if result.topics else ""
    typer.echo(f"{result.total} measure(s){about}")
    for rank, hit in enumerate(result.hits, start=1):
        money = "; ".join(_money(m.amount, m.rate, m.cap) for m in hit.money)
        typer.echo(f"\n{rank:>2}. {hit.title or hit.path}  [{hit.score:.2f}]")
        typer.echo(f"    {hit.jurisdiction} · {hit.policy_title} · {hit.doc_number or '无文号'} · {hit.date} "
                   f"· 条目 {hit.path}" + (f" · {money}" if money else ""))
        typer.echo(f"    {' '.join(hit.quote.split())[:120]}")


class _StoreRows:
    """The store's answers to the search index's SELECTs, read in this process."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def rows(self, query: str) -> list[dict[str, str]]:
        result = await asyncio.to_thread(select, self.store, query)
        return [{name: str(value) for name, value in row.items()} for row in result.rows]


def _money(amount: float | None, rate: float | None, cap: float | None) -> str:
    """一笔激励 in a drafter's units: 30万元, 30%, 最高20万元."""
    parts = [f"{amount / 10_000:g}万元" if amount is not None else "",
             f"{rate * 100:g}%" if rate is not None else "",
             f"最高{cap / 10_000:g}万元" if cap is not None else ""]
    return " ".join(part for part in parts if part)


def print_table(result: Solutions) -> None:
    """Rows as tab-separated values under a header line; an unbound cell is empty."""
    typer.echo("\t".join(result.variables))
    for row in result.rows:
        cells = (" ".join(str(row.get(v, "")).split()) for v in result.variables)
        typer.echo("\t".join(cells))


GLOBAL_OPTIONS = ("--store", "--endpoint", "--update-endpoint")
"""Options of every command, which a user may give after the command's name too."""


def global_options_first(argv: list[str]) -> list[str]:
    """`policykg ingest x --store S` read as `policykg --store S ingest x` (up to a `--`)."""
    front: list[str] = []
    rest: list[str] = []
    position = 0
    while position < len(argv):
        argument = argv[position]
        if argument == "--":
            rest += argv[position:]
            break
        if argument.partition("=")[0] in GLOBAL_OPTIONS:
            taken = 1 if "=" in argument else 2
            front += argv[position:position + taken]
            position += taken
            continue
        rest.append(argument)
        position += 1
    return front + rest


def main() -> None:
    app(args=global_options_first(sys.argv[1:]))
