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
