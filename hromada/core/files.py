"""Uploaded files are judged by their content, never by their name or declared type."""

import uuid
import zipfile
from typing import NoReturn

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from hromada.core.errors import ValidationFailed

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_IMAGE_PIXELS = 40_000_000  # refuses decompression bombs long before memory runs out


def validate_image(upload: UploadedFile, *, max_bytes: int, field: str = "photo") -> str:
    """Check that the upload is a JPEG, PNG or WebP picture; return its file extension."""
    if upload.size > max_bytes:
        raise ValidationFailed(
            _("The file is too large: at most %(size)d MB.") % {"size": max_bytes // 1_000_000},
            field=field,
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationFailed(_("The picture is too large in pixels."), field=field)
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationFailed(
            _("The file is not a picture. Upload a JPEG, PNG or WebP image."), field=field
        ) from exc
    finally:
        upload.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationFailed(
            _("Upload a JPEG, PNG or WebP image (this one is %(format)s).")
            % {"format": image_format},
            field=field,
        )
    return IMAGE_FORMATS[image_format]


def random_name(folder: str, extension: str) -> str:
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


# Documents an appeal may carry, told apart by their first bytes and, for the zip-based
# formats, by the part every such file must contain.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML_PARTS = {
    "word/document.xml": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xl/workbook.xml": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "ppt/presentation.xml": (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
IMAGE_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


# Word keeps macros in Macros/VBA/_VBA_PROJECT, Excel in _VBA_PROJECT_CUR/VBA/_VBA_PROJECT.
OLE2_MACRO_NAMES = ("_VBA_PROJECT".encode("utf-16-le"),)
MACROS = ("", "")  # what _zip_document answers for a document that carries macros


def _ole2_has_macros(upload: UploadedFile) -> bool:
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    return any(name in content for name in OLE2_MACRO_NAMES)


def _refuse_macros(upload: UploadedFile, field: str) -> NoReturn:
    raise ValidationFailed(
        _("«%(name)s» contains macros. Save it without macros, or as PDF, and attach it again.")
        % {"name": upload.name},
        field=field,
    )


def _zip_document(upload: UploadedFile) -> tuple[str, str] | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                # OpenDocument keeps macros under Basic/ or Scripts/.
                if mimetype in ODF_TYPES:
                    if any(name.startswith(("Basic/", "Scripts/")) for name in names):
                        return MACROS
                    return ODF_TYPES[mimetype], mimetype
            if "[Content_Types].xml" in names:
                if any(name.lower().endswith(("vbaproject.bin", "vbadata.xml")) for name in names):
                    return MACROS
                for part, found in OOXML_PARTS.items():
                    if part in names:
                        return found
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return None
    return None


def validate_document(
    upload: UploadedFile, *, max_bytes: int, field: str = "files"
) -> tuple[str, str]:
    """Check that the upload is a picture, a PDF or an office document (by its content, not
    its name); return (extension, content type). Macro-enabled documents are refused."""
    if upload.size > max_bytes:
        raise ValidationFailed(
            _("«%(name)s» is too large: at most %(size)d MB.")
            % {"name": upload.name, "size": max_bytes // 1_000_000},
            field=field,
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return "pdf", "application/pdf"
        if head.startswith(OLE2_MAGIC):
            # Word 97-2003, Excel 97-2003: the container alone does not say which; both are
            # served as a download, never rendered. Macros live in a storage whose name the
            # container's directory holds in UTF-16.
            if _ole2_has_macros(upload):
                _refuse_macros(upload, field)
            return "doc", "application/msword"
        if head.startswith(b"PK\x03\x04"):
            found = _zip_document(upload)
            if found == MACROS:
                _refuse_macros(upload, field)
            if found:
                return found
        else:
            try:
                extension = validate_image(upload, max_bytes=max_bytes, field=field)
            except ValidationFailed:
                pass
            else:
                return extension, IMAGE_TYPES[extension]
    finally:
        upload.seek(0)
    raise ValidationFailed(
        _(
            "«%(name)s» is not an accepted file. Attach pictures (JPEG, PNG, WebP), PDF or "
            "office documents (Word, Excel, PowerPoint, OpenDocument)."
        )
        % {"name": upload.name},
        field=field,
    )
