"""Writing the queue: booking, moving, cancelling, and the specialist's desk.

Every booking and move locks the queue's row first, so bookings of one queue are decided one
after another; the partial unique constraint on (queue, start) stops a double booking even if
something bypassed the lock. Each action writes one Event and owes its e-mails in the same
transaction.
"""

import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hromada.accounts.models import User
from hromada.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hromada.core.files import random_name, validate_document
from hromada.equeue import selectors
from hromada.equeue.models import Booking, BookingFile, Event, FormField, Queue, Service, State
from hromada.equeue.notifications import notify
from hromada.equeue.slots import why_not
from hromada.integrations import hooks as webhook_hooks

COMMENT_MAX = 5_000
ANSWER_MAX = 2_000
NAME_MAX = 300
FRESH_SLOTS = 5


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment, selectors.zone()), "j E Y, H:i")


def _lock_queue(queue_id: int) -> Queue:
    try:
        return Queue.objects.select_for_update().select_related("addressee").get(pk=queue_id)
    except Queue.DoesNotExist as exc:
        raise NotFound(_("No such queue.")) from exc


def _lock_booking(actor: User, booking_id: int, permission: str) -> Booking:
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("queue", "queue__addressee", "service", "citizen")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or not actor.has_perm("equeue.view_booking", booking):
        raise NotFound(_("No such ticket."))
    if not actor.has_perm(permission, booking):
        raise PermissionDenied(_("You may not do this with this ticket."))
    return booking


def _event(booking: Booking, *, actor: User | None, action: str, from_state="", **extra) -> Event:
    comment = extra.pop("comment", "")
    return Event.objects.create(
        booking=booking,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_state=from_state or booking.state,
        to_state=booking.state,
        comment=comment,
        payload=extra,
    )


def _refuse_state(booking: Booking, allowed: Sequence[str], message: str) -> None:
    if booking.state not in allowed:
        raise Conflict(
            message % {"state": booking.get_state_display()}, extra={"state": booking.state}
        )


# --- Checking a requested time --------------------------------------------------------------


def _check_time(
    queue: Queue,
    service: Service,
    starts_at: datetime,
    *,
    now: datetime,
    by_staff: bool,
    exclude: int | None = None,
) -> datetime:
    """Refuse a start that is past, beyond the horizon, outside the hours, too long for the
    time left, or taken; return the end. Runs under the queue's lock."""
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at, selectors.zone())
    duration = timedelta(minutes=service.duration_minutes)
    earliest, last_day = selectors.booking_window(queue, now=now)
    if starts_at < (now if by_staff else earliest):
        raise ValidationFailed(
            _("This time has already passed or is too close. Choose a later time."),
            code="slot_in_past",
            field="starts_at",
        )
    day = timezone.localtime(starts_at, selectors.zone()).date()
    if not by_staff and day > last_day:
        raise ValidationFailed(
            _("One may book at most %(days)d days ahead in this queue.")
            % {"days": queue.horizon_days},
            code="beyond_horizon",
            field="starts_at",
        )
    plan = selectors.queue_plan(queue, first_day=day, last_day=day)
    problem = why_not(
        plan,
        starts_at,
        duration=duration,
        step=timedelta(minutes=queue.slot_step_minutes),
        zone=selectors.zone(),
    )
    if problem is not None:
        reason, left = problem
        if reason == "too_long":
            message = _(
                "«%(service)s» takes %(duration)d minutes, but only %(left)d minutes are left "
                "before a break or the end of the day. Choose an earlier time."
            ) % {"service": service.name, "duration": service.duration_minutes, "left": left}
            raise ValidationFailed(message, code="service_too_long", field="starts_at")
        raise ValidationFailed(
            _("The queue does not receive at %(time)s. Choose one of the free times.")
            % {"time": _when(starts_at)},
            code="outside_hours",
            field="starts_at",
        )
    ends_at = starts_at + duration
    taken = selectors.taken_intervals(queue.pk, day, day, exclude=exclude)
    if any(start < ends_at and end > starts_at for start, end in taken):
        _refuse_taken(queue, service, starts_at, now=now, exclude=exclude)
    return ends_at


def _refuse_taken(
    queue: Queue, service: Service, starts_at: datetime, *, now: datetime, exclude=None
):
    fresh = selectors.next_free(queue, service, count=FRESH_SLOTS, now=now, exclude=exclude)
    if fresh:
        message = _(
            "Somebody has just booked %(time)s. Free times now: %(free)s. Choose one of them."
        ) % {
            "time": _when(starts_at),
            "free": ", ".join(_when(moment) for moment in fresh),
        }
    else:
        message = _("Somebody has just booked %(time)s, and no free time is left.") % {
            "time": _when(starts_at)
        }
    raise Conflict(
        message,
        code="slot_taken",
        field="starts_at",
        extra={"free_slots": [moment.isoformat() for moment in fresh]},
    )


