import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    """Development e-mail: each message is written to EMAIL_FILE_PATH as an .eml file."""

    def send_messages(self, email_messages) -> int:
        directory = Path(settings.EMAIL_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
            (directory / name).write_bytes(message.message().as_bytes())
        return len(email_messages)


def stable_message_id(kind: str, pk: int) -> str:
    """The same Message-ID however often an owed e-mail is sent: a mail client shows a resend
    as one message."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    return f"<{kind}-{pk}@{domain}>"


def deliver_owed(model, notification_id: int, *, related: tuple[str, ...], render) -> bool:
    """Send one owed e-mail of an outbox ``model`` unless it was sent; True when this call
    sent it. The model has ``attempts`` and ``sent_at``; ``render(row)`` builds the message.

    The attempt is counted and committed first, so a mail server that keeps failing uses up
    TASK_MAX_ATTEMPTS; the sending itself holds the row lock, so two tasks for the same
    e-mail (a retry racing a slow original) send it once.
    """
    owed = model.objects.filter(pk=notification_id, sent_at__isnull=True)
    if not owed.update(attempts=F("attempts") + 1):
        return False
    with transaction.atomic():
        row = owed.select_for_update(of=("self",)).select_related(*related).first()
        if row is None:
            return False
        render(row).send()
        row.sent_at = timezone.now()
        row.save(update_fields=["sent_at"])
    return True
