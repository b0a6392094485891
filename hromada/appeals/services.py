"""Writing appeals: intake, the journal number, routing, the deadline, and every transition.

Each function validates, writes inside one transaction, appends an Event and owes its
notifications in that same transaction, so nothing a citizen was told is accepted can be lost.
Transitions lock the appeal's row and refuse an illegal state with a Conflict.
"""

import difflib
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hromada.accounts.models import User
from hromada.accounts.selectors import profile_missing_fields
from hromada.appeals import routing
from hromada.appeals.models import (
    OPEN_STATES,
    Answer,
    Appeal,
    Attachment,
    CallBack,
    Category,
    Channel,
    Event,
    JournalCounter,
    Kind,
    Rating,
    Signer,
    State,
)
from hromada.appeals.notifications import (
    addressee_recipients,
    author_recipients,
    department_recipients,
    notify,
)
from hromada.core import deadlines
from hromada.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hromada.core.files import random_name, validate_document
from hromada.core.selectors import district_for_point
from hromada.directory.models import Addressee, Membership
from hromada.directory.services import normalize_search

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
    **payload: Any,
) -> Event:
    return Event.objects.create(
        appeal=appeal,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_state=from_state,
        to_state=appeal.state,
        comment=comment,
        is_public=is_public,
        payload=payload,
    )


def _lock(appeal_id: int) -> Appeal:
    try:
        return Appeal.objects.select_for_update().get(pk=appeal_id)
    except Appeal.DoesNotExist as exc:
        raise NotFound(_("No such appeal.")) from exc


def _refuse_state(appeal: Appeal, allowed: Iterable[str], doing: str) -> None:
    if appeal.state not in allowed:
        raise Conflict(
            _("The appeal is “%(state)s”: it cannot be %(doing)s now.")
            % {"state": appeal.get_state_display(), "doing": doing},
            extra={"state": appeal.state},
        )


def _search_text(appeal: Appeal) -> str:
    parts = (appeal.number, appeal.subject, appeal.text, appeal.author_name, appeal.location_text)
    return normalize_search(" ".join(p for p in parts if p))


def _next_number(*, last_name: str, received_at: datetime) -> str:
    """The next number of the year's journal; the counter's row lock orders concurrent
    appeals, and the unique number catches any mistake."""
    year = received_at.astimezone(deadlines.KYIV).year
    JournalCounter.objects.get_or_create(year=year)
    JournalCounter.objects.filter(year=year).update(value=F("value") + 1)
    value = JournalCounter.objects.get(year=year).value
    initial = (last_name.strip()[:1] or settings.APPEAL_ANONYMOUS_INITIAL).upper()
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
            _("At most %(count)d files may be attached.")
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


