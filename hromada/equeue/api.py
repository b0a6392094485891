"""The electronic queue's JSON API (/api/v1/equeue/): queues and free times (public), booking,
moving and cancelling (the resident), the desk and the feed (the queue's staff).

Endpoints are thin: codes to objects, one service or selector, rendering. Refusals are
ApplicationErrors, mapped once in core.api; a taken time answers 409 `slot_taken` with the
free times of now in `details.free_slots`.
"""

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field, field_validator

from hromada.core.errors import NotFound, PermissionDenied, ValidationFailed
from hromada.core.pagination import (
    CURSOR_DESCRIPTION,
    CURSOR_MAX,
    HAS_MORE_DESCRIPTION,
    NEXT_CURSOR_DESCRIPTION,
    PageQuery,
    offset_page,
)
from hromada.equeue import documents, selectors, services
from hromada.equeue.models import Booking, Queue

router = Router(tags=["electronic queue"])
DESK = ["electronic queue: desk"]
REFUSALS = frozenset({400, 401, 403, 404, 409, 422})


class ErrorOut(Schema):
    error: dict[str, Any]


def answers(status: int, schema) -> dict:
    return {status: schema, REFUSALS: ErrorOut}


class Input(Schema):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def no_nul(cls, value: Any) -> Any:
        texts = list(value.values()) if isinstance(value, dict) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError(_("The text contains a forbidden character."))
        return value


class BookingIn(Input):
    queue: str = Field(description="The queue's code.")
    service: int = Field(description="The service's id (see the queue).")
    starts_at: datetime = Field(description="One of the free starts, ISO 8601 with an offset.")
    name: str = Field("", description="Surname, name and patronymic; the profile's by default.")
    phone: str = Field("", max_length=32)
    answers: dict[str, str] = Field(
        default_factory=dict, description="The queue's extra questions: {field key: answer}."
    )


class MoveIn(Input):
    starts_at: datetime


class CancelIn(Input):
    reason: str = Field("", max_length=5000)


class CommentIn(Input):
    text: str = Field(max_length=5000)


class MarkIn(Input):
    comment: str = Field("", max_length=5000)


class NextVisitIn(Input):
    starts_at: datetime
    service: int | None = None


class ServiceOut(Schema):
    id: int
    name: str
    description: str
    duration_minutes: int


class FieldOut(Schema):
    key: str
    label: str
    kind: str
    help_text: str
    is_required: bool
    choices: list[str]


class QueueOut(Schema):
    slug: str
    name: str
    description: str
    addressee: dict[str, str]
    place: str
    horizon_days: int
    cutoff_hours: int
    active_limit: int
    services: list[ServiceOut]
    form_fields: list[FieldOut]


class DaySlotsOut(Schema):
    date: date
    starts: list[datetime]


class BookingOut(Schema):
    code: str
    number: str
    state: str
    state_label: str
    queue: dict[str, str]
    addressee: dict[str, str]
    service: dict[str, Any]
    starts_at: datetime
    ends_at: datetime
    place: str
    citizen_name: str
    answers: list[dict[str, str]]
    url: str
    pdf_url: str
    ics_url: str
    updated_at: datetime


class FeedOut(Schema):
    items: list[BookingOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the changes after these; kept when `has_more` is "
        "false, to poll from later (null only before the queue's first booking)."
    )
    has_more: bool = Field(description=HAS_MORE_DESCRIPTION)


class BookingPageOut(Schema):
    items: list[BookingOut]
    next_cursor: str | None = Field(description=NEXT_CURSOR_DESCRIPTION)
    has_more: bool = Field(description=HAS_MORE_DESCRIPTION)


def _queue_out(queue: Queue) -> dict:
    return {
        "slug": queue.slug,
        "name": queue.name,
        "description": queue.description,
        "addressee": {"slug": queue.addressee.slug, "name": queue.addressee.name},
        "place": queue.place,
        "horizon_days": queue.horizon_days,
        "cutoff_hours": queue.cutoff_hours,
        "active_limit": queue.active_limit,
        "services": list(queue.services.all()),
        "form_fields": [
            {
                "key": f.key,
                "label": f.label,
                "kind": f.kind,
                "help_text": f.help_text,
                "is_required": f.is_required,
                "choices": f.choice_list(),
            }
            for f in queue.form_fields.all()
        ],
    }


