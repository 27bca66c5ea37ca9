"""read.files: the bytes of one input file, read safely.

Only regular files are read: a FIFO would block the reader for ever and a device such as
/dev/zero never ends, so both are refused before a byte is read (the file is opened without
blocking and checked on its descriptor, so a symlink or a race cannot slip one in). A file
over the size limit is refused from its size, and reading stops at the limit in case it grows.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ingest.errors import IngestError

__all__ = ["MAX_BYTES", "file_bytes"]

MAX_BYTES = 20 * 2**20
"""The largest input read by default: policy documents are far smaller, even as PDF with fonts."""
_CHUNK = 2**20
_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def file_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The file's bytes, or IngestError (stage read) naming why it is not read."""
    name = path.name or str(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError as error:
        raise IngestError(name, "read", "no such file") from error
    except IsADirectoryError as error:
        raise IngestError(name, "read", "a directory, not a file") from error
    except OSError as error:
        raise IngestError(name, "read", error.strerror or str(error)) from error
    try:
        status = os.fstat(descriptor)
        _check_kind(name, status.st_mode)
        _check_size(name, status.st_size, limit)
        chunks, size = [], 0
        while chunk := os.read(descriptor, _CHUNK):
            chunks.append(chunk)
            size += len(chunk)
            _check_size(name, size, limit)
    except IsADirectoryError as error:
        raise IngestError(name, "read", "a directory, not a file") from error
    except OSError as error:
        raise IngestError(name, "read", error.strerror or str(error)) from error
    finally:
        os.close(descriptor)
    return b"".join(chunks)


def _check_kind(name: str, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise IngestError(name, "read", "a directory, not a file")
    for test, kind in _KINDS:
        if test(mode):
            raise IngestError(name, "read", f"{kind}, not a regular file: only files are read")


def _check_size(name: str, size: int, limit: int) -> None:
    if size > limit:
        raise IngestError(name, "read", f"{_megabytes(size)} MB, over the limit of {_megabytes(limit)} MB "
                          "for one document (--max-size)")


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f}".removesuffix(".0")
