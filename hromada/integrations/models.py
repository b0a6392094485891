"""Partner organisations, their API keys (stored hashed), per-key rate limits, and webhooks:
subscriptions to events and the record of every delivery."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Partner(models.Model):
    """An organisation that exchanges data with the council: a 311 app, a utility, a media."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("code"), max_length=64, unique=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    note = models.TextField(_("note"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive: none of its keys or webhooks work.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Scope(models.TextChoices):
    OPEN311 = "open311", _("Open311: submit service requests for residents")
    API = "api", _("JSON API /api/v1 on behalf of its user (a mobile app)")


class ApiKey(models.Model):
    """A secret a client presents; only its prefix (to find it) and a SHA-256 hash are kept.

    The plain key is shown once, when it is issued. Revoked keys stay for the record.
    """

    name = models.CharField(_("name"), max_length=200)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_keys",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_keys",
        help_text=_("For the JSON API scope: the account the key signs in as."),
    )
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    rate_limit = models.PositiveIntegerField(
        _("requests per minute"), help_text=_("Requests above it are refused with HTTP 429.")
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="open311", partner__isnull=False, user__isnull=True)
                | Q(scope="api", user__isnull=False),
                name="apikey_owner_fits_scope",
            ),
            models.CheckConstraint(condition=Q(rate_limit__gte=1), name="apikey_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookEvent(models.TextChoices):
    APPEAL_CREATED = "appeal.created", _("A problem report was filed")
    APPEAL_STATUS_CHANGED = "appeal.status_changed", _("A problem report changed its status")
    BOOKING_CREATED = "booking.created", _("A visit was booked in the electronic queue")


class WebhookSubscription(models.Model):
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner organisation"),
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(
        _("signing secret"),
        max_length=128,
        help_text=_("Shared with the partner: it checks the HMAC-SHA256 signature with it."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["partner", "pk"]

    def __str__(self) -> str:
        return f"{self.partner} → {self.url}"


class WebhookDelivery(models.Model):
    """One event owed to one subscription: written before any attempt, updated after each."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Gave up")

    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    # The exact bytes that are signed and sent, so that a retry sends the same body.
    body = models.TextField(_("body"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_excerpt = models.TextField(_("response (beginning)"), blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="webhook_delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription.url}"


class RateCounter(models.Model):
    """A rate limit's counter: one row per key or client address, for its current minute.

    Written by one atomic upsert per request (hromada/integrations/limits.py), so it costs a
    single query, never a cull of the cache. Rows of past minutes are purged every hour.
    """

    bucket = models.CharField(_("counted"), max_length=200, primary_key=True)
    slot = models.BigIntegerField(_("minute"))
    count = models.PositiveIntegerField(_("requests"))

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")
        indexes = [models.Index(fields=["slot"], name="ratecounter_slot")]

    def __str__(self) -> str:
        return self.bucket
