"""Writing a person's delivery settings and inbox; unsubscribing; web push subscriptions."""

from collections.abc import Sequence
from datetime import time

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.core.audit import audit_event_record
from hromada.core.errors import NotFound, ValidationFailed
from hromada.core.models import District
from hromada.messaging.channels import channel_codes
from hromada.messaging.models import (
    Channel,
    Delivery,
    Frequency,
    Kind,
    Preference,
    Profile,
    PushSubscription,
    SuppressedAddress,
)
from hromada.messaging.planning import CHOOSABLE_KINDS, DEFAULT_CHANNELS
from hromada.messaging.rendering import UNSUBSCRIBE_SALT

# An unsubscribe link keeps working this long (a year of old e-mails).
UNSUBSCRIBE_MAX_AGE = 366 * 24 * 3600


def preferences_update(*, user, actor, choices: dict[str, dict]) -> list[Preference]:
    """Set the channels and frequency of each kind in ``choices``:
    ``{kind: {"channels": [...], "frequency": "immediate" | "daily"}}``. All or nothing."""
    known = set(channel_codes())
    for kind, choice in choices.items():
        if kind not in CHOOSABLE_KINDS:
            raise ValidationFailed(_("Unknown kind of notification: %s.") % kind, field="kind")
        unknown = set(choice.get("channels", [])) - known
        if unknown:
            raise ValidationFailed(
                _("Unknown channel: %(names)s. Known: %(known)s.")
                % {"names": ", ".join(sorted(unknown)), "known": ", ".join(sorted(known))},
                field="channels",
            )
        if choice.get("frequency", Frequency.IMMEDIATE) not in Frequency.values:
            raise ValidationFailed(_("Choose at once or once a day."), field="frequency")
    saved = []
    with transaction.atomic():
        for kind, choice in choices.items():
            channels = [c for c in channel_codes() if c in set(choice.get("channels", []))]
            preference, _created = Preference.objects.update_or_create(
                user=user,
                kind=kind,
                defaults={
                    "channels": channels,
                    "frequency": choice.get("frequency", Frequency.IMMEDIATE),
                },
            )
            saved.append(preference)
        audit_event_record(
            actor=actor,
            action="messaging.preferences_updated",
            target=user,
            choices={p.kind: {"channels": p.channels, "frequency": p.frequency} for p in saved},
        )
    return saved


def profile_update(
    *,
    user,
    actor,
    quiet_from: time | None,
    quiet_to: time | None,
    district_id: int | None,
) -> Profile:
    if (quiet_from is None) != (quiet_to is None):
        raise ValidationFailed(
            _("Give both the start and the end of the quiet hours, or neither."),
            field="quiet_to" if quiet_to is None else "quiet_from",
        )
    if quiet_from is not None and quiet_from == quiet_to:
        raise ValidationFailed(
            _("Quiet hours must start and end at different times."), field="quiet_to"
        )
    if district_id is not None and not District.objects.filter(pk=district_id).exists():
        raise ValidationFailed(_("No such district."), field="district")
    with transaction.atomic():
        profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
        profile.quiet_from, profile.quiet_to = quiet_from, quiet_to
        profile.district_id = district_id
        profile.save()
        audit_event_record(
            actor=actor,
            action="messaging.profile_updated",
            target=user,
            quiet_from=quiet_from.isoformat() if quiet_from else None,
            quiet_to=quiet_to.isoformat() if quiet_to else None,
            district=district_id,
        )
    return profile


def notification_settings_update(
    *,
    user,
    actor,
    choices: dict[str, dict],
    quiet_from: time | None,
    quiet_to: time | None,
    district_id: int | None,
) -> None:
    """The settings page and the API in one go: all of it is saved, or none."""
    with transaction.atomic():
        preferences_update(user=user, actor=actor, choices=choices)
        profile_update(
            user=user,
            actor=actor,
            quiet_from=quiet_from,
            quiet_to=quiet_to,
            district_id=district_id,
        )


def inbox_open(*, user, delivery_id: int) -> Delivery:
    """Mark one inbox message read (opened) and return it."""
    delivery = (
        Delivery.objects.filter(pk=delivery_id, channel=Channel.INBOX)
        .select_related("message")
        .first()
    )
    if delivery is None or not user.has_perm("messaging.open_delivery", delivery):
        raise NotFound(_("No such notification."))
    if delivery.opened_at is None:
        Delivery.objects.filter(pk=delivery.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )
        delivery.refresh_from_db(fields=["opened_at"])
    return delivery