def appeal_submit(
    *,
    actor: User | None,
    kind: str,
    subject: str,
    text: str,
    channel: str = Channel.WEB,
    addressee: Addressee | None = None,
    category: Category | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    location_text: str = "",
    is_public: bool = False,
    is_urgent: bool = False,
    urgency_reason: str = "",
    is_anonymous: bool = False,
    has_benefits: bool = False,
    co_signers: Sequence[str] = (),
    complaint_about: Appeal | None = None,
    decision_date: date | None = None,
    learned_date: date | None = None,
    files: Sequence[UploadedFile] = (),
    on_behalf: AuthorDetails | None = None,
    received_at: datetime | None = None,
) -> Appeal:
    """Accept an appeal from a citizen (``actor``), or register one an operator received by
    phone, post, e-mail or in person (``on_behalf``): number, route, deadline, notify."""
    if kind not in Kind.values:
        raise ValidationFailed(_("Choose the kind of appeal."), field="kind")
    subject = _clean_text(subject, field="subject", label=_("subject"), max_length=SUBJECT_MAX)
    text = _clean_text(text, field="text", label=_("text of the appeal"), max_length=TEXT_MAX)
    location_text = _clean_text(
        location_text,
        field="location_text",
        label=_("address or place"),
        max_length=300,
        required=False,
    )
    signed_in = actor is not None and actor.is_authenticated
    author: User | None = None
    registered_by: User | None = None

    if on_behalf is not None:
        if not signed_in or not actor.has_perm("appeals.register_appeal", Appeal(kind=kind)):
            raise PermissionDenied(_("Only the appeals department registers appeals for citizens."))
        if channel not in STAFF_CHANNELS:
            raise ValidationFailed(
                _("Say how the appeal was received: phone, post, e-mail or in person."),
                field="channel",
            )
        registered_by = actor
        details = on_behalf
        if kind != Kind.CORRUPTION_REPORT and not (details.last_name and details.first_name):
            raise ValidationFailed(
                _("Law 393/96-ВР art. 5: write down the author's surname and first name."),
                field="last_name",
            )
        if kind != Kind.CORRUPTION_REPORT and not (
            details.address or details.email or details.phone
        ):
            raise ValidationFailed(
                _("Write down where to send the answer: an address, an e-mail or a phone."),
                field="address",
            )
    elif is_anonymous:
        if kind != Kind.CORRUPTION_REPORT:
            raise ValidationFailed(
                _("Only a report of possible corruption may be anonymous (Law 393/96-ВР art. 8)."),
                field="is_anonymous",
            )
        details = AuthorDetails(last_name="", first_name="")
    else:
        if not signed_in:
            raise PermissionDenied(_("Sign in to file an appeal."))
        missing = profile_missing_fields(actor)
        if missing:
            raise ValidationFailed(
                _("Complete your profile first; missing: %(fields)s.")
                % {"fields": ", ".join(str(label) for _name, label in missing)},
                code="profile_incomplete",
                extra={"missing": [name for name, _label in missing]},
            )
        author = actor
        details = AuthorDetails(
            last_name=actor.last_name,
            first_name=actor.first_name,
            patronymic=actor.patronymic,
            address=actor.postal_address,
            email=actor.email,
            phone=str(actor.phone or ""),
        )
        if channel in STAFF_CHANNELS:
            channel = Channel.WEB

    if is_public and kind != Kind.PROBLEM_REPORT:
        raise ValidationFailed(_("Only a problem report can be public."), field="is_public")
    if is_urgent and kind != Kind.PUBLIC_INFORMATION:
        raise ValidationFailed(
            _("Only a request for public information can be urgent."), field="is_urgent"
        )
    if is_urgent:
        urgency_reason = _clean_text(
            urgency_reason, field="urgency_reason", label=_("why it is urgent"), max_length=2000
        )
    if category is not None and not category.is_active:
        raise ValidationFailed(_("This category is no longer offered."), field="category")
    if (
        kind == Kind.PROBLEM_REPORT
        and category is None
        and Category.objects.filter(is_active=True, for_problem_reports=True).exists()
    ):
        raise ValidationFailed(_("Choose the category of the problem."), field="category")

    if (latitude is None) != (longitude is None):
        raise ValidationFailed(_("Give both the latitude and the longitude."), field="location")
    district = None
    if latitude is not None:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValidationFailed(_("The point has impossible coordinates."), field="location")
        district = district_for_point(lat=latitude, lon=longitude)
        if district is None:
            raise ValidationFailed(
                _("The point lies outside the community: choose a place within it."),
                field="location",
            )
    elif kind == Kind.PROBLEM_REPORT:
        raise ValidationFailed(_("Put the problem on the map."), field="location")

    if addressee is not None and not addressee.is_published and registered_by is None:
        raise ValidationFailed(_("This addressee does not accept appeals."), field="addressee")
    if kind == Kind.COMPLAINT:
        today = timezone.localdate()
        for name, value in (("decision_date", decision_date), ("learned_date", learned_date)):
            if value and value > today:
                raise ValidationFailed(_("The date cannot be in the future."), field=name)
        if decision_date and learned_date and learned_date < decision_date:
            raise ValidationFailed(
                _("One cannot learn of a decision before it was taken."), field="learned_date"
            )
    if complaint_about is not None and (
        kind != Kind.COMPLAINT
        or complaint_about.author_id is None
        or complaint_about.author_id != (author.pk if author else None)
    ):
        raise ValidationFailed(
            _("A complaint about an answer is filed by that appeal's author."),
            field="complaint_about",
        )
    files = list(files)
    _check_files(files)
    signer_users = _co_signers(co_signers, author=author) if co_signers else []

    received_at = received_at or timezone.now()
    with _files_removed_on_failure(), transaction.atomic():
        if kind == Kind.CORRUPTION_REPORT:
            decision = routing.Decision(
                None,
                None,
                _("A report of possible corruption goes to the designated officers only."),
            )
            if addressee is not None:
                decision = routing.Decision(addressee, None, _("Chosen by the author."))
        elif addressee is not None:
            decision = routing.Decision(addressee, None, _("Chosen by the author."))
        else:
            decision = routing.route(category=category, district=district)
        deadline = deadlines.deadline_for(kind, received_at, urgent=is_urgent)
        direct = (
            settings.APPEAL_PROCESSING_MODE == "direct" or registered_by is not None
        ) and decision.addressee is not None
        appeal = Appeal(
            number=_next_number(last_name=details.last_name, received_at=received_at),
            kind=kind,
            state=State.REGISTERED if direct else State.SUBMITTED,
            channel=channel,
            is_collective=bool(signer_users),
            subject=subject,
            text=text,
            category=category,
            addressee=decision.addressee,
            district=district,
            latitude=latitude,
            longitude=longitude,
            location_text=location_text,
            is_public=is_public,
            is_urgent=is_urgent,
            urgency_reason=urgency_reason,
            has_benefits=has_benefits,
            complaint_about=complaint_about,
            decision_date=decision_date if kind == Kind.COMPLAINT else None,
            learned_date=learned_date if kind == Kind.COMPLAINT else None,
            author=author,
            author_last_name=details.last_name.strip()[:100],
            author_first_name=details.first_name.strip()[:100],
            author_patronymic=details.patronymic.strip()[:100],
            author_address=details.address.strip()[:300],
            author_email=details.email.strip()[:254],
            author_phone=details.phone.strip()[:32],
            is_anonymous=is_anonymous,
            registered_by=registered_by,
            received_at=received_at,
            registered_at=received_at if direct else None,
            due_at=deadline.due_at,
            routing_rule=decision.rule,
            routing_reason=decision.reason[:300],
        )
        appeal.search_text = _search_text(appeal)
        appeal.save()
        _store_attachments(appeal, files, actor=actor)
        for user in signer_users:
            Signer.objects.create(appeal=appeal, user=user)
        submitted = _event(
            appeal,
            actor=actor,
            action=Event.Action.SUBMITTED,
            channel=channel,
            registered_by=registered_by.pk if registered_by else None,
        )
        _event(
            appeal,
            actor=None,
            action=Event.Action.ROUTED,
            is_public=False,
            addressee=decision.addressee.pk if decision.addressee else None,
            rule=decision.rule.pk if decision.rule else None,
            reason=decision.reason,
        )
        if direct:
            _event(
                appeal,
                actor=registered_by,
                action=Event.Action.REGISTERED,
                from_state=State.SUBMITTED,
            )
        if (
            kind == Kind.COMPLAINT
            and decision_date
            and learned_date
            and not deadlines.complaint_filed_in_time(
                decision_date, learned_date, received_at.astimezone(deadlines.KYIV).date()
            )
        ):
            _event(
                appeal,
                actor=None,
                action=Event.Action.COMMENTED,
                is_public=False,
                comment=_(
                    "Filed after the term of Law 393/96-ВР art. 17: it may be left "
                    "unconsidered (art. 8)."
                ),
            )
        repeated = _repeated_of(appeal)
        if repeated is not None:
            Appeal.objects.filter(pk=appeal.pk).update(repeated_of=repeated)
            appeal.repeated_of = repeated
            _event(
                appeal,
                actor=None,
                action=Event.Action.REPEATED,
                is_public=False,
                comment=_("Possibly repeats %(number)s, already answered.")
                % {"number": repeated.number},
                original=repeated.pk,
            )

        notify(
            appeal=appeal,
            template="accepted",
            recipients=author_recipients(appeal),
            event=submitted,
        )
        for user in signer_users:
            notify(appeal=appeal, template="sign_request", recipients=[user.email], event=submitted)
        if kind != Kind.CORRUPTION_REPORT:
            if direct:
                notify(
                    appeal=appeal,
                    template="new_for_addressee",
                    recipients=addressee_recipients(appeal),
                    event=submitted,
                )
            notify(
                appeal=appeal,
                template="department_copy",
                recipients=department_recipients(),
                event=submitted,
            )
    return appeal


