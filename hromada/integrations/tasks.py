"""Sending webhook deliveries, and the sweep every two minutes that retries those due again."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from hromada.core.scheduling import periodic
from hromada.integrations import limits, selectors, webhooks


@task()
def webhook_send(delivery_id: int) -> str:
    return webhooks.deliver(delivery_id)


@periodic(every=timedelta(minutes=2))
@task()
def retry_webhook_deliveries() -> int:
    """Deliveries whose backoff has passed (or whose task was lost): one more attempt each."""
    count = 0
    for pk in selectors.deliveries_due(timezone.now()).values_list("pk", flat=True):
        webhook_send.enqueue(pk)
        count += 1
    return count


@periodic(every=timedelta(hours=1))
@task()
def purge_rate_counters() -> int:
    """The API limits' counters of keys and addresses not seen in the last minutes."""
    return limits.purge()
