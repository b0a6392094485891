"""Notifications about bookings, through the messaging layer (hromada.messaging).

Each is owed in the action's transaction with a key (``equeue:<template>:<booking>:<event or
day>``) that makes owing it twice a no-op. The resident gets it through the channels they
chose for the queue (the inbox and e-mail by default), the e-mail at the address given in the
booking; the e-mail carries the ticket as a PDF and a calendar event.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from hromada.equeue.models import Booking, Event
from hromada.messaging.models import Channel, Delivery, Kind
from hromada.messaging.notify import notification_send
from hromada.messaging.rendering import Content

TEMPLATES = {"booked", "moved", "cancelled", "reminder", "ticket"}
# These carry the ticket as a PDF and as a calendar event.
WITH_TICKET = {"booked", "moved", "ticket"}


def notify(
    *, booking: Booking, template: str, event: Event | None = None, key_suffix: str = ""
) -> list[Delivery]:
    """Owe the resident this notification; its sending starts when the transaction commits.
    An empty list: it was owed already."""
    assert template in TEMPLATES, template
    key = f"equeue:{template}:{booking.pk}:{event.pk if event else ''}:{key_suffix}"
    content = _render(template, booking, attachments=False)
    return notification_send(
        kind=Kind.QUEUE,
        user_id=booking.citizen_id,
        email=booking.citizen_email,
        subject=content.subject,
        body=content.text,
        url=booking.get_absolute_url(),
        template=f"equeue.{template}",
        context={"booking": booking.pk},
        source=f"equeue.booking:{booking.pk}",
        key=key[:200],
        # Asked for by the resident: the ticket comes by e-mail whatever the settings say.
        channels=[Channel.EMAIL] if template == "ticket" else None,
    )


def _render(template: str, booking: Booking, *, attachments: bool) -> Content:
    from hromada.equeue.documents import ticket_ics, ticket_lines, ticket_pdf, ticket_url

    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "booking": booking,
            "lines": ticket_lines(booking),
            "url": ticket_url(booking),
            "city_name": settings.CITY_NAME,
        }
        subject = render_to_string(f"equeue/email/{template}_subject.txt", context)
        body = render_to_string(f"equeue/email/{template}.txt", context)
        content = Content(subject=" ".join(subject.split()), text=body)
        if attachments and template in WITH_TICKET:
            content.attachments = [
                (f"ticket-{booking.number}.pdf", ticket_pdf(booking), "application/pdf"),
                (
                    f"ticket-{booking.number}.ics",
                    ticket_ics(booking),
                    "text/calendar; charset=utf-8",
                ),
            ]
    return content


def render(name: str, context: dict, delivery: Delivery) -> Content:
    """The messaging layer's renderer for ``equeue.<template>``: the booking as of sending,
    with the ticket attached to the e-mail."""
    booking = Booking.objects.select_related("queue__addressee", "service").get(
        pk=context["booking"]
    )
    content = _render(name, booking, attachments=delivery.channel == Channel.EMAIL)
    # The link of a Telegram button or a browser notification (e-mails carry it in the text).
    content.url = delivery.message.url
    return content
