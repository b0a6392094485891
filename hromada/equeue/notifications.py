"""The queue's outbox: e-mails owed about bookings, written in the action's transaction.

A row's unique key (``<template>:<booking>:<event or day>``) makes owing the same e-mail twice
a no-op; the sending task marks the row sent under its lock, so a retry never sends it again.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from hromada.core.mail import deliver_owed, stable_message_id
from hromada.equeue.models import Booking, Event, Notification

TEMPLATES = {"booked", "moved", "cancelled", "reminder", "ticket"}
# These carry the ticket as a PDF and as a calendar event.
WITH_TICKET = {"booked", "moved", "ticket"}


def notify(
    *, booking: Booking, template: str, event: Event | None = None, key_suffix: str = ""
) -> Notification | None:
    """Owe the resident this e-mail; enqueue its sending in the same transaction."""
    from hromada.equeue.tasks import notification_send

    assert template in TEMPLATES, template
    key = f"{template}:{booking.pk}:{event.pk if event else ''}:{key_suffix}"
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                key=key[:200], booking=booking, template=template, recipient=booking.citizen_email
            )
    except IntegrityError:
        return None  # already owed
    notification_send.enqueue(notification.pk)
    return notification


def render(notification: Notification) -> EmailMessage:
    from hromada.equeue.documents import ticket_ics, ticket_lines, ticket_pdf, ticket_url

    booking = notification.booking
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "booking": booking,
            "lines": ticket_lines(booking),
            "url": ticket_url(booking),
            "city_name": settings.CITY_NAME,
        }
        subject = render_to_string(f"equeue/email/{notification.template}_subject.txt", context)
        body = render_to_string(f"equeue/email/{notification.template}.txt", context)
        message = EmailMessage(
            subject=" ".join(subject.split()), body=body, to=[notification.recipient]
        )
        if notification.template in WITH_TICKET:
            message.attach(f"ticket-{booking.number}.pdf", ticket_pdf(booking), "application/pdf")
            message.attach(
                f"ticket-{booking.number}.ics", ticket_ics(booking), "text/calendar; charset=utf-8"
            )
    message.extra_headers["Message-ID"] = stable_message_id("equeue-notification", notification.pk)
    return message


def notification_deliver(notification_id: int) -> bool:
    """Send one owed e-mail unless it was sent; True when this call sent it."""
    return deliver_owed(
        Notification,
        notification_id,
        related=("booking__queue__addressee", "booking__service"),
        render=render,
    )