def _co_signers(emails: Sequence[str], *, author: User | None) -> list[User]:
    if author is None:
        raise ValidationFailed(
            _("Only a signed-in author can invite co-signers."), field="co_signers"
        )
    wanted = list(dict.fromkeys(e.strip().lower() for e in emails if e and e.strip()))
    if len(wanted) > 100:
        raise ValidationFailed(_("At most 100 co-signers."), field="co_signers")
    # E-mails are stored as typed and unique case-insensitively.
    users = {
        user.email_lower: user
        for user in User.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=wanted, is_active=True
        )
    }
    unknown = [e for e in wanted if e not in users]
    if unknown:
        raise ValidationFailed(
            _(
                "No resident is registered with: %(emails)s. Co-signers confirm from their own "
                "accounts."
            )
            % {"emails": ", ".join(unknown)},
            field="co_signers",
        )
    if author.email.lower() in users:
        raise ValidationFailed(_("You are the author; do not list yourself."), field="co_signers")
    return list(users.values())


def signer_confirm(*, appeal_id: int, user: User) -> Signer:
    with transaction.atomic():
        appeal = _lock(appeal_id)
        signer = Signer.objects.filter(appeal=appeal, user=user).first()
        if signer is None:
            raise NotFound(_("No such appeal."))
        if signer.confirmed_at:
            raise Conflict(_("You have already signed this appeal."))
        if appeal.state not in OPEN_STATES:
            raise Conflict(_("The appeal is already decided; it can no longer be signed."))
        signer.confirmed_at = timezone.now()
        signer.save(update_fields=["confirmed_at"])
        _event(appeal, actor=user, action=Event.Action.SIGNED, is_public=True)
    return signer


