"""The picture at a request's ``media_url``, fetched in the background and kept privately with
the appeal, as a photo a resident attached: at most APPEAL_ATTACHMENT_MAX_BYTES, within
OPEN311_MEDIA_TIMEOUT_SECONDS, judged by its content (a JPEG, PNG or WebP picture). Anything
else is recorded on the request (``media_state`` "refused" and why) and otherwise ignored:
the appeal stands without it.

Only public addresses are fetched (OPEN311_MEDIA_ALLOW_PRIVATE lifts that for tests and
closed networks), redirects are not followed, and nothing is fetched twice.
"""

import ipaddress
import logging
import socket
import urllib.error
import urllib.request
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from hromada.appeals.models import Attachment
from hromada.core.errors import ValidationFailed
from hromada.core.files import random_name, validate_image
from hromada.open311.models import MediaState, Open311Request

log = logging.getLogger(__name__)
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


class Refused(Exception):
    pass


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise Refused(_("The address redirects elsewhere (%(code)d).") % {"code": code})


def _check_host(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_("Not a web address."))
    if settings.OPEN311_MEDIA_ALLOW_PRIVATE:
        return
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise Refused(_("The host is unknown.")) from exc
    for *_rest, address in found:
        if not ipaddress.ip_address(address[0]).is_global:
            raise Refused(_("The address is on a private network."))


def _download(url: str) -> bytes:
    _check_host(url)
    limit = settings.APPEAL_ATTACHMENT_MAX_BYTES
    opener = urllib.request.build_opener(_NoRedirects, urllib.request.ProxyHandler({}))
    # Only http(s): _check_host refused every other scheme.
    request = urllib.request.Request(url, headers={"User-Agent": "Hromada-Open311/1"})  # noqa: S310
    try:
        with opener.open(request, timeout=settings.OPEN311_MEDIA_TIMEOUT_SECONDS) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise Refused(_("The picture is larger than the limit."))
            body = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise Refused(_("The server answered %(status)d.") % {"status": exc.code}) from exc
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise Refused(_("The picture could not be fetched in time.")) from exc
    if len(body) > limit:
        raise Refused(_("The picture is larger than the limit."))
    return body


def fetch(request_id: int) -> str:
    """Fetch the request's picture once; returns the state it ends in."""
    record = Open311Request.objects.select_related("appeal").filter(pk=request_id).first()
    if record is None or record.media_state != MediaState.PENDING:
        return record.media_state if record else ""
    try:
        body = _download(record.media_url)
        name = PurePosixPath(urlsplit(record.media_url).path).name or "media"
        upload = SimpleUploadedFile(name[-200:], body)
        try:
            extension = validate_image(
                upload, max_bytes=settings.APPEAL_ATTACHMENT_MAX_BYTES, field="media_url"
            )
        except ValidationFailed as exc:
            raise Refused(exc.message) from exc
    except Refused as exc:
        log.info("open311 media refused", extra={"request_id": request_id, "why": str(exc)})
        Open311Request.objects.filter(pk=request_id).update(
            media_state=MediaState.REFUSED, media_note=str(exc)[:300]
        )
        return MediaState.REFUSED
    attachment = Attachment(
        appeal=record.appeal,
        original_name=upload.name,
        content_type=CONTENT_TYPES[extension],
        size=len(body),
    )
    attachment.file.save(random_name("appeals", extension), upload, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            Open311Request.objects.filter(pk=request_id).update(
                media_state=MediaState.STORED, media_note=""
            )
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return MediaState.STORED
