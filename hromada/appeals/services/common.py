"""What every appeals service shares: input cleaning, permission checks, row locks, events,
attachments, the journal number and repeated-appeal detection."""

import difflib
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hromada.accounts.models import User
from hromada.appeals.models import (
    Appeal,
    Attachment,
    Channel,
    Event,
    Journal,
    JournalCounter,
    Kind,
    State,
)
from hromada.core import deadlines
from hromada.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hromada.core.files import random_name, validate_document
from hromada.directory.services import normalize_search
from hromada.integrations import hooks as webhook_hooks
from hromada.situation.facts import fact_sync

SUBJECT_MAX = 200
TEXT_MAX = 20_000
COMMENT_MAX = 5_000
# Law 393/96-ВР art. 8: the cases in which an appeal is not considered.
NOT_CONSIDERED_REASONS = {
    "anonymous": gettext_lazy("An anonymous appeal (art. 8)"),
    "repeated": gettext_lazy(
        "A repeated appeal from the same person on a question already decided (art. 8)"
    ),
    "late_complaint": gettext_lazy("A complaint filed after the term of art. 17 (art. 8)"),
    "incapacitated": gettext_lazy("Filed by a person declared legally incapable (art. 8)"),
}
STAFF_CHANNELS = (Channel.PHONE, Channel.POST, Channel.IN_PERSON, Channel.EMAIL)


@dataclass(frozen=True)
class AuthorDetails:
    """What the law asks of an author (art. 5), typed by an operator for a phone call, a
    letter or a visit."""

    last_name: str
    first_name: str
    patronymic: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""


# --- Helpers --------------------------------------------------------------------------------


def _clean_text(value: str, *, field: str, label: str, max_length: int, required=True) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationFailed(_("The text contains a forbidden character."), field=field)
    if required and not value:
        raise ValidationFailed(_("Fill in: %(label)s.") % {"label": label}, field=field)
    if len(value) > max_length:
        raise ValidationFailed(
            _("%(label)s: at most %(max)d characters (now %(count)d).")
            % {"label": label, "max": max_length, "count": len(value)},
            field=field,
        )
    return value


def _check_permission(actor: User | None, permission: str, appeal: Appeal) -> None:
    if actor is None:
        return  # the system itself (periodic jobs)
    if not actor.has_perm(permission, appeal):
        if not actor.has_perm("appeals.view_appeal", appeal):
            # Not even allowed to know it exists.
            raise NotFound(_("No such appeal."))
        raise PermissionDenied(_("You may not do this with this appeal."))


def _event(
    appeal: Appeal,
    *,
    actor: User | None,
    action: str,
    from_state: str = "",
    comment: str = "",
    is_public: bool = True,
    to_state: str = "",
    **payload: Any,
) -> Event:
    event = Event.objects.create(
        appeal=appeal,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_state=from_state,
        to_state=to_state or appeal.state,
        comment=comment,
        is_public=is_public,
        payload=payload,
    )
    # The situation centre's map and dashboard counts move in this same transaction.
    fact_sync(appeal)
    if from_state and from_state != event.to_state:
        transaction.on_commit(
            partial(webhook_hooks.appeal_status_changed, appeal.pk, from_state, event.to_state),
            robust=True,
        )
    return event


def _lock(appeal_id: int) -> Appeal:
    try:
        return Appeal.objects.select_for_update().get(pk=appeal_id)
    except Appeal.DoesNotExist as exc:
        raise NotFound(_("No such appeal.")) from exc


def _refuse_state(appeal: Appeal, allowed: Iterable[str], message: str) -> None:
    """Refuse an action the appeal's state does not allow; ``message`` names the state with
    %(state)s, a whole sentence per action, so that it translates well."""
    if appeal.state not in allowed:
        raise Conflict(
            message % {"state": appeal.get_state_display()},
            extra={"state": appeal.state},
        )


def _search_text(appeal: Appeal) -> str:
    parts = (appeal.number, appeal.subject, appeal.text, appeal.author_name, appeal.location_text)
    return normalize_search(" ".join(p for p in parts if p))