# --- Transitions ----------------------------------------------------------------------------


def _set_deadline(appeal: Appeal, *, is_simple: bool | None) -> None:
    if is_simple is None or is_simple == appeal.is_simple or appeal.extended_at:
        return
    if appeal.kind not in deadlines.APPEAL_KINDS:
        raise ValidationFailed(
            _("Only an appeal under Law 393/96-ВР can be simple."), field="is_simple"
        )
    appeal.is_simple = is_simple
    appeal.due_at = deadlines.deadline_for(appeal.kind, appeal.received_at, simple=is_simple).due_at


def appeal_register(
    *,
    appeal_id: int,
    actor: User,
    addressee: Addressee | None = None,
    category: Category | None = None,
    is_simple: bool | None = None,
    comment: str = "",
) -> Appeal:
    """The appeals department registers a submitted appeal and sends it to its addressee."""
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.register_appeal", appeal)
        _refuse_state(appeal, [State.SUBMITTED], _("registered"))
        addressee = addressee or appeal.addressee
        # Reports of possible corruption stay with the designated officers, addressee or not.
        if addressee is None and appeal.kind != Kind.CORRUPTION_REPORT:
            raise ValidationFailed(_("Choose the addressee."), field="addressee")
        new_id = addressee.pk if addressee else None
        corrected = appeal.addressee_id is not None and new_id != appeal.addressee_id
        previous = appeal.addressee_id
        appeal.addressee = addressee
        if category is not None:
            appeal.category = category
        _set_deadline(appeal, is_simple=is_simple)
        appeal.state = State.REGISTERED
        appeal.registered_at = timezone.now()
        appeal.registered_by = actor
        appeal.save()
        if previous != new_id:
            _event(
                appeal,
                actor=actor,
                action=Event.Action.ROUTED,
                is_public=False,
                addressee=new_id,
                previous=previous,
                correction=corrected,
            )
        event = _event(
            appeal,
            actor=actor,
            action=Event.Action.REGISTERED,
            from_state=State.SUBMITTED,
            comment=comment,
            is_public=True,
        )
        notify(
            appeal=appeal, template="registered", recipients=author_recipients(appeal), event=event
        )
        notify(
            appeal=appeal,
            template="new_for_addressee",
            recipients=addressee_recipients(appeal),
            event=event,
        )
    return appeal


