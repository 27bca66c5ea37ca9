"""read: a file of any supported format → one normalised text with a map back to the original.

One reader per format (`text`, `html`, `docx`, `pdf`, `markdown`, and `legacy` for the
formats that are refused with a way to convert them); each turns the file into its text as
printed and hands it to the one normalisation (`normalise`), so every later stage sees the
same text whatever the file was. The file's content decides the reader (a Word file saved
as .doc that is really a web page is read as one); its name decides only among text formats.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.errors import IngestError
from ingest.read import docx, html, legacy, markdown, pdf, text
from ingest.read.files import MAX_BYTES, file_bytes
from ingest.read.normalise import normalise
from ingest.read.source import SourceText
from ingest.read.text import read_bytes

__all__ = ["MAX_BYTES", "SUFFIXES", "SourceText", "normalise", "read_bytes", "read_data", "read_file",
           "supported"]

Reader = Callable[[bytes, str], SourceText]

_BY_SUFFIX: dict[str, Reader] = {
    ".txt": text.read_bytes, ".text": text.read_bytes,
    ".html": html.read, ".htm": html.read, ".shtml": html.read, ".xhtml": html.read,
    ".md": markdown.read, ".markdown": markdown.read,
    ".docx": docx.read, ".pdf": pdf.read,
    ".doc": legacy.read_doc, ".wps": legacy.read_wps, ".ofd": legacy.read_ofd,
}
SUFFIXES = tuple(_BY_SUFFIX)
"""The file name endings a folder is searched for; other files in it are reported and skipped."""
_PDF = b"%PDF-"
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<meta", b"<body")


def supported(path: Path) -> bool:
    """True when a file of this name is read by one of the readers (or refused by one, with a way out)."""
    return path.suffix.lower() in _BY_SUFFIX


def read_file(path: Path, limit: int = MAX_BYTES) -> SourceText:
    """The normalised text of a file of any supported format, or IngestError naming why not."""
    return read_data(file_bytes(path, limit), path.name)


def read_data(data: bytes, name: str) -> SourceText:
    """The normalised text of a file's bytes, read by the reader its content calls for: PDF, a
    zip (DOCX, OFD), an OLE2 file (.doc, .wps), a web page under any name; else by its name."""
    if not data.strip():
        raise IngestError(name, "read", "empty file")
    return _reader(data, name)(data, name)


def _reader(data: bytes, name: str) -> Reader:
    suffix = Path(name).suffix.lower()
    head = data[:1024].lstrip().lower()
    if _PDF in data[:1024]:
        return pdf.read
    if data.startswith(_ZIP):
        return legacy.read_ofd if suffix == ".ofd" else docx.read
    if data.startswith(_OLE2):
        return legacy.read_wps if suffix == ".wps" else legacy.read_doc
    if suffix in (".docx", ".pdf", ".ofd"):
        return _BY_SUFFIX[suffix]
    if head.removeprefix(b"\xef\xbb\xbf").startswith(_HTML_START):
        return html.read
    return _BY_SUFFIX.get(suffix, text.read_bytes)