def _check_limit(queue: Queue, citizen: User, *, now: datetime) -> None:
    active = Booking.objects.filter(
        queue=queue, citizen=citizen, state=State.BOOKED, starts_at__gte=now
    ).count()
    if active >= queue.active_limit:
        raise ValidationFailed(
            ngettext(
                "You already have %(count)d active booking in this queue, and that is the "
                "limit. Cancel it or wait for the visit to book another.",
                "You already have %(count)d active bookings in this queue, and that is the "
                "limit. Cancel one or wait for a visit to book another.",
                active,
            )
            % {"count": active},
            code="over_limit",
        )


def clean_answers(queue: Queue, answers: dict[str, Any]) -> list[dict[str, str]]:
    """The answers to the queue's extra questions, checked, as stored on the booking."""
    cleaned = []
    for field in queue.form_fields.all():
        raw = answers.get(field.key, "")
        value = "" if raw is None else str(raw).strip()
        if "\x00" in value or len(value) > ANSWER_MAX:
            raise ValidationFailed(
                _("«%(label)s»: the answer is too long or has a forbidden character.")
                % {"label": field.label},
                field=field.key,
            )
        if field.kind == FormField.Kind.CHECKBOX:
            value = _("yes") if value.lower() in ("1", "true", "on", "yes") else ""
        elif field.kind == FormField.Kind.NUMBER and value:
            try:
                float(value.replace(",", "."))
            except ValueError:
                raise ValidationFailed(
                    _("«%(label)s»: give a number.") % {"label": field.label}, field=field.key
                ) from None
        elif field.kind == FormField.Kind.DATE and value and parse_date(value) is None:
            raise ValidationFailed(
                _("«%(label)s»: give a date as YYYY-MM-DD.") % {"label": field.label},
                field=field.key,
            )
        elif field.kind == FormField.Kind.CHOICE and value and value not in field.choice_list():
            raise ValidationFailed(
                _("«%(label)s»: choose one of the offered answers.") % {"label": field.label},
                field=field.key,
            )
        if field.is_required and not value:
            raise ValidationFailed(
                _("Fill in: %(label)s.") % {"label": field.label}, field=field.key
            )
        cleaned.append({"label": field.label, "value": value})
    return cleaned


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name or "\x00" in name or len(name) > NAME_MAX:
        raise ValidationFailed(_("Give your surname, name and patronymic."), field="name")
    return name


def _number(queue: Queue, day: date) -> str:
    # Under the queue's lock: the count cannot change until this booking commits.
    sequence = Booking.objects.filter(queue=queue, day=day).count() + 1
    return f"{queue.ticket_prefix}-{sequence:03d}"


# --- Booking --------------------------------------------------------------------------------


