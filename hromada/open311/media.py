"""The picture at a request's ``media_url``, fetched in the background and kept privately with
the appeal, as a photo a resident attached: at most APPEAL_ATTACHMENT_MAX_BYTES, within
OPEN311_MEDIA_TIMEOUT_SECONDS, judged by its content (a JPEG, PNG or WebP picture). Anything
else is recorded on the request (``media_state`` "refused" and why) and otherwise ignored:
the appeal stands without it.

Only public addresses are fetched (OPEN311_MEDIA_ALLOW_PRIVATE lifts that for tests and
closed networks), redirects are not followed, and nothing is fetched twice. The address is
judged twice: every address the name resolves to before anything is sent, and then the address
the socket actually reached, before the first byte goes out, so a name that answers a public
address to the check and a private one to the connection (DNS rebinding) is refused too.
"""

import http.client
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


def _is_public(address: str) -> bool:
    return ipaddress.ip_address(address.split("%", 1)[0]).is_global


def _checked_connection(address, timeout, source_address=None):
    """socket.create_connection that refuses a socket connected to a non-public address."""
    sock = socket.create_connection(address, timeout, source_address)
    if not settings.OPEN311_MEDIA_ALLOW_PRIVATE and not _is_public(sock.getpeername()[0]):
        sock.close()
        raise Refused(_("The address is on a private network."))
    return sock


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _checked_connection


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _checked_connection


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)


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
        if not _is_public(address[0]):
            raise Refused(_("The address is on a private network."))


def _download(url: str) -> bytes:
    _check_host(url)
    limit = settings.APPEAL_ATTACHMENT_MAX_BYTES
    opener = urllib.request.build_opener(
        _NoRedirects, _CheckedHTTPHandler, _CheckedHTTPSHandler, urllib.request.ProxyHandler({})
    )
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
