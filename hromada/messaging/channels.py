"""The delivery channels, all behind one interface.

A channel has a ``code`` (stored on each delivery), says which addresses a person has on it
(``addresses``), and sends one delivery (``send``), raising ``TemporaryFailure`` for what a
retry may fix and ``PermanentFailure`` for what it never will (a bounced address, an expired
push subscription, a chat that blocked the bot). ``open``/``close`` wrap a batch so that a
connection (SMTP) is reused. A new channel (SMS, Viber) is a subclass listed in
settings.MESSAGING_CHANNELS.
"""

import contextlib
import json
import logging
import smtplib
import urllib.error
import urllib.request
from functools import cache

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.utils import timezone
from django.utils.html import escape, linebreaks, urlize
from django.utils.module_loading import import_string

from hromada.core.mail import stable_message_id
from hromada.messaging.models import Delivery, Profile, PushSubscription, SuppressedAddress
from hromada.messaging.rendering import Content, opened_url, pixel_url, unsubscribe_url

logger = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """Try again later (the peer is down, busy or asked us to slow down)."""


class PermanentFailure(Exception):
    """Never try again: the address is gone."""


class BaseChannel:
    code = ""
    # Inbox rows are complete when written; the others wait for a sender.
    immediate = False

    def addresses(self, *, user_id: int | None, email: str, profile, push) -> list[str]:
        """The addresses of one recipient on this channel ([] when the person has none)."""
        raise NotImplementedError

    def open(self) -> None:
        """Get ready for a batch (open a connection)."""

    def close(self) -> None:
        """The batch is over."""

    def send(self, delivery: Delivery, content: Content) -> None:
        raise NotImplementedError


class InboxChannel(BaseChannel):
    code = "inbox"
    immediate = True

    def addresses(self, *, user_id, email, profile, push) -> list[str]:
        return [""] if user_id else []

    def send(self, delivery, content) -> None:
        """An inbox row is its own delivery."""


class EmailChannel(BaseChannel):
    code = "email"

    def __init__(self) -> None:
        self.connection = None

    def addresses(self, *, user_id, email, profile, push) -> list[str]:
        return [email.strip().lower()] if email and email.strip() else []

    def open(self) -> None:
        self.connection = get_connection(fail_silently=False)
        self.connection.open()

    def close(self) -> None:
        if self.connection is not None:
            # The server may have hung up first.
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None

    def build(self, delivery: Delivery, content: Content) -> EmailMessage:
        unsubscribe = unsubscribe_url(delivery)
        text = (
            content.text
            + (f"\n\n{content.url}\n" if content.url and content.url not in content.text else "")
            # The same link as the header, for mail clients that hide headers.
            + f"\n--\n{settings.CITY_NAME}\n{unsubscribe}\n"
        )
        message = EmailMultiAlternatives(
            subject=" ".join(content.subject.split()),
            body=text,
            to=[delivery.address],
            headers={
                # The same id however often it is sent: a resend shows as one message.
                "Message-ID": stable_message_id("delivery", delivery.pk),
                # RFC 8058: one click in the mail client unsubscribes, with a POST.
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            connection=self.connection,
        )
        if settings.MESSAGING_EMAIL_OPEN_TRACKING:
            # The same text as HTML, with a picture whose loading says the e-mail was opened
            # (where the mail client loads pictures: many do not until asked).
            html = linebreaks(urlize(text, nofollow=True, autoescape=True))
            pixel = escape(pixel_url(delivery))
            message.attach_alternative(
                f'{html}<img src="{pixel}" width="1" height="1" alt="" '
                'style="display:block;border:0">',
                "text/html",
            )
        for name, data, mimetype in content.attachments:
            message.attach(name, data, mimetype)
        return message

    def send(self, delivery, content) -> None:
        if self.connection is None:
            self.open()
        message = self.build(delivery, content)
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            detail = (
                f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
            )
            if 500 <= code < 600:
                suppress_bounced(delivery.address, detail)
                raise PermanentFailure(f"bounced: {detail}") from exc
            raise TemporaryFailure(detail) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            detail = f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}"
            if 500 <= exc.smtp_code < 600:
                raise PermanentFailure(f"refused: {detail}") from exc
            raise TemporaryFailure(detail) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()  # a broken connection: the next one starts afresh
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc


