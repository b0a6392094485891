"""Background work of the queue: sending the outbox and the reminder the day before."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from hromada.core.scheduling import periodic
from hromada.equeue.models import Booking, Event, Notification, State
from hromada.equeue.notifications import notification_deliver, notify
from hromada.equeue.selectors import zone

BATCH = 500


@task()
def notification_send(notification_id: int) -> bool:
    return notification_deliver(notification_id)


@periodic(every=timedelta(minutes=10))
@task()
def resend_unsent_queue_notifications() -> int:
    """Owed e-mails whose task failed (the mail server was down): try again, a few times."""
    stale = timezone.now() - timedelta(minutes=10)
    pending = Notification.objects.filter(
        sent_at__isnull=True, created_at__lt=stale, attempts__lt=settings.TASK_MAX_ATTEMPTS
    ).values_list("pk", flat=True)[:BATCH]
    for pk in pending:
        notification_send.enqueue(pk)
    return len(pending)


@periodic(every=timedelta(hours=1))
@task()
def remind_tomorrows_visitors(now: datetime | None = None) -> int:
    """The day before a visit, remind its resident. The key holds the visit's start, so an
    hourly run (or two at once) reminds once, and again only if the visit was moved."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now, zone()).date() + timedelta(days=1)
    if timezone.localtime(now, zone()).time() < time(settings.EQUEUE_REMINDER_HOUR):
        return 0
    reminded = 0
    bookings = Booking.objects.filter(day=tomorrow, state=State.BOOKED).select_related("queue")
    for booking in bookings.iterator(chunk_size=BATCH):
        with transaction.atomic():
            if notify(
                booking=booking, template="reminder", key_suffix=booking.starts_at.isoformat()
            ):
                Event.objects.create(
                    booking=booking,
                    action=Event.Action.REMINDED,
                    from_state=booking.state,
                    to_state=booking.state,
                )
                reminded += 1
    return reminded
