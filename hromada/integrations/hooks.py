"""What other apps call, on commit of their own transaction, when something partners may
subscribe to has happened. Only public facts leave: a problem report as its Open311 record
(public ones only), a booking without the resident's name, contacts or ticket code."""

from hromada.integrations import webhooks
from hromada.integrations.models import WebhookEvent


def _public_request(appeal_id: int):
    from hromada.open311 import selectors as open311_selectors

    return open311_selectors.request(appeal_id)


def appeal_created(appeal_id: int) -> None:
    from hromada.open311.records import request_record

    appeal = _public_request(appeal_id)
    if appeal is not None:
        webhooks.publish(WebhookEvent.APPEAL_CREATED, request_record(appeal))


def appeal_status_changed(appeal_id: int, from_state: str, to_state: str) -> None:
    from hromada.open311.records import request_record, status_of

    appeal = _public_request(appeal_id)
    if appeal is not None:
        record = request_record(appeal)
        record["previous_status"] = status_of(from_state)
        record["state"] = to_state
        record["previous_state"] = from_state
        webhooks.publish(WebhookEvent.APPEAL_STATUS_CHANGED, record)


def booking_created(booking_id: int) -> None:
    from hromada.equeue.models import Booking
    from hromada.open311.records import iso

    booking = (
        Booking.objects.select_related("queue__addressee", "service").filter(pk=booking_id).first()
    )
    if booking is None:
        return
    webhooks.publish(
        WebhookEvent.BOOKING_CREATED,
        {
            "booking_id": booking.pk,
            "number": booking.number,
            "queue": booking.queue.slug,
            "queue_name": booking.queue.name,
            "addressee": booking.queue.addressee.name if booking.queue.addressee_id else None,
            "service": booking.service.name,
            "starts_at": iso(booking.starts_at),
            "ends_at": iso(booking.ends_at),
            "state": booking.state,
        },
    )
