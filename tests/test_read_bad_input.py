"""Bad input at the read stage: every file that cannot be read is one IngestError naming the
file, the stage (read) and the problem, and nothing is read that should not be: a FIFO does
not block, /dev/zero is not read, a file over the limit is refused from its size."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from bench import formats
from ingest.errors import IngestError
from ingest.read import read_data, read_file

ROOT = Path(__file__).resolve().parent.parent
POLICY = (ROOT / "corpus" / "001_0fbb60d79ac4499f.txt").read_text(encoding="utf-8")


def image_only_pdf() -> bytes:
    """A scan: each page is a picture, no text layer."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setFillGray(0.2)
    for row in range(30):
        page.rect(72, 760 - row * 22, 400, 12, fill=1, stroke=0)
    page.showPage()
    page.save()
    return out.getvalue()


def encrypted_pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, encrypt="secret")
    page.drawString(72, 760, "Intellectual property policy")
    page.showPage()
    page.save()
    return out.getvalue()


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


NAV_ONLY = """<html><head><meta charset="utf-8"><title>政策文件</title></head><body>
<ul class="menu"><li><a href="/">首页</a></li><li><a href="/zcwj">政策文件</a></li></ul>
<ul><li><a href="/a/1.html">关于印发知识产权强市建设方案的通知</a></li>
<li><a href="/a/2.html">关于专利资助办法的通知</a></li></ul>
<div class="footer">版权所有 市人民政府</div></body></html>"""

BAD_FILES = {
    "scan.pdf": (image_only_pdf, "the PDF has no text layer"),
    "locked.pdf": (encrypted_pdf, "the PDF is encrypted"),
    "not-a-zip.docx": (lambda: POLICY.encode()[:4000], "not a DOCX file: not a zip archive"),
    "other-zip.docx": (lambda: zip_of({"readme.txt": b"hello"}), "not a DOCX file: a zip archive without"),
    "cut-short.docx": (lambda: formats.docx(POLICY)[:3000], "not a DOCX file: not a zip archive, or a"),
    "old-word.doc": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Word 97-2003 (.doc)"),
    "wps-writer.wps": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "WPS Writer (.wps)"),
    "invoice.ofd": (lambda: zip_of({"OFD.xml": b"<ofd:OFD/>"}), "OFD files are not read"),
    "navigation.html": (lambda: NAV_ONLY.encode(), "the page holds no text besides site furniture"),
    # a text file under the size limit that holds far more than a policy: many documents in one
    "all-policies.txt": (lambda: (POLICY * 500).encode(),
                         f"{len(POLICY) * 500:,} characters of text, more than"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_unreadable_file_is_one_read_error(name: str) -> None:
    make, reason = BAD_FILES[name]
    with pytest.raises(IngestError) as caught:
        read_data(make(), name)
    assert (caught.value.source, caught.value.stage) == (name, "read")
    assert caught.value.reason.startswith(reason), caught.value.reason
    assert "\n" not in str(caught.value)


def test_long_document_is_read_whole() -> None:
    """A regulation or plan many times longer than a 若干意见 is one document, not a refusal."""
    long_text = POLICY * 64
    assert len(long_text) > 390_000
    assert read_data(long_text.encode(), "five-year-outline.txt").text.count("泉州市") == \
        64 * POLICY.count("泉州市")


def test_doc_error_says_how_to_convert() -> None:
    with pytest.raises(IngestError, match=r"libreoffice --headless --convert-to docx old\.doc"):
        read_data(BAD_FILES["old-word.doc"][0](), "old.doc")


def test_file_over_the_limit_is_refused_from_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as out:
        out.truncate(50 * 2**20)
    started = time.monotonic()
    with pytest.raises(IngestError, match=r"^big\.txt: read: 50 MB, over the limit of 20 MB"):
        read_file(big)
    assert time.monotonic() - started < 1


def test_limit_can_be_raised(tmp_path: Path) -> None:
    path = tmp_path / "policy.txt"
    path.write_text(POLICY, encoding="utf-8")
    with pytest.raises(IngestError, match="over the limit"):
        read_file(path, limit=1000)
    assert read_file(path, limit=10**6).text


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(IngestError, match=r"^pipe\.txt: read: a FIFO \(named pipe\), not a regular file"):
        read_file(fifo)


def test_symlink_to_a_device_is_not_read(tmp_path: Path) -> None:
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(IngestError, match=r"^zero\.txt: read: a character device, not a regular file"):
        read_file(link)


@pytest.mark.parametrize(("name", "reason"), [("missing.pdf", "no such file"),
                                              (".", "a directory, not a file")])
def test_missing_file_and_directory(tmp_path: Path, name: str, reason: str) -> None:
    with pytest.raises(IngestError, match=reason):
        read_file(tmp_path / name)


def test_zip_bomb_docx_is_refused_before_it_is_unpacked() -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/styles.xml", bytes(201 * 2**20))
    with pytest.raises(IngestError, match=r"^bomb\.docx: read: damaged DOCX file: it unpacks to 201 MB"):
        read_data(bomb.getvalue(), "bomb.docx")