def suppress_bounced(address: str, detail: str) -> None:
    SuppressedAddress.objects.get_or_create(
        address=address,
        kind="",
        defaults={"reason": SuppressedAddress.Reason.BOUNCED, "detail": detail[:1000]},
    )


def _post_json(url: str, payload: dict, timeout: float = 15) -> tuple[int, dict]:
    if not url.startswith(("https://", "http://")):
        raise TemporaryFailure(f"not an http(s) address: {url[:40]}")
    request = urllib.request.Request(  # noqa: S310 — the scheme is checked above
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            body = json.loads(exc.read() or b"{}")
        except ValueError:
            body = {}
        return exc.code, body


def telegram_call(method: str, payload: dict) -> tuple[int, dict]:
    """One call of the Bot API (POST, JSON)."""
    base = settings.TELEGRAM_API_URL.rstrip("/")
    try:
        return _post_json(f"{base}/bot{settings.TELEGRAM_BOT_TOKEN}/{method}", payload)
    except OSError as exc:
        raise TemporaryFailure(f"Telegram unreachable: {exc}") from exc


class TelegramChannel(BaseChannel):
    code = "telegram"

    def addresses(self, *, user_id, email, profile, push) -> list[str]:
        if not settings.TELEGRAM_BOT_TOKEN or profile is None or not profile.telegram_chat_id:
            return []
        return [profile.telegram_chat_id]

    def send(self, delivery, content) -> None:
        text = f"{content.subject}\n\n{content.text}".strip()[:4000]
        payload = {"chat_id": delivery.address, "text": text, "disable_web_page_preview": True}
        if content.url:
            payload["reply_markup"] = {
                "inline_keyboard": [[{"text": content.subject[:60] or "→", "url": content.url}]]
            }
        status, body = telegram_call("sendMessage", payload)
        if status == 200 and body.get("ok"):
            return
        description = body.get("description", "") or f"HTTP {status}"
        if status == 429 or status >= 500:
            raise TemporaryFailure(f"Telegram {status}: {description}")
        if status == 403:
            # The person blocked the bot: stop sending there until they link again.
            Profile.objects.filter(
                user_id=delivery.user_id, telegram_chat_id=delivery.address
            ).update(telegram_chat_id="", telegram_linked_at=None)
        raise PermanentFailure(f"Telegram {status}: {description}")


class PushChannel(BaseChannel):
    code = "push"

    def addresses(self, *, user_id, email, profile, push) -> list[str]:
        if not settings.WEBPUSH_VAPID_PRIVATE_KEY:
            return []
        return [str(pk) for pk in push]

    def send(self, delivery, content) -> None:
        from pywebpush import WebPushException, webpush

        subscription = PushSubscription.objects.filter(
            pk=int(delivery.address), expired_at__isnull=True
        ).first()
        if subscription is None:
            raise PermanentFailure("the browser's subscription has expired")
        data = json.dumps(
            {
                "title": content.subject,
                "body": content.text[:500],
                "url": content.url,
                # The service worker reports a click here: the delivery was opened.
                "opened": opened_url(delivery),
            }
        )
        try:
            webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=data,
                vapid_private_key=settings.WEBPUSH_VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.WEBPUSH_VAPID_SUBJECT},
                ttl=24 * 3600,
                timeout=15,
            )
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status in (404, 410):
                PushSubscription.objects.filter(pk=subscription.pk).update(
                    expired_at=timezone.now()
                )
                raise PermanentFailure(f"push subscription expired ({status})") from exc
            if status is not None and 400 <= status < 500 and status != 429:
                raise PermanentFailure(f"push service refused ({status})") from exc
            raise TemporaryFailure(f"push service: {status or exc}") from exc
        except OSError as exc:
            raise TemporaryFailure(f"push service unreachable: {exc}") from exc


@cache
def channel_classes() -> dict[str, type[BaseChannel]]:
    classes = [import_string(path) for path in settings.MESSAGING_CHANNELS]
    return {cls.code: cls for cls in classes}


def channel_codes() -> list[str]:
    return list(channel_classes())


def get_channel(code: str) -> BaseChannel:
    return channel_classes()[code]()
