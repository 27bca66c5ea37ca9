"""read.text: the bytes of a plain-text file → its decoded text, then the one normalisation.

Encodings of Chinese text files in the wild: UTF-8 with or without BOM, UTF-16 with BOM,
GB18030 and its subsets GBK and GB2312, Big5. A BOM decides; else strict UTF-8; else
charset-normalizer's best guess. The HTML and Markdown readers decode their bytes here too.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from ingest.errors import IngestError
from ingest.read.normalise import normalise
from ingest.read.source import SourceText

__all__ = ["decode", "read_bytes"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz"}
"""GB18030 is a superset of these: decoding with it never loses a character they have."""
_DAMAGE_TOLERANT = ("utf-8", "gb18030")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """The decoded text and the encoding used: BOM first, then strict UTF-8, then
    charset-normalizer's best guess (GBK and GB2312 read as their superset GB18030)."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return _strict(data, codec, name), label
    if b"\x00" not in data:
        try:
            return _checked(data.decode("utf-8"), name), "utf-8"
        except UnicodeDecodeError:
            pass
    guess = charset_normalizer.from_bytes(data).best()
    if guess is None:
        return _damaged(data, name)
    encoding = codecs.lookup(guess.encoding).name
    if encoding in _GB_FAMILY:
        encoding = "gb18030"
    return _strict(data, encoding, name), encoding


def _damaged(data: bytes, name: str) -> tuple[str, str]:
    """A text file with a few bad bytes (a web copy cut inside a character, a stray byte)
    is still that text: read it with replacement characters rather than reject it."""
    for encoding in _DAMAGE_TOLERANT:
        text = data.decode(encoding, errors="replace")
        damage = text.count("\ufffd")
        if damage <= len(data) // 1000 + 1:
            return _checked(text, name), f"{encoding}, bad sequences replaced: {damage}"
    raise IngestError(name, "read", "binary data, not text")


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return _checked(data.decode(encoding), name)
    except UnicodeDecodeError as error:
        raise IngestError(name, "read", f"binary data, not text ({encoding}: {error.reason})") from error


def _checked(text: str, name: str) -> str:
    if not text.strip():
        raise IngestError(name, "read", "empty file")
    if "\x00" in text or len(_CONTROL.findall(text)) > len(text) // 100:
        raise IngestError(name, "read", "binary data, not text")
    return text


def read_bytes(data: bytes, name: str) -> SourceText:
    """The normalised text of a plain-text file's bytes, or IngestError for empty or binary input."""
    if not data.strip():
        raise IngestError(name, "read", "empty file")
    original, encoding = decode(data, name)
    return normalise(original, name, encoding)
