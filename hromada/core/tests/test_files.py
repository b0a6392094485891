import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from hromada.core.errors import ValidationFailed
from hromada.core.files import OLE2_MAGIC, validate_document

MB = 1_000_000


def zipped(name: str, parts: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part, body in parts.items():
            archive.writestr(part, body)
    return SimpleUploadedFile(name, buffer.getvalue())


def picture(fmt: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 3)).save(buffer, fmt)
    return SimpleUploadedFile("x.bin", buffer.getvalue())


DOCX = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
ODT = {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}


@pytest.mark.parametrize(
    ("upload", "extension"),
    [
        (SimpleUploadedFile("a.txt", b"%PDF-1.7\n..."), "pdf"),
        (zipped("scan.pdf", DOCX), "docx"),
        (zipped("a", {"[Content_Types].xml": b"", "xl/workbook.xml": b""}), "xlsx"),
        (zipped("a", ODT), "odt"),
        (SimpleUploadedFile("old.doc", OLE2_MAGIC + b"\x00" * 512), "doc"),
        (picture("PNG"), "png"),
        (picture("JPEG"), "jpg"),
    ],
)
def test_documents_are_known_by_their_content_not_their_name(upload, extension):
    assert validate_document(upload, max_bytes=MB)[0] == extension


@pytest.mark.parametrize(
    "upload",
    [
        zipped("macro.docm", {**DOCX, "word/vbaProject.bin": b"\x00"}),
        zipped("macro.odt", {**ODT, "Basic/Standard/Module1.xml": b"<x/>"}),
        SimpleUploadedFile(
            "macro.doc", OLE2_MAGIC + b"\x00" * 64 + "_VBA_PROJECT".encode("utf-16-le")
        ),
    ],
)
def test_documents_with_macros_are_refused(upload):
    with pytest.raises(ValidationFailed, match="contains macros"):
        validate_document(upload, max_bytes=MB)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 64),  # a program
        SimpleUploadedFile("page.pdf", b"<html><script>alert(1)</script>"),
        zipped("archive.docx", {"evil.exe": b"MZ"}),
        SimpleUploadedFile("empty.png", b""),
    ],
)
def test_anything_else_is_refused_whatever_its_name(upload):
    with pytest.raises(ValidationFailed, match="not an accepted file"):
        validate_document(upload, max_bytes=MB)


def test_size_is_checked_first():
    with pytest.raises(ValidationFailed, match="too large"):
        validate_document(SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 2000), max_bytes=1000)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield
