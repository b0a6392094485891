"""Signed webhooks: record each delivery, then send it; retried with backoff until it lands.

The signature (documented for partners in docs/administrators.md):

    X-Hromada-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>

The timestamp inside the signed string lets a receiver refuse a replayed old delivery.
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from hromada.integrations import selectors
from hromada.integrations.models import WebhookDelivery

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hromada-Signature"
EVENT_HEADER = "X-Hromada-Event"
DELIVERY_HEADER = "X-Hromada-Delivery"
EXCERPT_CHARS = 2000
# After the n-th failed attempt the next waits BACKOFF[n-1]; then the delivery is given up.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=24),
)


def sign(secret: str, body: str, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, body: str, header: str, *, tolerance: int = 300) -> bool:
    """What a receiver does (the tests' peer uses it too): recompute and compare."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), header)


def publish(event: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """Record one delivery per subscription to ``event`` and enqueue the sending.

    Called on commit of the action that caused the event, so a rolled-back action sends
    nothing; each delivery row exists before any attempt to send it.
    """
    from hromada.integrations.tasks import webhook_send

    subscriptions = selectors.subscriptions_for(event)
    if not subscriptions:
        return []
    body = json.dumps(
        {
            "id": str(uuid.uuid4()),
            "event": event,
            "created_at": timezone.now(),
            "data": data,
        },
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
    )
    now = timezone.now()
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(subscription=sub, event=event, body=body, next_attempt_at=now)
                for sub in subscriptions
            ]
        )
        for delivery in deliveries:
            webhook_send.enqueue(delivery.pk)
    return deliveries


def _claim(delivery_id: int, now) -> WebhookDelivery | None:
    """Take this attempt: a conditional update, so two workers never send the same attempt
    and no row lock is held while the partner's server answers."""
    lease = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=lease, last_attempt_at=now)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("subscription__partner").get(pk=delivery_id)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would send the signed body somewhere the administrator never approved.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def deliver(delivery_id: int) -> str:
    """One attempt; returns the delivery's state afterwards ("" when nothing was due)."""
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return ""
    subscription = delivery.subscription
    if not subscription.is_active or not subscription.partner.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=WebhookDelivery.State.FAILED, error="subscription inactive"
        )
        return WebhookDelivery.State.FAILED
    timestamp = int(time.time())
    # The address was checked to be http(s) when subscribed (services.webhook_subscribe).
    request = urllib.request.Request(  # noqa: S310
        subscription.url,
        data=delivery.body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Hromada-Webhooks/1",
            SIGNATURE_HEADER: sign(subscription.secret, delivery.body, timestamp),
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: str(delivery.pk),
        },
    )
    status, excerpt, error = None, "", ""
    try:
        if not subscription.url.startswith(("https://", "http://")):
            raise ValueError("not a web address")
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            status = response.status
            excerpt = response.read(EXCERPT_CHARS * 4).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status = exc.code
        excerpt = exc.read(EXCERPT_CHARS * 4).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = str(getattr(exc, "reason", exc))[:300] or exc.__class__.__name__
    attempts = delivery.attempts + 1
    fields: dict[str, Any] = {
        "attempts": attempts,
        "response_status": status,
        "response_excerpt": excerpt[:EXCERPT_CHARS],
        "error": error,
    }
    if status is not None and 200 <= status < 300:
        fields.update(
            state=WebhookDelivery.State.DELIVERED, delivered_at=timezone.now(), next_attempt_at=None
        )
    elif attempts > len(BACKOFF):
        fields.update(state=WebhookDelivery.State.FAILED, next_attempt_at=None)
    else:
        fields.update(next_attempt_at=timezone.now() + BACKOFF[attempts - 1])
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    if status is None or not 200 <= status < 300:
        logger.info(
            "webhook delivery %s failed (attempt %s): %s", delivery.pk, attempts, error or status
        )
    return fields.get("state", WebhookDelivery.State.PENDING)
