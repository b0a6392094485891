"""The appeals block on an addressee's public page: write to it, and how it answers."""

from datetime import timedelta

from django.utils import timezone

from hromada.appeals import selectors
from hromada.directory.blocks import Block

STATISTICS_DAYS = 365


def addressee_appeals_block(request, addressee) -> Block:
    """A button to write to the addressee and its figures over the last twelve months
    (two queries: the counts and the average rating)."""
    statistics = selectors.addressee_statistics(
        addressee.pk, since=timezone.now() - timedelta(days=STATISTICS_DAYS)
    )
    share = statistics.on_time_share
    return Block(
        template="appeals/includes/addressee_block.html",
        context={
            "addressee": addressee,
            "statistics": statistics,
            "on_time_percent": round(share * 100) if share is not None else None,
        },
        order=10,
    )
