"""Issuing and revoking API keys, and managing webhook subscriptions: administrators only,
each action in the audit trail."""

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.accounts.models import User
from hromada.core.audit import audit_event_record
from hromada.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hromada.integrations import keys
from hromada.integrations.models import (
    ApiKey,
    Partner,
    Scope,
    WebhookEvent,
    WebhookSubscription,
)

RATE_LIMIT_MAX = 100_000


def _refuse_unless_manager(actor: User | None) -> None:
    if actor is None or not actor.has_perm("integrations.manage_partners"):
        raise PermissionDenied(_("Only an administrator manages partners' access."))


def api_key_issue(
    *,
    actor: User | None,
    name: str,
    scope: str,
    partner: Partner | None = None,
    user: User | None = None,
    rate_limit: int | None = None,
    prefix: str | None = None,
    plain: str | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its plain value, which is shown this once and never stored.

    ``actor`` None is the system itself (the demo data, which passes a reproducible ``plain``).
    """
    if actor is not None:
        _refuse_unless_manager(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Name the key: who uses it and what for."), field="name")
    if scope not in Scope.values:
        raise ValidationFailed(_("Choose the key's scope."), field="scope")
    if scope == Scope.OPEN311 and (partner is None or user is not None):
        raise ValidationFailed(
            _("An Open311 key belongs to a partner organisation, not to a person."),
            field="partner",
        )
    if scope == Scope.API and user is None:
        raise ValidationFailed(
            _("A JSON API key signs in as a user: choose the account."), field="user"
        )
    if scope == Scope.API and user.is_staff:
        # Staff sign in with a second factor; a bearer key would walk around it.
        raise ValidationFailed(
            _("JSON API keys are for residents' apps; staff accounts sign in with two factors."),
            field="user",
        )
    if rate_limit is None:
        rate_limit = settings.API_KEY_DEFAULT_RATE_LIMIT
    if not 1 <= rate_limit <= RATE_LIMIT_MAX:
        raise ValidationFailed(
            _("The rate limit is between 1 and %(max)d requests a minute.")
            % {"max": RATE_LIMIT_MAX},
            field="rate_limit",
        )
    if plain is None:
        prefix, plain = keys.new_key(prefix)
    with transaction.atomic():
        key = ApiKey(
            name=name[:200],
            partner=partner,
            user=user,
            scope=scope,
            rate_limit=rate_limit,
            prefix=prefix,
            secret_hash=keys.key_hash(plain),
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        try:
            with transaction.atomic():
                key.save()
        except IntegrityError as exc:
            raise Conflict(_("A key with this prefix exists; issue again.")) from exc
        audit_event_record(
            actor=actor, action="integrations.api_key_issued", target=key, scope=scope
        )
    return key, plain


def api_key_revoke(*, actor: User, key_id: int) -> ApiKey:
    """Revoke at once: keys are checked against the database on every request."""
    _refuse_unless_manager(actor)
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().filter(pk=key_id).first()
        if key is None:
            raise NotFound(_("No such key."))
        if key.revoked_at is not None:
            raise Conflict(_("This key is already revoked."))
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_event_record(actor=actor, action="integrations.api_key_revoked", target=key)
    return key


def webhook_subscribe(
    *,
    actor: User | None,
    partner: Partner,
    url: str,
    events: list[str],
    secret: str = "",
) -> WebhookSubscription:
    if actor is not None:
        _refuse_unless_manager(actor)
    url = (url or "").strip()
    if not url.startswith(("https://", "http://")):
        raise ValidationFailed(_("The address starts with https://."), field="url")
    if url.startswith("http://") and not settings.WEBHOOKS_ALLOW_HTTP:
        raise ValidationFailed(
            _("Webhooks are signed but not encrypted over http: use https://."), field="url"
        )
    events = list(dict.fromkeys(events))
    if not events or any(e not in WebhookEvent.values for e in events):
        raise ValidationFailed(_("Choose the events to send."), field="events")
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            partner=partner,
            url=url[:500],
            events=events,
            secret=secret or secrets.token_urlsafe(32),
        )
        audit_event_record(
            actor=actor, action="integrations.webhook_subscribed", target=subscription
        )
    return subscription