def booking_create(
    *,
    actor: User,
    queue_id: int,
    service_id: int,
    starts_at: datetime,
    answers: dict[str, Any] | None = None,
    name: str = "",
    phone: str = "",
    citizen: User | None = None,
    previous: Booking | None = None,
    now: datetime | None = None,
) -> Booking:
    """Book a time for ``citizen`` (the actor by default). Staff of the queue may book for a
    resident (the next visit): beyond the horizon and over the limit."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to book a visit."), code="not_authenticated")
    now = now or timezone.now()
    citizen = citizen or actor
    with transaction.atomic():
        queue = _lock_queue(queue_id)
        by_staff = citizen.pk != actor.pk
        if by_staff and not actor.has_perm("equeue.work_at_desk", queue):
            raise PermissionDenied(_("Only the queue's staff may book for somebody else."))
        if not queue.is_active and not by_staff:
            raise Conflict(_("This queue does not take bookings now."), code="queue_closed")
        service = Service.objects.filter(pk=service_id, queue=queue, is_active=True).first()
        if service is None:
            raise ValidationFailed(_("This queue offers no such service."), field="service")
        cleaned = clean_answers(queue, answers or {})
        name = _clean_name(name or citizen.full_name)
        ends_at = _check_time(queue, service, starts_at, now=now, by_staff=by_staff)
        if not by_staff:
            _check_limit(queue, citizen, now=now)
        day = timezone.localtime(starts_at, selectors.zone()).date()
        booking = Booking(
            queue=queue,
            service=service,
            citizen=citizen,
            code=secrets.token_urlsafe(12),
            number=_number(queue, day),
            day=day,
            starts_at=starts_at,
            ends_at=ends_at,
            citizen_name=name,
            citizen_email=citizen.email,
            citizen_phone=(phone or str(citizen.phone or ""))[:32],
            answers=cleaned,
            previous=previous,
        )
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError:
            # Only a writer that skipped the lock can get here; the constraint still holds.
            _refuse_taken(queue, service, starts_at, now=now)
        event = _event(
            booking,
            actor=actor,
            action=Event.Action.BOOKED,
            from_state="",
            starts_at=starts_at.isoformat(),
            service=service.pk,
        )
        notify(booking=booking, template="booked", event=event)
        transaction.on_commit(partial(webhook_hooks.booking_created, booking.pk), robust=True)
    return booking


def booking_move(
    *, actor: User, booking_id: int, starts_at: datetime, now: datetime | None = None
) -> Booking:
    """Another time for the same service; the resident only up to the cut-off."""
    now = now or timezone.now()
    with transaction.atomic():
        queue_id = Booking.objects.filter(pk=booking_id).values_list("queue_id", flat=True).first()
        if queue_id is None:
            raise NotFound(_("No such ticket."))
        queue = _lock_queue(queue_id)
        booking = _lock_booking(actor, booking_id, "equeue.move_booking")
        _refuse_state(booking, [State.BOOKED], _("A ticket that is «%(state)s» cannot be moved."))
        by_staff = booking.citizen_id != actor.pk
        if not by_staff:
            _check_cutoff(booking, now=now, moving=True)
        old = booking.starts_at
        booking.ends_at = _check_time(
            queue, booking.service, starts_at, now=now, by_staff=by_staff, exclude=booking.pk
        )
        day = timezone.localtime(starts_at, selectors.zone()).date()
        if day != booking.day:
            booking.number = _number(queue, day)
            booking.day = day
        booking.starts_at = starts_at
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError:
            _refuse_taken(queue, booking.service, starts_at, now=now, exclude=booking.pk)
        event = _event(
            booking,
            actor=actor,
            action=Event.Action.MOVED,
            previous=old.isoformat(),
            starts_at=starts_at.isoformat(),
        )
        notify(booking=booking, template="moved", event=event)
    return booking


def _check_cutoff(booking: Booking, *, now: datetime, moving: bool) -> None:
    cutoff = booking.starts_at - timedelta(hours=booking.queue.cutoff_hours)
    if now < cutoff:
        return
    values = {"hours": booking.queue.cutoff_hours, "cutoff": _when(cutoff)}
    if moving:
        message = _(
            "A visit can be moved no later than %(hours)d hours before it (until "
            "%(cutoff)s). Call the addressee instead."
        )
    else:
        message = _(
            "A visit can be cancelled no later than %(hours)d hours before it (until "
            "%(cutoff)s). Call the addressee instead."
        )
    raise ValidationFailed(message % values, code="too_late")


def booking_cancel(
    *, actor: User, booking_id: int, reason: str = "", now: datetime | None = None
) -> Booking:
    """The resident cancels up to the cut-off; the queue's staff at any time before the visit."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock_booking(actor, booking_id, "equeue.cancel_booking")
        _refuse_state(
            booking, [State.BOOKED], _("A ticket that is «%(state)s» cannot be cancelled.")
        )
        by_staff = booking.citizen_id != actor.pk
        if not by_staff:
            _check_cutoff(booking, now=now, moving=False)
        reason = (reason or "").strip()[:COMMENT_MAX]
        booking.state = State.CANCELLED
        booking.save(update_fields=["state", "updated_at"])
        event = _event(
            booking,
            actor=actor,
            action=Event.Action.CANCELLED,
            from_state=State.BOOKED,
            comment=reason,
            by_staff=by_staff,
        )
        if by_staff:
            notify(booking=booking, template="cancelled", event=event)
    return booking


# --- The desk -------------------------------------------------------------------------------

DESK_TRANSITIONS = {
    # action: (to state, from states, refusal)
    "arrive": (State.ARRIVED, (State.BOOKED,), Event.Action.ARRIVED),
    "serve": (State.SERVED, (State.BOOKED, State.ARRIVED), Event.Action.SERVED),
    "no_show": (State.NO_SHOW, (State.BOOKED,), Event.Action.NO_SHOW),
}