def _booking_out(booking: Booking) -> dict:
    url = booking.get_absolute_url()
    return {
        "code": booking.code,
        "number": booking.number,
        "state": booking.state,
        "state_label": booking.get_state_display(),
        "queue": {"slug": booking.queue.slug, "name": booking.queue.name},
        "addressee": {"slug": booking.queue.addressee.slug, "name": booking.queue.addressee.name},
        "service": {"id": booking.service_id, "name": booking.service.name},
        "starts_at": timezone.localtime(booking.starts_at, selectors.zone()),
        "ends_at": timezone.localtime(booking.ends_at, selectors.zone()),
        "place": booking.queue.place,
        "citizen_name": booking.citizen_name,
        "answers": booking.answers,
        "url": documents.ticket_url(booking),
        "pdf_url": f"{url}ticket.pdf",
        "ics_url": f"{url}ticket.ics",
        "updated_at": booking.updated_at,
    }


def _queue(slug: str) -> Queue:
    queue = selectors.queue_by_slug(slug)
    if queue is None:
        raise NotFound(_("No such queue."))
    return queue


def _visible(user, code: str) -> Booking:
    booking = selectors.booking_for(user, code)
    if booking is None:
        raise NotFound(_("No such ticket."))
    return booking


def _reread(user, booking: Booking) -> dict:
    return _booking_out(_visible(user, booking.code))


# --- Public ---------------------------------------------------------------------------------


@router.get("/queues", response=list[QueueOut], auth=None, summary="Queues open for booking")
def queues(request, addressee: str | None = None):
    found = selectors.open_queues().prefetch_related("services", "form_fields")
    if addressee:
        found = found.filter(addressee__slug=addressee)
    return [_queue_out(queue) for queue in found]


@router.get("/queues/{slug}", response=answers(200, QueueOut), auth=None, summary="One queue")
def queue_detail(request, slug: str):
    return _queue_out(_queue(slug))


@router.get(
    "/queues/{slug}/slots",
    response=answers(200, list[DaySlotsOut]),
    auth=None,
    summary="Free starts for a service, day by day",
    description="Only starts that fit the service's duration, within the booking horizon.",
)
def slots(
    request,
    slug: str,
    service: int,
    start: date | None = None,
    days: int = Query(7, ge=1, le=62),
):
    queue = _queue(slug)
    chosen = next((s for s in queue.services.all() if s.pk == service), None)
    if chosen is None:
        raise ValidationFailed(_("This queue offers no such service."), field="service")
    found = selectors.slots_for(queue, chosen, first_day=start, days=days)
    return [{"date": day, "starts": starts} for day, starts in found.items()]


# --- The resident ---------------------------------------------------------------------------


@router.post(
    "/bookings",
    response=answers(201, BookingOut),
    url_name="equeue_book",
    summary="Book a visit",
    description="409 `slot_taken` carries `details.free_slots`; 422 `over_limit`, "
    "`slot_in_past`, `service_too_long`, `outside_hours`, `beyond_horizon`.",
)
def book(request, payload: BookingIn):
    queue = Queue.objects.filter(slug=payload.queue).first()
    if queue is None:
        raise ValidationFailed(_("No queue with this code."), field="queue")
    booking = services.booking_create(
        actor=request.auth,
        queue_id=queue.pk,
        service_id=payload.service,
        starts_at=payload.starts_at,
        answers=payload.answers,
        name=payload.name,
        phone=payload.phone,
    )
    return Status(201, _reread(request.auth, booking))


@router.get("/bookings/mine", response=answers(200, BookingPageOut), summary="My tickets")
def mine(request, page: Query[PageQuery]):
    bookings = selectors.bookings_of_citizen(request.auth)
    rows, more = offset_page(bookings, cursor=page.cursor, limit=page.limit)
    return {"items": [_booking_out(b) for b in rows], **more}


@router.get("/bookings/{code}", response=answers(200, BookingOut), summary="One ticket")
def ticket(request, code: str):
    return _booking_out(_visible(request.auth, code))