def _next_number(*, kind: str, last_name: str, received_at: datetime) -> str:
    """The next number of the year's journal; the counter's row lock orders concurrent
    appeals, and the unique number catches any mistake.

    Reports of possible corruption have a journal and a format of their own, without the
    author's initial: they are confidential, and their numbers must not show in the gaps of
    the appeals' journal.
    """
    year = received_at.astimezone(deadlines.KYIV).year
    journal = Journal.CORRUPTION_REPORTS if kind == Kind.CORRUPTION_REPORT else Journal.APPEALS
    counters = JournalCounter.objects.filter(journal=journal, year=year)
    JournalCounter.objects.get_or_create(journal=journal, year=year)
    counters.update(value=F("value") + 1)
    value = counters.get().value
    if journal == Journal.CORRUPTION_REPORTS:
        return settings.CORRUPTION_REPORT_NUMBER_FORMAT.format(year=year, number=value)
    # The first letter, not the first character: "=Шевчук" or "'Ім'я" still give a letter.
    initial = next((c for c in last_name if c.isalpha()), settings.APPEAL_ANONYMOUS_INITIAL)
    initial = initial.upper()
    return settings.APPEAL_NUMBER_FORMAT.format(initial=initial, year=year, number=value)


def _store_attachments(
    appeal: Appeal, files: Sequence[UploadedFile], *, actor: User | None, answer=None
) -> list[Attachment]:
    stored = []
    for upload in files:
        extension, content_type = validate_document(
            upload, max_bytes=settings.APPEAL_ATTACHMENT_MAX_BYTES
        )
        attachment = Attachment(
            appeal=appeal,
            answer=answer,
            original_name=(upload.name or "file")[-200:],
            content_type=content_type,
            size=upload.size,
            uploaded_by=actor if actor is not None and actor.is_authenticated else None,
        )
        attachment.file.save(random_name("appeals", extension), upload, save=False)
        _written_files.get().append((attachment.file.storage, attachment.file.name))
        attachment.save()
        stored.append(attachment)
    return stored


_written_files: ContextVar[list] = ContextVar("written_files")


@contextmanager
def _files_removed_on_failure():
    """Files reach the storage before their rows commit; when the action fails, remove them
    again, so a refused appeal leaves no file behind."""
    written: list = []
    token = _written_files.set(written)
    try:
        yield
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise
    finally:
        _written_files.reset(token)


def _check_files(files: Sequence[UploadedFile]) -> None:
    if len(files) > settings.APPEAL_ATTACHMENTS_MAX:
        raise ValidationFailed(
            ngettext(
                "At most %(count)d file may be attached.",
                "At most %(count)d files may be attached.",
                settings.APPEAL_ATTACHMENTS_MAX,
            )
            % {"count": settings.APPEAL_ATTACHMENTS_MAX},
            field="files",
        )
    for upload in files:
        validate_document(upload, max_bytes=settings.APPEAL_ATTACHMENT_MAX_BYTES)


def _repeated_of(appeal: Appeal) -> Appeal | None:
    """Law 393/96-ВР art. 8: an earlier appeal of the same author to the same addressee on
    what looks like the same question, already answered: flagged for the operator."""
    if appeal.addressee_id is None or (appeal.author_id is None and not appeal.author_email):
        return None
    earlier = Appeal.objects.filter(
        addressee_id=appeal.addressee_id,
        state__in=(State.ANSWERED, State.CLOSED),
        received_at__gte=appeal.received_at - timedelta(days=365),
    ).exclude(pk=appeal.pk)
    earlier = (
        earlier.filter(author_id=appeal.author_id)
        if appeal.author_id
        else earlier.filter(author_email__iexact=appeal.author_email)
    )
    words = normalize_search(f"{appeal.subject} {appeal.text}")
    for candidate in earlier.order_by("-received_at")[:20]:
        if appeal.category_id and candidate.category_id == appeal.category_id:
            return candidate
        other = normalize_search(f"{candidate.subject} {candidate.text}")
        if difflib.SequenceMatcher(None, words, other, autojunk=False).quick_ratio() >= 0.9 and (
            difflib.SequenceMatcher(None, words, other, autojunk=False).ratio() >= 0.6
        ):
            return candidate
    return None


# --- Intake ---------------------------------------------------------------------------------


def _flag_if_repeated(appeal: Appeal) -> None:
    """Flag the appeal for the operator when it seems to repeat an answered one (art. 8);
    checked again whenever it reaches a new addressee."""
    if appeal.repeated_of_id is not None:
        return
    repeated = _repeated_of(appeal)
    if repeated is None:
        return
    Appeal.objects.filter(pk=appeal.pk).update(repeated_of=repeated)
    appeal.repeated_of = repeated
    _event(
        appeal,
        actor=None,
        action=Event.Action.REPEATED,
        is_public=False,
        comment=_("Possibly repeats %(number)s, already answered.") % {"number": repeated.number},
        original=repeated.pk,
    )
