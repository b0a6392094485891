"""The city's Telegram bot: linking a person's chat through a one-time deep link.

The cabinet makes a token and shows t.me/<bot>?start=<token>; the person presses Start, and
Telegram sends "/start <token>" to the bot, by the webhook or by getUpdates polling. The bot
binds that chat to the token's person, once, and says so in the chat.
"""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from hromada.core.audit import audit_event_record
from hromada.core.errors import ValidationFailed
from hromada.messaging.channels import TemporaryFailure, telegram_call
from hromada.messaging.models import Channel, Profile, TelegramLink, TelegramPoll
from hromada.messaging.services import preference_channels_add

logger = logging.getLogger(__name__)
LINK_VALID = timedelta(hours=1)


def telegram_link_create(*, user) -> str:
    """A fresh one-time deep link for this person."""
    if not (settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_BOT_USERNAME):
        raise ValidationFailed(_("The city's Telegram bot is not set up."))
    token = secrets.token_urlsafe(24)
    TelegramLink.objects.create(user=user, token=token)
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={token}"


def telegram_unlink(*, user) -> None:
    Profile.objects.filter(user=user).update(telegram_chat_id="", telegram_linked_at=None)


def _reply(chat_id, text: str) -> None:
    try:
        telegram_call("sendMessage", {"chat_id": chat_id, "text": text})
    except TemporaryFailure:
        logger.warning("telegram reply failed", extra={"chat": chat_id})


def telegram_update_handle(update: dict) -> bool:
    """Handle one update from Telegram; True when it linked a chat."""
    message = update.get("message") or {}
    text = (message.get("text") or "").strip()
    chat_id = (message.get("chat") or {}).get("id")
    if chat_id is None or not text.startswith("/start"):
        return False
    token = text.removeprefix("/start").strip()
    with transaction.atomic():
        link = (
            TelegramLink.objects.select_for_update()
            .filter(
                token=token,
                used_at__isnull=True,
                created_at__gte=timezone.now() - LINK_VALID,
            )
            .select_related("user")
            .first()
            if token
            else None
        )
        if link is None:
            with override(settings.LANGUAGE_CODE):
                transaction.on_commit(
                    lambda: _reply(
                        chat_id,
                        _("This link is used or expired. Take a new one in your cabinet."),
                    )
                )
            return False
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        profile, _created = Profile.objects.select_for_update().get_or_create(user=link.user)
        profile.telegram_chat_id = str(chat_id)
        profile.telegram_linked_at = timezone.now()
        profile.save(update_fields=["telegram_chat_id", "telegram_linked_at"])
        preference_channels_add(user=link.user, channel=Channel.TELEGRAM)
        audit_event_record(actor=link.user, action="messaging.telegram_linked", target=link.user)
        with override(settings.LANGUAGE_CODE):
            text = _("Done: %(city)s will send your notifications here.") % {
                "city": settings.CITY_NAME
            }
        transaction.on_commit(lambda: _reply(chat_id, text))
    return True


def telegram_poll() -> int:
    """Read new updates with getUpdates (no webhook); returns how many chats were linked."""
    state, _created = TelegramPoll.objects.get_or_create(pk=1)
    status, body = telegram_call("getUpdates", {"offset": state.offset, "timeout": 0})
    if status != 200 or not body.get("ok"):
        logger.warning("telegram getUpdates failed", extra={"status": status})
        return 0
    linked = 0
    for update in body.get("result", []):
        linked += telegram_update_handle(update)
        state.offset = max(state.offset, int(update.get("update_id", 0)) + 1)
    TelegramPoll.objects.filter(pk=1).update(offset=state.offset)
    return linked
