"""The `policykg` command line: the outer ring where files, the store and the terminal meet."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ingest.errors import IngestError
from ingest.pipeline import extract_record

app = typer.Typer(help="policykg: a knowledge graph of Chinese local IP policy documents.",
                  no_args_is_help=True, add_completion=False)

Files = Annotated[list[Path], typer.Argument(help="Policy documents (.txt); folders are read whole.")]


def corpus_files(paths: list[Path]) -> list[Path]:
    """The files named, with folders expanded to their .txt files in name order."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.txt")) if path.is_dir() else [path])
    return files


@app.command()
def extract(paths: Files) -> None:
    """Print the extraction records (../shared/eval/SCHEMA.md) of FILES as one JSON array."""
    records, failed = [], 0
    for path in corpus_files(paths):
        try:
            records.append(extract_record(path).to_json())
        except IngestError as error:
            typer.echo(f"error: {error}", err=True)
            failed += 1
    json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    if failed:
        raise typer.Exit(1)


def main() -> None:
    app()
