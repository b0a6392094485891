"""What a delivery says: a message's template rendered for its channel.

Apps register a renderer for their prefix (``register_renderer("appeals", render)``); a message
with template ``appeals.accepted`` is then rendered by it. A message without a template says
its own subject and body.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from hromada.messaging.models import Delivery

UNSUBSCRIBE_SALT = "hromada.messaging.unsubscribe"


@dataclass
class Content:
    subject: str
    text: str
    url: str = ""
    # (file name, bytes, MIME type): sent by e-mail only.
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


Renderer = Callable[[str, dict, Delivery], Content]
_renderers: dict[str, Renderer] = {}


def register_renderer(prefix: str, renderer: Renderer) -> None:
    _renderers[prefix] = renderer


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def render(delivery: Delivery) -> Content:
    message = delivery.message
    # Each app registers its renderer in its AppConfig.ready(); a template with none (a
    # message rendered when it was written) says its stored subject and body.
    prefix, _dot, name = message.template.partition(".")
    if prefix in _renderers:
        with translation.override(settings.LANGUAGE_CODE):
            content = _renderers[prefix](name, message.context, delivery)
    else:
        content = Content(subject=message.subject, text=message.body, url=message.url)
    content.url = absolute(content.url)
    return content


def unsubscribe_token(*, kind: str, user_id: int | None, address: str) -> str:
    return signing.dumps({"k": kind, "u": user_id, "a": address}, salt=UNSUBSCRIBE_SALT)


@cache
def _unsubscribe_base() -> str:
    # Resolved once per process: it is on every e-mail of a 100,000-recipient fan-out.
    with translation.override(settings.LANGUAGE_CODE):
        return absolute(reverse("messaging:unsubscribe", args=["TOKEN"])).replace("TOKEN/", "")


def unsubscribe_url(delivery: Delivery) -> str:
    token = unsubscribe_token(
        kind=delivery.message.kind, user_id=delivery.user_id, address=delivery.address
    )
    return f"{_unsubscribe_base()}{token}/"


OPENED_SALT = "hromada.messaging.opened"


def opened_url(delivery: Delivery) -> str:
    """Where a browser notification reports that it was clicked (a signed, one-row link)."""
    token = signing.dumps(delivery.pk, salt=OPENED_SALT)
    return absolute(reverse("messaging_machine:opened", args=[token]))


@cache
def _pixel_base() -> str:
    return absolute(reverse("messaging_machine:pixel", args=["TOKEN"])).replace("TOKEN.gif", "")


def pixel_url(delivery: Delivery) -> str:
    """The tracking picture of one e-mail: only the delivery's number, signed (no address, no
    name); loading it marks the delivery opened (hromada.messaging.services.delivery_opened)."""
    return f"{_pixel_base()}{signing.dumps(delivery.pk, salt=OPENED_SALT)}.gif"
