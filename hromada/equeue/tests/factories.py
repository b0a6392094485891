"""Queues for tests: a weekday queue 09:00–17:00 with a lunch break, one 30-minute service."""

from datetime import datetime, time, timedelta

from hromada.accounts.roles import Role
from hromada.accounts.tests.factories import UserFactory
from hromada.directory.models import Membership
from hromada.directory.tests.factories import AddresseeFactory
from hromada.equeue import services
from hromada.equeue.models import FormField, Queue, Service, WeeklyHours
from hromada.equeue.selectors import zone

# A Monday in a year without public days off (martial law): 2026-03-02.
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=zone())


def make_queue(*, addressee=None, weekdays=range(5), service_minutes=30, **fields) -> Queue:
    fields.setdefault("slug", f"queue-{Queue.objects.count() + 1}")
    fields.setdefault("name", "Прийом")
    fields.setdefault("min_notice_minutes", 0)
    queue = Queue.objects.create(addressee=addressee or AddresseeFactory(), **fields)
    for weekday in weekdays:
        WeeklyHours.objects.create(
            queue=queue,
            weekday=weekday,
            opens=time(9),
            closes=time(17),
            break_starts=time(13),
            break_ends=time(14),
        )
    Service.objects.create(queue=queue, name="Консультація", duration_minutes=service_minutes)
    return queue


def add_field(queue, label="Суть питання", kind=FormField.Kind.TEXT, **fields) -> FormField:
    return FormField.objects.create(queue=queue, label=label, kind=kind, **fields)


def staff_of(queue, *, roles=(Role.EXECUTOR,)):
    user = UserFactory(roles=list(roles))
    Membership.objects.create(addressee=queue.addressee, user=user)
    return user


def at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    """A moment on MONDAY + day_offset."""
    return (MONDAY + timedelta(days=day_offset)).replace(hour=hour, minute=minute)


def book(queue, citizen=None, *, starts_at, now=MONDAY, **kwargs):
    citizen = citizen or UserFactory()
    return services.booking_create(
        actor=citizen,
        queue_id=queue.pk,
        service_id=queue.services.first().pk,
        starts_at=starts_at,
        now=now,
        **kwargs,
    )


def owed(booking=None, template: str = "", **filters):
    """The e-mails owed about bookings (deliveries of the messaging layer)."""
    from hromada.messaging.tests.factories import emails_owed

    source = f"equeue.booking:{booking.pk}" if booking is not None else ""
    return emails_owed(prefix="equeue", source=source, template=template, **filters)