def appeal_route(*, appeal_id: int, actor: User, addressee: Addressee, comment: str = "") -> Appeal:
    """Send a registered appeal to another addressee of the council (a routing correction)."""
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.register_appeal", appeal)
        _refuse_state(
            appeal,
            [State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS, State.REOPENED],
            _("sent to another addressee"),
        )
        if addressee.pk == appeal.addressee_id:
            raise ValidationFailed(
                _("The appeal is already with this addressee."), field="addressee"
            )
        previous, from_state = appeal.addressee_id, appeal.state
        appeal.addressee = addressee
        appeal.executor = None
        appeal.state = State.REGISTERED
        appeal.save()
        event = _event(
            appeal,
            actor=actor,
            action=Event.Action.ROUTED,
            from_state=from_state,
            comment=comment,
            is_public=False,
            addressee=addressee.pk,
            previous=previous,
            correction=True,
        )
        notify(
            appeal=appeal,
            template="new_for_addressee",
            recipients=addressee_recipients(appeal),
            event=event,
        )
    return appeal


def appeal_assign(*, appeal_id: int, actor: User, executor: User, comment: str = "") -> Appeal:
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.assign_appeal", appeal)
        _refuse_state(
            appeal,
            [State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS, State.REOPENED],
            _("assigned"),
        )
        if not (
            Membership.objects.filter(addressee_id=appeal.addressee_id, user=executor).exists()
            and executor.is_active
        ):
            raise ValidationFailed(
                _("The executor must be a member of staff of the addressee."), field="executor"
            )
        if executor.pk == appeal.executor_id:
            raise ValidationFailed(_("This person is already the executor."), field="executor")
        from_state = appeal.state
        appeal.executor = executor
        appeal.state = State.ASSIGNED
        appeal.save()
        event = _event(
            appeal,
            actor=actor,
            action=Event.Action.ASSIGNED,
            from_state=from_state,
            comment=comment,
            is_public=True,
            executor=executor.pk,
        )
        notify(appeal=appeal, template="assigned", recipients=[executor.email], event=event)
    return appeal


def appeal_start(*, appeal_id: int, actor: User) -> Appeal:
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.work_on_appeal", appeal)
        _refuse_state(appeal, [State.ASSIGNED, State.REOPENED], _("taken into work"))
        from_state = appeal.state
        appeal.state = State.IN_PROGRESS
        appeal.save()
        _event(appeal, actor=actor, action=Event.Action.STARTED, from_state=from_state)
    return appeal


def appeal_answer(
    *, appeal_id: int, actor: User, text: str, files: Sequence[UploadedFile] = ()
) -> Answer:
    text = _clean_text(text, field="text", label=_("answer"), max_length=TEXT_MAX)
    files = list(files)
    _check_files(files)
    with _files_removed_on_failure(), transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.work_on_appeal", appeal)
        _refuse_state(
            appeal,
            [State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS, State.REOPENED],
            _("answered"),
        )
        from_state = appeal.state
        now = timezone.now()
        appeal.state = State.ANSWERED
        appeal.answered_at = now
        appeal.is_overdue = appeal.is_overdue or now > appeal.due_at
        if appeal.executor_id is None:
            appeal.executor = actor
        appeal.save()
        answer = Answer.objects.create(appeal=appeal, author=actor, text=text)
        _store_attachments(appeal, files, actor=actor, answer=answer)
        event = _event(
            appeal,
            actor=actor,
            action=Event.Action.ANSWERED,
            from_state=from_state,
            answer=answer.pk,
            on_time=now <= appeal.due_at,
        )
        notify(
            appeal=appeal, template="answered", recipients=author_recipients(appeal), event=event
        )
    return answer


