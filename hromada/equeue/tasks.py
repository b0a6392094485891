"""Background work of the queue: the reminder the day before (the messaging layer's workers
send it)."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from hromada.core.scheduling import periodic
from hromada.equeue.models import Booking, Event, State
from hromada.equeue.notifications import notify
from hromada.equeue.selectors import zone

BATCH = 500


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
