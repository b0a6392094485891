"""Announcing a published post to the people who follow it.

This is the one hand-over point from the news to delivery: ``post_fan_out_run`` streams the
post's recipients (hromada.news.selectors.post_recipients: user id, channels, frequency, one
row per person), owes each of them the post through the messaging app's bulk fan-out, and
records the counts in the post's FanOut row. The channels themselves (the inbox, e-mail,
Telegram, web push, the daily digest, quiet hours) belong to the messaging app.
"""

from collections import Counter
from collections.abc import Iterable, Iterator

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator

from hromada.messaging import notify
from hromada.messaging.models import Channel as MessagingChannel
from hromada.messaging.models import Kind as MessagingKind
from hromada.news.models import Channel, FanOut, Frequency, Post
from hromada.news.selectors import Recipient, post_recipients

# A subscription's channel codes as the messaging app names them.
CHANNELS = {
    Channel.INBOX: MessagingChannel.INBOX,
    Channel.EMAIL: MessagingChannel.EMAIL,
    Channel.TELEGRAM: MessagingChannel.TELEGRAM,
    Channel.WEBPUSH: MessagingChannel.PUSH,
}
# The announcement carries the beginning of the post; the link leads to the whole of it.
BODY_WORDS = 80


def deliver(post: Post, recipients: Iterable[Recipient]) -> notify.FanOut:
    """Owe the post to every recipient through the messaging app, on the channels and at the
    frequency their subscriptions chose. Runs inside the announcement's transaction, so the
    delivery rows are written together with the count; the key makes a second run add only
    what is missing."""
    return notify.notification_fan_out(
        recipients=(
            notify.Recipient(
                user_id=recipient.user_id,
                channels=[CHANNELS[code] for code in recipient.channels if code in CHANNELS],
                frequency=recipient.frequency,
            )
            for recipient in recipients
        ),
        kind=MessagingKind.SUBSCRIPTION,
        subject=post.title,
        body=Truncator(post.body).words(BODY_WORDS),
        url=post.get_absolute_url(),
        source=f"news.post:{post.pk}",
        key=f"news.post:{post.pk}",
    )


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

        def counted() -> Iterator[Recipient]:
            nonlocal people, immediate, daily
            for recipient in post_recipients(post):
                people += 1
                if recipient.frequency == Frequency.IMMEDIATE:
                    immediate += 1
                else:
                    daily += 1
                channels.update(recipient.channels)
                yield recipient

        deliver(post, counted())
        record.recipients, record.immediate, record.daily = people, immediate, daily
        record.channels, record.finished_at = dict(channels), timezone.now()
        record.save(update_fields=["recipients", "immediate", "daily", "channels", "finished_at"])
    return people
