from hromada.messaging.models import Delivery


def drain(channel: str = "email") -> dict[str, int]:
    """Run the senders of a channel as a worker would, in this process."""
    from hromada.messaging.sending import deliveries_drain

    return deliveries_drain(channel=channel)


def deliveries(**filters):
    return list(Delivery.objects.filter(**filters).order_by("pk"))


def district(slug: str = "centre"):
    from hromada.appeals.tests.factories import district as make

    return make(slug)


def emails_owed(*, prefix: str, source: str = "", template: str = "", **filters):
    """E-mail deliveries owed by an app (``prefix``: "appeals"), about one ``source``
    ("appeals.appeal:12"), from one ``template`` ("accepted")."""
    rows = Delivery.objects.filter(channel="email", message__template__startswith=f"{prefix}.")
    if source:
        rows = rows.filter(message__source=source)
    if template:
        rows = rows.filter(message__template=f"{prefix}.{template}")
    return rows.filter(**filters).select_related("message").order_by("pk")


def send_owed(delivery_id: int) -> bool:
    """Send one owed delivery as the worker would; True when this call sent it."""
    from hromada.messaging.sending import deliveries_drain

    channel = Delivery.objects.values_list("channel", flat=True).get(pk=delivery_id)
    return deliveries_drain(channel=channel, delivery_ids=[delivery_id])["sent"] == 1