def delivery_opened(*, token: str) -> bool:
    """A browser notification was clicked, or an e-mail's tracking picture loaded: mark its
    delivery opened (the first time only)."""
    from hromada.messaging.rendering import OPENED_SALT

    try:
        delivery_id = signing.loads(token, salt=OPENED_SALT, max_age=30 * 24 * 3600)
    except signing.BadSignature:
        return False
    return bool(
        Delivery.objects.filter(pk=delivery_id, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )
    )


def inbox_mark_all_read(*, user) -> int:
    if not user.is_authenticated:
        raise NotFound(_("No such notification."))
    return Delivery.objects.filter(user=user, channel=Channel.INBOX, opened_at__isnull=True).update(
        opened_at=timezone.now()
    )


def unsubscribe_read(token: str) -> dict:
    """What an unsubscribe link stands for: ``{"k": kind, "u": user id, "a": address}``."""
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.BadSignature as exc:
        raise ValidationFailed(
            _("This unsubscribe link is damaged or too old. Sign in and change your settings.")
        ) from exc


def unsubscribe_apply(*, token: str) -> dict:
    """Stop e-mail of the link's kind to its person (their preference loses e-mail) or, for
    an address without an account, to its address. Applying it twice changes nothing."""
    data = unsubscribe_read(token)
    kind, user_id, address = data["k"], data.get("u"), data.get("a", "")
    with transaction.atomic():
        if user_id:
            kinds = [kind]
            if kind == Kind.DIGEST:
                # The digest bundles every kind the person set to daily.
                kinds = list(
                    Preference.objects.filter(
                        user_id=user_id, frequency=Frequency.DAILY
                    ).values_list("kind", flat=True)
                )
            for each in kinds:
                preference, _created = Preference.objects.select_for_update().get_or_create(
                    user_id=user_id,
                    kind=each,
                    defaults={"channels": list(DEFAULT_CHANNELS.get(each, []))},
                )
                if Channel.EMAIL in preference.channels:
                    preference.channels = [c for c in preference.channels if c != Channel.EMAIL]
                    preference.save(update_fields=["channels"])
        else:
            SuppressedAddress.objects.get_or_create(
                address=address.lower(),
                kind=kind,
                defaults={"reason": SuppressedAddress.Reason.UNSUBSCRIBED},
            )
        audit_event_record(
            actor=None, action="messaging.unsubscribed", kind=kind, user=user_id, address=address
        )
    return data


def push_subscribe(
    *, user, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Register a browser (or take it over: a browser belongs to whoever signed in last)."""
    if not endpoint.startswith("https://") and not endpoint.startswith("http://127.0.0.1"):
        raise ValidationFailed(_("A push endpoint is an https:// address."), field="endpoint")
    if not p256dh or not auth:
        raise ValidationFailed(_("The browser's keys are missing."), field="keys")
    with transaction.atomic():
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={
                "user": user,
                "p256dh": p256dh,
                "auth": auth,
                "user_agent": user_agent[:300],
                "expired_at": None,
            },
        )
        preference_channels_add(user=user, channel=Channel.PUSH)
    return subscription


def push_unsubscribe(*, user, endpoint: str) -> int:
    return PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()[0]


def preference_channels_add(*, user, channel: str, kinds: Sequence[str] | None = None) -> None:
    """A person who just linked a channel wants it: add it to the kinds they receive at
    once (they can take it away again on the settings page)."""
    for kind in kinds or CHOOSABLE_KINDS:
        preference, _created = Preference.objects.get_or_create(
            user=user, kind=kind, defaults={"channels": list(DEFAULT_CHANNELS[kind])}
        )
        if channel not in preference.channels and preference.channels:
            preference.channels = [*preference.channels, channel]
            preference.save(update_fields=["channels"])


def delivery_bounced(*, delivery_id: int, address: str, reason: str) -> bool:
    """A late bounce: the e-mail delivery to ``address`` failed after the server had taken it.

    The delivery is marked failed with the reason, and the address is suppressed for every
    kind (as an immediate refusal does). Only the e-mail delivery with that very address is
    touched: a report naming another address changes nothing. True when a delivery changed."""
    from hromada.messaging.channels import suppress_bounced
    from hromada.messaging.models import Status

    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .filter(pk=delivery_id, channel=Channel.EMAIL, address__iexact=address.strip())
            .first()
        )
        if delivery is None:
            return False
        suppress_bounced(delivery.address, reason)
        if delivery.status == Status.FAILED:
            return False
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Status.FAILED,
            failed_at=timezone.now(),
            lease_token="",
            lease_until=None,
            reason=reason[:2000],
        )
    return True
