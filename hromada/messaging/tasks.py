"""Background work of delivery: the senders, the sweep that resumes what stopped, the daily
digest, scheduled mailings and the Telegram bot's polling."""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone
from django_tasks import task

from hromada.core.scheduling import periodic
from hromada.messaging.models import Delivery, Status
from hromada.messaging.sending import deliveries_drain

logger = logging.getLogger(__name__)

# Seconds a sender task sends before it hands the worker back (and continues in a new task).
SEND_BUDGET = 20


@task()
def deliveries_send(channel: str, message_id: int | None = None) -> dict[str, int]:
    """Send what is due on ``channel`` (of one message); continue in a new task if the rate
    limit or the time budget stopped this one, so other tasks get the worker between."""
    started = time.monotonic()
    counts = deliveries_drain(channel=channel, message_id=message_id, budget_seconds=SEND_BUDGET)
    if counts["more"]:
        # Stopped early by the rate limit: wait for the next second. Stopped by the time
        # budget: go on at once (other tasks queued meanwhile still come first).
        throttled = time.monotonic() - started < SEND_BUDGET
        wait = timedelta(seconds=1 if throttled else 0)
        deliveries_send.using(run_after=timezone.now() + wait).enqueue(
            channel=channel, message_id=message_id
        )
    return counts


@periodic(every=timedelta(minutes=1))
@task()
def resume_deliveries() -> dict[str, int]:
    """Start a sender for every channel with due deliveries nobody is sending: retries whose
    wait is over, the end of quiet hours, leases of workers that died. A delivery whose
    worker died MESSAGING_MAX_ATTEMPTS times is failed rather than tried forever."""
    now = timezone.now()
    stale = Delivery.objects.filter(status=Status.QUEUED, lease_until__lt=now)
    given_up = stale.filter(attempts__gte=settings.MESSAGING_MAX_ATTEMPTS).update(
        status=Status.FAILED,
        failed_at=now,
        lease_token="",
        lease_until=None,
        reason="its sending stopped too many times",
    )
    due = (
        Delivery.objects.filter(status=Status.QUEUED)
        .filter(
            Q(not_before__isnull=True) | Q(not_before__lte=now),
            Q(lease_until__isnull=True) | Q(lease_until__lt=now),
        )
        .values("channel")
        .annotate(first=Min("pk"))
    )
    started = {}
    for row in due:
        deliveries_send.enqueue(channel=row["channel"])
        started[row["channel"]] = 1
    return {"given_up": given_up, **started}


@periodic(every=timedelta(hours=1))
@task()
def send_daily_digests() -> int:
    from hromada.messaging.digest import digests_send

    return digests_send()


@periodic(every=timedelta(minutes=1))
@task()
def send_scheduled_mailings() -> int:
    from hromada.messaging.mailings import mailings_start_due

    return mailings_start_due()


@periodic(every=timedelta(minutes=1))
@task()
def poll_telegram() -> int:
    """Read the bot's updates when no webhook is set (TELEGRAM_POLL)."""
    if not (settings.TELEGRAM_POLL and settings.TELEGRAM_BOT_TOKEN):
        return 0
    from hromada.messaging.telegram import telegram_poll

    return telegram_poll()
