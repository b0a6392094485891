"""Uploaded files are judged by their content, never by their name or declared type."""

import uuid

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
