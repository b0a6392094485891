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

    The messaging app's bulk fan-out plugs in here when both are merged (it runs inside the
    announcement's transaction, so its delivery rows are written together with the count);
    until then the announcement records who it is owed to, and nothing is sent."""
    yield from recipients


def post_fan_out_run(*, post_id: int) -> int:
    """Count (and hand over) the post's recipients once. The announcement's row is locked for
    the whole hand-over, so a retried task, or a second one running at the same moment, waits
    and then finds it finished: nobody is handed over twice. Returns the number of people."""
    post = Post.objects.filter(pk=post_id, state=Post.State.PUBLISHED).first()
    if post is None:
        return 0  # unpublished again before the task ran: nobody is told
    try:
        with transaction.atomic():
            FanOut.objects.get_or_create(post=post)
    except IntegrityError:
        pass  # another task made it first
    with transaction.atomic():
        record = FanOut.objects.select_for_update().get(post=post)
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
        record.recipients, record.immediate, record.daily = people, immediate, daily
        record.channels, record.finished_at = dict(channels), timezone.now()
        record.save(update_fields=["recipients", "immediate", "daily", "channels", "finished_at"])
    return people
