"""Announcing a published post to the people who follow it.

This is the one hand-over point from the news to delivery: ``post_fan_out_run`` streams the
post's recipients (hromada.news.selectors.post_recipients: user id, channels, frequency, one
row per person) and records the counts in the post's FanOut row. Delivery itself (the inbox,
e-mail, Telegram, web push, the daily digest) belongs to the messaging app, which takes the
same stream in ``deliver``.
"""

from collections import Counter
from collections.abc import Iterable, Iterator

from django.db import IntegrityError, transaction
from django.utils import timezone

from hromada.news.models import FanOut, Frequency, Post
from hromada.news.selectors import Recipient, post_recipients


def deliver(post: Post, recipients: Iterable[Recipient]) -> Iterator[Recipient]:
    """Hand the recipients over for delivery, passing each on to be counted.

    The messaging app's bulk fan-out plugs in here when both are merged; until then the
    announcement records who it is owed to, and nothing is sent."""
    yield from recipients


def post_fan_out_run(*, post_id: int) -> int:
    """Count (and hand over) the post's recipients once; a retry or a second publication
    finds the finished row and does nothing. Returns the number of people."""
    post = Post.objects.filter(pk=post_id, state=Post.State.PUBLISHED).first()
    if post is None:
        return 0  # unpublished again before the task ran: nobody is told
    try:
        with transaction.atomic():
            record, _created = FanOut.objects.get_or_create(post=post)
    except IntegrityError:
        record = FanOut.objects.get(post=post)
    if record.finished_at is not None:
        return record.recipients
    people = immediate = daily = 0
    channels: Counter[str] = Counter()
    for recipient in deliver(post, post_recipients(post)):
        people += 1
        if recipient.frequency == Frequency.IMMEDIATE:
            immediate += 1
        else:
            daily += 1
        channels.update(recipient.channels)
    FanOut.objects.filter(pk=record.pk, finished_at__isnull=True).update(
        recipients=people,
        immediate=immediate,
        daily=daily,
        channels=dict(channels),
        finished_at=timezone.now(),
    )
    return people
