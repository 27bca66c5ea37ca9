"""read.legacy: formats no well-kept, licence-compatible Python library reads, refused with one
line that names the format and how to convert the file.

Word 97-2003 (.doc) and WPS Writer (.wps) files are OLE2 compound documents whose text sits in
a piece table only full office suites decode reliably; LibreOffice converts both. OFD (GB/T
33190, China's fixed-layout format) is read by easyofd, which depends on PyMuPDF (AGPL), so it
cannot ship with an Apache-2.0 project; OFD readers export it as PDF, which is read here.
"""

from __future__ import annotations

from typing import NoReturn

from ingest.errors import IngestError
from ingest.read.source import SourceText

__all__ = ["read_doc", "read_ofd", "read_wps"]

_OFFICE = "convert it with `libreoffice --headless --convert-to docx {name}` and read the .docx"


def read_doc(data: bytes, name: str) -> SourceText:
    _refuse(name, "Word 97-2003 (.doc) files are not read", _OFFICE)


def read_wps(data: bytes, name: str) -> SourceText:
    _refuse(name, "WPS Writer (.wps) files are not read", _OFFICE)


def read_ofd(data: bytes, name: str) -> SourceText:
    _refuse(name, "OFD files are not read", "open it in an OFD reader (数科OFD, 福昕OFD) and save it as PDF")


def _refuse(name: str, what: str, how: str) -> NoReturn:
    raise IngestError(name, "read", f"{what}; {how.format(name=name)}")
