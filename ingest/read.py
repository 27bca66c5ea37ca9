"""read: bytes of a corpus file → normalised simplified text with a map back to the original.

INTERFACE STUB (to be replaced by the full implementation; keep the signatures).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import opencc

from ingest.record import Span

_T2S = opencc.OpenCC("t2s")


@dataclass(frozen=True)
class SourceText:
    name: str
    """File name of the source, as the record's `source` field wants it."""
    original: str
    """The decoded file, unchanged."""
    text: str
    """Normalised: NFKC where safe, simplified, Taiwan terms restored, broken lines re-joined."""
    offsets: tuple[int, ...]
    """offsets[i] is the index in `original` of text[i]; one extra entry for the end."""
    encoding: str

    def original_span(self, start: int, end: int) -> Span:
        """The span of `original` that text[start:end] came from."""
        return self.offsets[start], self.offsets[end]


def read_bytes(data: bytes, name: str) -> SourceText:
    original = data.decode("utf-8-sig")
    text = _T2S.convert(original)
    return SourceText(name, original, text, tuple(range(len(text) + 1)), "utf-8")


def read_file(path: Path) -> SourceText:
    return read_bytes(path.read_bytes(), path.name)