@router.post("/bookings/{code}/cancel", response=answers(200, BookingOut), summary="Cancel")
def cancel(request, code: str, payload: CancelIn | None = None):
    booking = _visible(request.auth, code)
    services.booking_cancel(
        actor=request.auth, booking_id=booking.pk, reason=payload.reason if payload else ""
    )
    return _reread(request.auth, booking)


@router.post("/bookings/{code}/move", response=answers(200, BookingOut), summary="Move")
def move(request, code: str, payload: MoveIn):
    booking = _visible(request.auth, code)
    services.booking_move(actor=request.auth, booking_id=booking.pk, starts_at=payload.starts_at)
    return _reread(request.auth, booking)


# --- The desk -------------------------------------------------------------------------------


def _desk_queue(user, slug: str) -> Queue:
    queue = Queue.objects.select_related("addressee").filter(slug=slug).first()
    if queue is None:
        raise NotFound(_("No such queue."))
    if not user.has_perm("equeue.export_bookings", queue):
        raise PermissionDenied(_("Only the queue's staff may see its bookings."))
    return queue


@router.get(
    "/desk/{slug}/day",
    response=answers(200, list[BookingOut]),
    tags=DESK,
    summary="The visits of a day (today by default)",
)
def desk_day(request, slug: str, day: date | None = None):
    queue = _desk_queue(request.auth, slug)
    bookings = selectors.day_list(queue, day or timezone.localdate()).select_related(
        "queue__addressee"
    )
    return [_booking_out(b) for b in bookings]


@router.get(
    "/desk/{slug}/feed",
    response=answers(200, FeedOut),
    tags=DESK,
    summary="Bookings changed since a cursor: the feed for a document-management system",
    description="Poll with `cursor` (the previous answer's `next_cursor`); the first call has "
    "none. "
    "Every change (booked, moved, cancelled, served…) appears once after its cursor.",
)
def desk_feed(
    request,
    slug: str,
    cursor: str = Query("", max_length=CURSOR_MAX, description=CURSOR_DESCRIPTION),
    limit: int = Query(100, ge=1, le=1000),
):
    queue = _desk_queue(request.auth, slug)
    since, after_id = None, 0
    if cursor:
        moment, _sep, pk = cursor.partition("|")
        since = parse_datetime(moment)
        if since is None or not pk.isdigit():
            raise ValidationFailed(_("The cursor is not valid."), field="cursor")
        after_id = int(pk)
    page = selectors.feed(queue, since=since, after_id=after_id, limit=limit)
    for booking in page.bookings:
        booking.queue = queue
    return {
        "items": [_booking_out(b) for b in page.bookings],
        "next_cursor": page.cursor or cursor or None,
        "has_more": page.has_more,
    }


@router.post(
    "/bookings/{code}/comment", response=answers(200, BookingOut), tags=DESK, summary="Comment"
)
def comment(request, code: str, payload: CommentIn):
    booking = _visible(request.auth, code)
    services.booking_comment(actor=request.auth, booking_id=booking.pk, text=payload.text)
    return _reread(request.auth, booking)


@router.post(
    "/bookings/{code}/next-visit",
    response=answers(201, BookingOut),
    tags=DESK,
    summary="Book the resident's next visit",
)
def next_visit(request, code: str, payload: NextVisitIn):
    booking = _visible(request.auth, code)
    following = services.booking_plan_next(
        actor=request.auth,
        booking_id=booking.pk,
        starts_at=payload.starts_at,
        service_id=payload.service,
    )
    return Status(201, _reread(request.auth, following))


@router.post(
    "/bookings/{code}/{action}",
    response=answers(200, BookingOut),
    tags=DESK,
    summary="Mark the visitor: arrive, serve or no_show",
)
def mark(request, code: str, action: str, payload: MarkIn | None = None):
    booking = _visible(request.auth, code)
    if action not in services.DESK_TRANSITIONS:
        raise NotFound(_("Unknown action."))
    services.booking_mark(
        actor=request.auth,
        booking_id=booking.pk,
        action=action,
        comment=payload.comment if payload else "",
    )
    return _reread(request.auth, booking)
