"""Reading partner access: the key behind a presented secret, and the deliveries owed."""

from django.db.models import QuerySet
from django.utils import timezone

from hromada.integrations import keys
from hromada.integrations.models import ApiKey, WebhookDelivery, WebhookSubscription


def api_key_for(plain: str, *, scope: str) -> ApiKey | None:
    """The active key of this scope that ``plain`` is, else None.

    Read from the database on every request, with no cache: a revoked key (or a deactivated
    partner or user) stops working with the very next request.
    """
    prefix = keys.split(plain)
    if prefix is None:
        return None
    key = (
        ApiKey.objects.select_related("partner", "user")
        .filter(prefix=prefix, revoked_at__isnull=True, scope=scope)
        .first()
    )
    if key is None or not keys.matches(plain, key.secret_hash):
        return None
    if key.partner is not None and not key.partner.is_active:
        return None
    if key.user is not None and not key.user.is_active:
        return None
    # At most one write a minute per key: the admin shows when a key was last used.
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


def subscriptions_for(event: str) -> list[WebhookSubscription]:
    # JSON "contains" is not available on SQLite; the active subscriptions are few.
    return [
        sub
        for sub in WebhookSubscription.objects.filter(
            is_active=True, partner__is_active=True
        ).select_related("partner")
        if event in sub.events
    ]


def deliveries_due(now, *, limit: int = 500) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(
        state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at")[:limit]
