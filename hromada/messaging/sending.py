"""The senders: lease a batch of queued deliveries, send each, mark each at once.

Exactly once, crash or not: a batch is leased (a token and a time limit written in one
statement that re-checks the row is still free, so two workers never lease the same row, on
PostgreSQL or SQLite); each delivery is marked sent the moment its channel accepted it. A
worker that dies mid-send leaves the rest of its batch, and the one it was sending, leased
until the lease runs out; then ``resume_deliveries`` hands them to another worker. The
interrupted one is sent again with the same Message-ID; the others were never sent.
"""

import contextlib
import logging
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from hromada.messaging.channels import PermanentFailure, get_channel
from hromada.messaging.models import Delivery, Status
from hromada.messaging.rendering import render

logger = logging.getLogger(__name__)


def backoff(attempts: int) -> timedelta:
    """1, 4, 16, 64 minutes… after the 1st, 2nd, 3rd, 4th failure; at most a day."""
    return min(timedelta(minutes=4 ** max(attempts - 1, 0)), timedelta(days=1))


def rate_take(channel: str, wanted: int, now_seconds: float | None = None) -> int:
    """Take up to ``wanted`` sends of this second's allowance of ``channel``, shared by all
    workers through the cache; returns how many may go now."""
    limit = settings.MESSAGING_RATE_PER_SECOND.get(channel)
    if not limit:
        return wanted
    second = int(now_seconds if now_seconds is not None else time.time())
    key = f"messaging:rate:{channel}:{second}"
    cache.add(key, 0, timeout=5)
    try:
        used = cache.incr(key, wanted)
    except ValueError:  # expired between add and incr
        cache.set(key, wanted, timeout=5)
        used = wanted
    allowed = max(0, min(wanted, limit - (used - wanted)))
    if allowed < wanted:
        # Not taken after all: the counter keeps only what may be sent.
        cache.decr(key, wanted - allowed)
    return allowed


def rate_give_back(channel: str, unused: int, now_seconds: float | None = None) -> None:
    """Return what a batch took but did not send (fewer rows were due)."""
    if unused <= 0 or not settings.MESSAGING_RATE_PER_SECOND.get(channel):
        return
    second = int(now_seconds if now_seconds is not None else time.time())
    with contextlib.suppress(ValueError):  # that second is over anyway
        cache.decr(f"messaging:rate:{channel}:{second}", unused)


def _due(channel: str, now, message_id: int | None, delivery_ids):
    rows = Delivery.objects.filter(channel=channel, status=Status.QUEUED).filter(
        Q(not_before__isnull=True) | Q(not_before__lte=now),
        Q(lease_until__isnull=True) | Q(lease_until__lt=now),
    )
    if message_id is not None:
        rows = rows.filter(message_id=message_id)
    if delivery_ids is not None:
        rows = rows.filter(pk__in=delivery_ids)
    return rows