def appeal_close(*, appeal_id: int, actor: User | None, comment: str = "") -> Appeal:
    """The author accepts the answer, the department closes it, or the job does after
    APPEAL_AUTO_CLOSE_DAYS without a dispute (``actor=None``)."""
    with transaction.atomic():
        appeal = _lock(appeal_id)
        if actor is not None and not (
            actor.has_perm("appeals.respond_as_author", appeal)
            or actor.has_perm("appeals.register_appeal", appeal)
        ):
            _check_permission(actor, "appeals.register_appeal", appeal)
        _refuse_state(appeal, [State.ANSWERED], _("closed"))
        appeal.state = State.CLOSED
        appeal.closed_at = timezone.now()
        appeal.save()
        _event(
            appeal,
            actor=actor,
            action=Event.Action.CLOSED,
            from_state=State.ANSWERED,
            comment=comment,
        )
    return appeal


def appeal_return(*, appeal_id: int, actor: User, explanation: str) -> Appeal:
    """Law 393/96-ВР art. 5: required content is missing; back to the author within 10 days."""
    explanation = _clean_text(
        explanation, field="comment", label=_("what is missing"), max_length=COMMENT_MAX
    )
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.register_appeal", appeal)
        _refuse_state(appeal, [State.SUBMITTED, State.REGISTERED, State.ASSIGNED], _("returned"))
        limit = deadlines.appeal_return_deadline(appeal.received_at)
        if timezone.now() > limit.due_at:
            raise Conflict(
                _(
                    "The term for returning it ended on %(date)s (%(basis)s); the appeal must "
                    "be considered."
                )
                % {
                    "date": formats.date_format(limit.due_at.astimezone(deadlines.KYIV).date()),
                    "basis": limit.basis,
                }
            )
        return _finish(
            appeal,
            actor=actor,
            state=State.RETURNED,
            action=Event.Action.RETURNED,
            comment=explanation,
            template="returned",
        )


def appeal_forward(*, appeal_id: int, actor: User, to: str, comment: str = "") -> Appeal:
    """Law 393/96-ВР art. 7: outside the council's competence; to the competent body within
    5 days, and the author is told."""
    to = _clean_text(to, field="forwarded_to", label=_("the competent body"), max_length=300)
    comment = _clean_text(
        comment, field="comment", label=_("comment"), max_length=COMMENT_MAX, required=False
    )
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.register_appeal", appeal)
        _refuse_state(appeal, [State.SUBMITTED, State.REGISTERED, State.ASSIGNED], _("forwarded"))
        limit = deadlines.appeal_forward_deadline(appeal.received_at)
        if timezone.now() > limit.due_at:
            raise Conflict(
                _(
                    "The term for forwarding it ended on %(date)s (%(basis)s); the appeal must "
                    "be considered here."
                )
                % {
                    "date": formats.date_format(limit.due_at.astimezone(deadlines.KYIV).date()),
                    "basis": limit.basis,
                }
            )
        appeal.forwarded_to = to
        return _finish(
            appeal,
            actor=actor,
            state=State.FORWARDED,
            action=Event.Action.FORWARDED,
            comment=comment,
            template="forwarded",
            to=to,
        )


def appeal_not_consider(*, appeal_id: int, actor: User, reason: str, comment: str = "") -> Appeal:
    if reason not in NOT_CONSIDERED_REASONS:
        raise ValidationFailed(_("Choose the case of art. 8 that applies."), field="reason")
    comment = _clean_text(
        comment, field="comment", label=_("comment"), max_length=COMMENT_MAX, required=False
    )
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.register_appeal", appeal)
        _refuse_state(
            appeal,
            [State.SUBMITTED, State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS],
            _("left unconsidered"),
        )
        text = str(NOT_CONSIDERED_REASONS[reason]) + (f". {comment}" if comment else "")
        return _finish(
            appeal,
            actor=actor,
            state=State.NOT_CONSIDERED,
            action=Event.Action.NOT_CONSIDERED,
            comment=text,
            template="not_considered",
            reason=reason,
        )


