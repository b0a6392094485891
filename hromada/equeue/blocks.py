"""The queue block on an addressee's public page: its queues, each with a booking button."""

from hromada.directory.blocks import Block
from hromada.equeue.models import Queue


def addressee_queues_block(request, addressee) -> Block | None:
    queues = list(Queue.objects.filter(addressee=addressee, is_active=True))
    if not queues:
        return None
    return Block(
        template="equeue/includes/addressee_block.html",
        context={"addressee": addressee, "queues": queues},
        order=20,
    )
