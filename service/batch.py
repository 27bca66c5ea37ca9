"""The files of one command's batch, and the closing summary of what became of each.

A folder is read whole: every file of a format policykg reads goes in (the content then picks
the reader); a file of another kind is reported and skipped; hidden files and sub-folders are
left alone. Each file ends with one outcome, a word (ingested, refused, skipped, …) and a note;
the summary counts them and repeats the notes of those that did not go in, so a long batch
whose progress bar scrolled the error lines away still ends with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.read import supported

__all__ = ["COPY", "FACTS", "INGESTED", "NOT_ATTEMPTED", "PARTIAL", "REFUSED", "SKIPPED", "Batch", "Outcomes"]

INGESTED = "ingested"
REFUSED = "refused"
SKIPPED = "skipped"
NOT_ATTEMPTED = "not attempted"
PARTIAL = "partial"
COPY = "added as a copy"
"""An ingested file that another copy of its policy outdoes: held, the facts come from that one."""
FACTS = "now supplies the facts"
"""An ingested file fuller than the copy that supplied its policy's facts, which is held instead."""
_NOTED = (REFUSED, SKIPPED, PARTIAL, COPY, FACTS)
_COUNTED = {SKIPPED: "file(s) of another kind skipped"}
"""How the summary counts an outcome, when not by its word alone."""
"""Outcomes whose notes the summary repeats, file by file."""


@dataclass(frozen=True)
class Batch:
    """The files to read, and the files of a folder skipped as of another kind."""

    files: list[Path]
    skipped: list[Path]

    @classmethod
    def of(cls, paths: Iterable[Path]) -> Batch:
        """Files named are read whatever their name; folders give their files of known formats."""
        files: list[Path] = []
        skipped: list[Path] = []
        for path in paths:
            if not path.is_dir():
                files.append(path)
                continue
            for child in sorted(path.iterdir()):
                if child.name.startswith(".") or child.is_dir():
                    continue
                (files if supported(child) else skipped).append(child)
        return cls(files, skipped)


def skipped_note(path: Path) -> str:
    kind = path.suffix.lower() or "no extension"
    return f"not a format policykg reads ({kind}): .txt .html .docx .pdf .md are read"


@dataclass
class Outcomes:
    """What became of each file of a batch, in the order they were told."""

    notes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def add(self, outcome: str, name: str, note: str = "") -> None:
        self.notes.setdefault(outcome, []).append((name, note))

    def count(self, outcome: str) -> int:
        return len(self.notes.get(outcome, ()))

    def summary(self, total: int, where: str) -> list[str]:
        """The closing lines: the count of each outcome, then the notes of files left out, partial
        or held as copies."""
        others = [f"{len(items)} {_COUNTED.get(outcome, outcome)}" for outcome, items in self.notes.items()
                  if outcome != INGESTED]
        head = f"ingested {self.count(INGESTED)} of {total} document(s) into {where}"
        lines = [head + "".join(f"; {item}" for item in others)]
        for outcome in _NOTED:
            lines += [f"  {outcome}: {name}: {note}" for name, note in self.notes.get(outcome, ())]
        return lines