def appeal_mark_duplicate(
    *, appeal_id: int, actor: User, original_id: int, comment: str = ""
) -> Appeal:
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.register_appeal", appeal)
        _refuse_state(
            appeal, [State.SUBMITTED, State.REGISTERED, State.ASSIGNED], _("marked as a duplicate")
        )
        original = Appeal.objects.filter(pk=original_id).first()
        if (
            original is None
            or original.pk == appeal.pk
            or not actor.has_perm("appeals.view_appeal", original)
        ):
            raise ValidationFailed(_("Choose the original appeal."), field="original")
        if original.state == State.DUPLICATE:
            raise ValidationFailed(
                _("%(number)s is itself a duplicate; link to its original %(original)s.")
                % {
                    "number": original.number,
                    "original": original.duplicate_of.number if original.duplicate_of else "",
                },
                field="original",
            )
        appeal.duplicate_of = original
        return _finish(
            appeal,
            actor=actor,
            state=State.DUPLICATE,
            action=Event.Action.DUPLICATE,
            comment=comment,
            template="duplicate",
            original=original.pk,
            original_number=original.number,
        )


def _finish(appeal: Appeal, *, actor, state, action, comment, template, **payload) -> Appeal:
    from_state = appeal.state
    appeal.state = state
    appeal.closed_at = timezone.now()
    appeal.save()
    event = _event(
        appeal, actor=actor, action=action, from_state=from_state, comment=comment, **payload
    )
    notify(appeal=appeal, template=template, recipients=author_recipients(appeal), event=event)
    return appeal


def appeal_extend(
    *, appeal_id: int, actor: User, reason: str, new_due: date | None = None
) -> Appeal:
    """Law 393/96-ВР art. 20: extend with notice to the author, never beyond 45 days in total;
    public information: to 20 working days, within the first 5."""
    reason = _clean_text(
        reason, field="reason", label=_("reason for the extension"), max_length=COMMENT_MAX
    )
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.work_on_appeal", appeal)
        _refuse_state(
            appeal,
            [State.REGISTERED, State.ASSIGNED, State.IN_PROGRESS, State.REOPENED],
            _("extended"),
        )
        if appeal.is_urgent:
            raise ValidationFailed(_("An urgent request cannot be extended."), field="new_due")
        current = deadlines.Deadline(appeal.due_at, "", working_days=False)
        extended = deadlines.extend(current, appeal.received_at, kind=appeal.kind, new_due=new_due)
        previous = appeal.due_at
        appeal.due_at = extended.due_at
        appeal.extended_at = timezone.now()
        appeal.is_overdue = False
        appeal.save()
        event = _event(
            appeal,
            actor=actor,
            action=Event.Action.EXTENDED,
            from_state=appeal.state,
            comment=reason,
            previous_due=previous.isoformat(),
            due=extended.due_at.isoformat(),
        )
        notify(
            appeal=appeal, template="extended", recipients=author_recipients(appeal), event=event
        )
    return appeal


def appeal_reopen(*, appeal_id: int, actor: User, reason: str) -> Appeal:
    """The author disputes the answer (within APPEAL_DISPUTE_DAYS), or the department reopens
    it; it is considered again, with a new term from today."""
    reason = _clean_text(
        reason,
        field="reason",
        label=_("why the answer does not resolve it"),
        max_length=COMMENT_MAX,
    )
    with transaction.atomic():
        appeal = _lock(appeal_id)
        by_author = actor.has_perm("appeals.respond_as_author", appeal)
        if not by_author:
            _check_permission(actor, "appeals.register_appeal", appeal)
        _refuse_state(appeal, [State.ANSWERED, State.CLOSED], _("reopened"))
        if by_author:
            _refuse_late_dispute(appeal)
        return _reopen(appeal, actor=actor, reason=reason)


def _refuse_late_dispute(appeal: Appeal) -> None:
    if appeal.answered_at and timezone.now() > appeal.answered_at + timedelta(
        days=settings.APPEAL_DISPUTE_DAYS
    ):
        raise Conflict(
            _(
                "An answer can be disputed within %(days)d days of it; file a complaint about "
                "the answer instead."
            )
            % {"days": settings.APPEAL_DISPUTE_DAYS}
        )


def _reopen(appeal: Appeal, *, actor: User, reason: str) -> Appeal:
    from_state = appeal.state
    now = timezone.now()
    appeal.state = State.REOPENED
    appeal.closed_at = None
    appeal.due_at = deadlines.deadline_for(appeal.kind, now, urgent=appeal.is_urgent).due_at
    appeal.is_overdue = False
    appeal.save()
    event = _event(
        appeal,
        actor=actor,
        action=Event.Action.REOPENED,
        from_state=from_state,
        comment=reason,
        due=appeal.due_at.isoformat(),
    )
    notify(
        appeal=appeal,
        template="reopened",
        recipients=addressee_recipients(appeal)
        + department_recipients()
        + ([appeal.executor.email] if appeal.executor_id else []),
        event=event,
    )
    return appeal