def lease(
    *, channel: str, size: int, message_id: int | None = None, delivery_ids=None
) -> tuple[str, list[Delivery]]:
    """Lease up to ``size`` due deliveries of ``channel`` and count an attempt on each."""
    now = timezone.now()
    token = secrets.token_hex(8)
    due = _due(channel, now, message_id, delivery_ids)
    with transaction.atomic():
        # No ORDER BY: any due rows will do, found through the partial index of queued rows,
        # so a batch costs the same at the end of a 100,000-row fan-out as at its start.
        ids = list(
            due.order_by().select_for_update(skip_locked=True).values_list("pk", flat=True)[:size]
        )
        if not ids:
            return token, []
        # The filter is checked again by the UPDATE itself: a row another worker leased
        # meanwhile is left out.
        due.filter(pk__in=ids).update(
            lease_token=token,
            lease_until=now + timedelta(seconds=settings.MESSAGING_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    rows = list(
        Delivery.objects.filter(pk__in=ids, lease_token=token)
        .select_related("message", "user")
        .order_by("pk")
    )
    return token, rows


def _mark_sent(row: Delivery, token: str) -> None:
    """Marked at once, one row at a time, in one statement (autocommit: one round trip): a
    worker that dies a moment later has lost nothing, and at most the one e-mail whose 250
    it was reading when it died is sent again, with the same Message-ID. (Marking a batch at
    its end would save the round trip but resend the whole batch after a crash.)"""
    Delivery.objects.filter(pk=row.pk, lease_token=token).update(
        status=Status.SENT, sent_at=timezone.now(), lease_token="", lease_until=None, reason=""
    )


@contextlib.contextmanager
def _marks_without_flush_wait():
    """On PostgreSQL a sender's commits do not wait for the WAL flush (synchronous_commit off
    for this session while it sends, as a SET LOCAL would for one transaction): a mark is
    committed the moment the worker goes on, so a dead worker cannot undo it; only a crash of
    the database server itself could lose the last fraction of a second of marks, and those
    e-mails would go again with the same Message-ID. A mark then costs a round trip, not a
    disk flush."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with contextlib.suppress(Exception), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _mark_failed(row: Delivery, token: str, reason: str) -> None:
    Delivery.objects.filter(pk=row.pk, lease_token=token).update(
        status=Status.FAILED,
        failed_at=timezone.now(),
        lease_token="",
        lease_until=None,
        reason=reason[:2000],
    )


def _mark_retry(row: Delivery, token: str, reason: str) -> None:
    Delivery.objects.filter(pk=row.pk, lease_token=token).update(
        not_before=timezone.now() + backoff(row.attempts),
        lease_token="",
        lease_until=None,
        reason=reason[:2000],
    )


def attempt(channel, row: Delivery, token: str) -> str:
    """Send one leased delivery; returns its new status."""
    try:
        channel.send(row, render(row))
    except PermanentFailure as exc:
        _mark_failed(row, token, str(exc))
        return Status.FAILED
    except Exception as exc:  # any other failure is worth another try
        reason = f"{type(exc).__name__}: {exc}"
        if row.attempts >= settings.MESSAGING_MAX_ATTEMPTS:
            _mark_failed(row, token, f"gave up after {row.attempts} attempts: {reason}")
            return Status.FAILED
        logger.warning("delivery failed, will retry", extra={"delivery": row.pk, "why": reason})
        _mark_retry(row, token, reason)
        return Status.QUEUED
    _mark_sent(row, token)
    return Status.SENT


def deliveries_drain(
    *,
    channel: str,
    message_id: int | None = None,
    delivery_ids=None,
    budget_seconds: float = 20,
) -> dict[str, int]:
    """Send due deliveries of ``channel`` (of one message, or these ids) until none is left,
    the rate limit says wait, or the time budget is spent. ``more`` says work was left."""
    counts = {"sent": 0, "failed": 0, "retry": 0, "more": 0}
    started = time.monotonic()
    sender = get_channel(channel)
    with _marks_without_flush_wait():
        while True:
            allowed = rate_take(channel, settings.MESSAGING_BATCH)
            if allowed == 0:
                counts["more"] = int(
                    _due(channel, timezone.now(), message_id, delivery_ids).exists()
                )
                break
            token, rows = lease(
                channel=channel, size=allowed, message_id=message_id, delivery_ids=delivery_ids
            )
            rate_give_back(channel, allowed - len(rows))
            if not rows:
                break
            # One connection per batch (an SMTP session for all its e-mails): opened at the
            # first send, opened again by the next send if the peer dropped it, closed here,
            # so a relay's limit of messages per connection is never reached.
            try:
                for row in rows:
                    status = attempt(sender, row, token)
                    key = {Status.SENT: "sent", Status.FAILED: "failed"}.get(status, "retry")
                    counts[key] += 1
            finally:
                sender.close()
            if time.monotonic() - started > budget_seconds:
                counts["more"] = 1
                break
    return counts
