"""Delivery of messages to people: one Message, one Delivery row per person and channel.

A delivery row is written (queued) before anything is attempted, in the transaction of the
action that owes it; a worker leases a batch of rows, sends each and marks it sent at once.
A worker that dies mid-send leaves its rows queued with a lease that runs out, so another
worker sends them: nothing is lost, and the stable Message-ID makes a resent e-mail one
message in the reader's mail client.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a message is about; each person chooses channels and frequency per kind."""

    APPEAL_STATUS = "appeal_status", _("Changes in my appeals")
    QUEUE = "queue", _("Electronic queue: bookings and reminders")
    SURVEY = "survey", _("Survey invitations")
    SUBSCRIPTION = "subscription", _("My subscriptions: news and notices")
    MAILING = "mailing", _("Mailings of the council")
    SERVICE = "service", _("Work notifications (staff)")
    APPEAL_SUMMARY = "appeal_summary", _("Morning summary of appeals (heads)")
    # The daily bundle of the kinds a person chose to receive once a day.
    DIGEST = "digest", _("Daily digest")


class Channel(models.TextChoices):
    """The channels built in; more (SMS, Viber) are added in hromada.messaging.channels."""

    INBOX = "inbox", _("In the cabinet")
    EMAIL = "email", _("E-mail")
    TELEGRAM = "telegram", _("Telegram")
    PUSH = "push", _("Browser notifications")


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("At once")
    DAILY = "daily", _("Once a day, in a digest")


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    HELD = "held", _("Waiting for the daily digest")
    SENT = "sent", _("Sent")
    DIGESTED = "digested", _("Sent in a digest")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    """What is said: rendered from a registered template (``<app>.<name>`` with ``context``)
    or given as plain ``subject``/``body``; shared by every delivery of it."""

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    template = models.CharField(_("template"), max_length=100, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # What it is about, e.g. "appeals.appeal:12" or "news.post:5"; for lookups and audits.
    source = models.CharField(_("source"), max_length=100, blank=True, db_index=True)
    # Owed once: a second notification or fan-out with the same key is a no-op.
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    mailing = models.ForeignKey(
        "Mailing", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return self.subject or self.template


class Delivery(models.Model):
    """One message to one person (or address) through one channel."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    # The e-mail address, the Telegram chat, the push subscription's id; blank for the inbox.
    address = models.CharField(_("address"), max_length=254, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    lease_token = models.CharField(max_length=16, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    digest = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="bundled"
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            # The senders' scan: due queued rows of a channel.
            models.Index(
                fields=["channel", "not_before"],
                condition=Q(status="queued"),
                name="messaging_delivery_due",
            ),
            models.Index(fields=["user", "channel", "-created_at"], name="messaging_inbox"),
            models.Index(fields=["message", "status"], name="messaging_message_status"),
            models.Index(
                fields=["user", "channel"],
                condition=Q(status="held"),
                name="messaging_delivery_held",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "user", "channel", "address"], name="messaging_once_per_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.address or self.user_id} {self.status}"


class Profile(models.Model):
    """A person's delivery settings beyond the per-kind choices."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="messaging_profile",
    )
    quiet_from = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_to = models.TimeField(_("quiet hours until"), null=True, blank=True)
    district = models.ForeignKey(
        "core.District",
        verbose_name=_("my district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    telegram_chat_id = models.CharField(_("Telegram chat"), max_length=32, blank=True)
    telegram_linked_at = models.DateTimeField(_("Telegram linked"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery settings")
        verbose_name_plural = _("delivery settings")

    def __str__(self) -> str:
        return str(self.user)


class Preference(models.Model):
    """The channels and frequency one person chose for one kind of message."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messaging_preferences"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=16, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )

    class Meta:
        verbose_name = _("delivery preference")
        verbose_name_plural = _("delivery preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="messaging_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class SuppressedAddress(models.Model):
    """An e-mail address nothing more is sent to: it bounced (every kind), or its owner
    unsubscribed from one kind with the link in an e-mail."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", _("Bounced")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    address = models.EmailField(_("address"))
    kind = models.CharField(_("kind"), max_length=32, blank=True, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        constraints = [
            models.UniqueConstraint(fields=["address", "kind"], name="messaging_suppressed_once")
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.reason})"


class TelegramLink(models.Model):
    """A one-time token of a deep link t.me/<bot>?start=<token> that binds a chat."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Telegram link")
        verbose_name_plural = _("Telegram links")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class PushSubscription(models.Model):
    """A browser's web push subscription (its endpoint and keys); expired when the push
    service answers 404 or 410."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(_("endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    expired_at = models.DateTimeField(_("expired"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"{self.user_id} {self.endpoint[:60]}"


class TelegramPoll(models.Model):
    """The offset of the bot's getUpdates, when no webhook is set (one row)."""

    offset = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("Telegram polling state")
        verbose_name_plural = _("Telegram polling state")

    def __str__(self) -> str:
        return str(self.offset)


class MailingTemplate(models.Model):
    """A reusable text for mailings with {{ placeholders }}."""

    name = models.CharField(_("name"), max_length=200)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mailing template")
        verbose_name_plural = _("mailing templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Mailing(models.Model):
    """One mass mailing: a template, an audience, a time; its recipients are deliveries."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Queued for everyone")
        CANCELLED = "cancelled", _("Cancelled")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("All residents who receive mailings")
        DISTRICT = "district", _("Residents of a district")
        ROLE = "role", _("Staff with a role")
        KIND = "kind", _("People who receive a kind of notification")
        LIST = "list", _("An uploaded list of e-mail addresses")

    title = models.CharField(_("title"), max_length=200)
    template = models.ForeignKey(
        MailingTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="+"
    )
    channels = models.JSONField(_("channels"), default=list)
    audience = models.CharField(_("recipients"), max_length=16, choices=Audience.choices)
    district = models.ForeignKey(
        "core.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=32, blank=True)
    kind = models.CharField(_("kind"), max_length=32, blank=True, choices=Kind.choices)
    emails = models.JSONField(_("addresses"), default=list, blank=True)
    scheduled_at = models.DateTimeField(_("send at"))
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.SCHEDULED
    )
    recipients_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-scheduled_at", "-pk"]
        permissions = [("send_mailing", _("Can prepare and send mass mailings"))]
        indexes = [models.Index(fields=["state", "scheduled_at"], name="messaging_mailing_due")]

    def __str__(self) -> str:
        return self.title