def appeal_rate(
    *,
    appeal_id: int,
    actor: User,
    quality: int,
    speed: int,
    completeness: int,
    comment: str = "",
    dispute: bool = False,
) -> Rating:
    """The author rates the latest answer once (1-5 each); a low rating is flagged for the
    appeals department, and ``dispute`` reopens the appeal."""
    for name, value in (("quality", quality), ("speed", speed), ("completeness", completeness)):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise ValidationFailed(_("Rate from 1 to 5."), field=name)
    comment = _clean_text(
        comment, field="comment", label=_("comment"), max_length=COMMENT_MAX, required=dispute
    )
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.respond_as_author", appeal)
        _refuse_state(appeal, [State.ANSWERED, State.CLOSED], _("rated"))
        if dispute:
            _refuse_late_dispute(appeal)
        answer = appeal.answers.order_by("-created_at", "-pk").first()
        if answer is None:
            raise Conflict(_("There is no answer to rate yet."))
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    appeal=appeal,
                    answer=answer,
                    user=actor,
                    quality=quality,
                    speed=speed,
                    completeness=completeness,
                    comment=comment,
                )
        except IntegrityError as exc:
            raise Conflict(_("You have already rated this answer.")) from exc
        event = _event(
            appeal,
            actor=actor,
            action=Event.Action.RATED,
            from_state=appeal.state,
            comment=comment,
            quality=quality,
            speed=speed,
            completeness=completeness,
        )
        if rating.average <= settings.APPEAL_LOW_RATING:
            notify(
                appeal=appeal,
                template="low_rating",
                recipients=department_recipients() + addressee_recipients(appeal),
                event=event,
            )
        if dispute:
            _reopen(appeal, actor=actor, reason=comment)
    return rating


def appeal_call_back(*, appeal_id: int, actor: User, outcome: str, note: str = "") -> CallBack:
    """The «109» centre called the author back; the outcome goes on the record."""
    if outcome not in CallBack.Outcome.values:
        raise ValidationFailed(_("Choose the outcome of the call."), field="outcome")
    note = _clean_text(note, field="note", label=_("note"), max_length=COMMENT_MAX, required=False)
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.register_appeal", appeal)
        call = CallBack.objects.create(appeal=appeal, operator=actor, outcome=outcome, note=note)
        _event(
            appeal,
            actor=actor,
            action=Event.Action.CALLED_BACK,
            from_state=appeal.state,
            comment=note,
            is_public=False,
            outcome=outcome,
        )
    return call


def appeal_comment(*, appeal_id: int, actor: User, comment: str) -> Event:
    """An internal note on the appeal, for staff only."""
    comment = _clean_text(comment, field="comment", label=_("note"), max_length=COMMENT_MAX)
    with transaction.atomic():
        appeal = _lock(appeal_id)
        _check_permission(actor, "appeals.view_appeal_internals", appeal)
        return _event(
            appeal,
            actor=actor,
            action=Event.Action.COMMENTED,
            from_state=appeal.state,
            comment=comment,
            is_public=False,
        )


# Bulk actions of the back office: each appeal in its own transaction, so that one refusal
# does not undo the others; the result says which were refused and why.
BULK_ACTIONS = {
    "assign": appeal_assign,
    "route": appeal_route,
    "start": appeal_start,
    "close": appeal_close,
}


def appeals_bulk(
    *, action: str, appeal_ids: Iterable[int], actor: User, **arguments: Any
) -> dict[int, str]:
    if action not in BULK_ACTIONS:
        raise ValidationFailed(_("Choose an action."), field="action")
    refused: dict[int, str] = {}
    for appeal_id in appeal_ids:
        try:
            BULK_ACTIONS[action](appeal_id=appeal_id, actor=actor, **arguments)
        except (ValidationFailed, PermissionDenied, NotFound, Conflict) as exc:
            refused[appeal_id] = exc.message
    return refused