def booking_mark(
    *, actor: User, booking_id: int, action: str, comment: str = "", now: datetime | None = None
) -> Booking:
    """The specialist marks the visitor arrived, served or not come."""
    if action not in DESK_TRANSITIONS:
        raise ValidationFailed(_("Unknown action."), field="action")
    now = now or timezone.now()
    to_state, allowed, event_action = DESK_TRANSITIONS[action]
    with transaction.atomic():
        booking = _lock_booking(actor, booking_id, "equeue.work_at_desk")
        messages = {
            "arrive": _("A ticket that is «%(state)s» cannot be marked as arrived."),
            "serve": _("A ticket that is «%(state)s» cannot be marked as served."),
            "no_show": _("A ticket that is «%(state)s» cannot be marked as not come."),
        }
        _refuse_state(booking, allowed, messages[action])
        if action == "no_show" and now < booking.starts_at:
            raise Conflict(
                _("The visit has not begun yet: the resident may still come."), code="too_early"
            )
        if action == "arrive" and timezone.localtime(now, selectors.zone()).date() != booking.day:
            raise Conflict(
                _("The visit is on %(date)s, not today.")
                % {"date": formats.date_format(booking.day, "j E Y")},
                code="not_today",
            )
        previous = booking.state
        booking.state = to_state
        booking.save(update_fields=["state", "updated_at"])
        _event(
            booking,
            actor=actor,
            action=event_action,
            from_state=previous,
            comment=(comment or "").strip()[:COMMENT_MAX],
        )
    return booking


def booking_comment(
    *,
    actor: User,
    booking_id: int,
    text: str = "",
    files: Sequence[UploadedFile] = (),
) -> Booking:
    """The specialist's note on the visit, with files (seen by staff and the resident)."""
    text = (text or "").strip()
    if "\x00" in text:
        raise ValidationFailed(_("The text contains a forbidden character."), field="text")
    if not text and not files:
        raise ValidationFailed(_("Write a comment or attach a file."), field="text")
    if len(text) > COMMENT_MAX:
        raise ValidationFailed(
            _("A comment has at most %(max)d characters.") % {"max": COMMENT_MAX}, field="text"
        )
    if len(files) > settings.EQUEUE_FILES_MAX:
        raise ValidationFailed(
            _("At most %(count)d files at once.") % {"count": settings.EQUEUE_FILES_MAX},
            field="files",
        )
    checked = [
        validate_document(upload, max_bytes=settings.EQUEUE_FILE_MAX_BYTES) for upload in files
    ]
    written = []
    try:
        with transaction.atomic():
            booking = _lock_booking(actor, booking_id, "equeue.work_at_desk")
            names = []
            for upload, (extension, content_type) in zip(files, checked, strict=True):
                stored = BookingFile(
                    booking=booking,
                    original_name=(upload.name or "file")[-200:],
                    content_type=content_type,
                    size=upload.size,
                    uploaded_by=actor,
                )
                stored.file.save(random_name("equeue", extension), upload, save=False)
                written.append(stored.file)
                stored.save()
                names.append(stored.original_name)
            _event(
                booking,
                actor=actor,
                action=Event.Action.FILES if names and not text else Event.Action.COMMENTED,
                comment=text,
                files=names,
            )
    except BaseException:
        for stored_file in written:
            stored_file.storage.delete(stored_file.name)
        raise
    return booking


def booking_plan_next(
    *,
    actor: User,
    booking_id: int,
    starts_at: datetime,
    service_id: int | None = None,
    now: datetime | None = None,
) -> Booking:
    """The specialist books the resident's next visit in the same queue."""
    booking = Booking.objects.filter(pk=booking_id).select_related("queue").first()
    if booking is None or not actor.has_perm("equeue.view_booking", booking):
        raise NotFound(_("No such ticket."))
    if not actor.has_perm("equeue.work_at_desk", booking):
        raise PermissionDenied(_("You may not do this with this ticket."))
    with transaction.atomic():
        following = booking_create(
            actor=actor,
            queue_id=booking.queue_id,
            service_id=service_id or booking.service_id,
            starts_at=starts_at,
            name=booking.citizen_name,
            phone=booking.citizen_phone,
            citizen=booking.citizen,
            previous=booking,
            now=now,
        )
        _event(
            booking,
            actor=actor,
            action=Event.Action.NEXT_VISIT,
            next=following.pk,
            starts_at=following.starts_at.isoformat(),
        )
    return following


def ticket_resend(*, actor: User, booking_id: int, now: datetime | None = None) -> bool:
    """E-mail the ticket again; at most once in ten minutes. False when it was just sent."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock_booking(actor, booking_id, "equeue.view_booking")
        window = int(now.timestamp()) // 600
        return bool(notify(booking=booking, template="ticket", key_suffix=str(window)))
