"""The resident's side of the queue: addressee → queue → service → a free time → the ticket.
Each view parses, calls one service or selector, and renders."""

from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hromada.core.errors import ApplicationError
from hromada.equeue import documents, selectors, services
from hromada.equeue.forms import BookingForm, CommentForm, LookupForm
from hromada.equeue.models import Booking, Queue, Service, State

DAYS_PER_PAGE = 7
MINE_PAGE_SIZE = 20


def slot_param(moment: datetime) -> str:
    """A start as it travels in a link: local time, no offset (no "+" to escape)."""
    return timezone.localtime(moment, selectors.zone()).strftime("%Y-%m-%dT%H:%M")


def parse_slot(value: str | None) -> datetime | None:
    moment = parse_datetime(value or "")
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, selectors.zone())
    return moment


def _queue_or_404(slug: str) -> Queue:
    queue = selectors.queue_by_slug(slug)
    if queue is None:
        raise Http404(_("No such queue."))
    return queue


def _service_or_none(queue: Queue, value) -> Service | None:
    if not str(value or "").isdigit():
        return None
    return next((s for s in queue.services.all() if s.pk == int(value)), None)


def _ticket_or_404(request, code: str) -> Booking:
    booking = selectors.booking_for(request.user, code)
    if booking is None:
        raise Http404(_("No such ticket."))
    return booking


def _days(slots: dict[date, list[datetime]]) -> list[dict]:
    return [
        {"day": day, "slots": [{"at": slot_param(s), "moment": s} for s in starts]}
        for day, starts in slots.items()
    ]


# --- Choosing ---------------------------------------------------------------------------------


def queues_index(request):
    return render(request, "equeue/index.html", {"addressees": selectors.addressees_with_queues()})


def queue_page(request, slug: str):
    """The queue, its services, and for the chosen service the free times of a week."""
    queue = _queue_or_404(slug)
    service = _service_or_none(queue, request.GET.get("service"))
    context = {"queue": queue, "service": service, "services": list(queue.services.all())}
    if service is not None:
        earliest, horizon_end = selectors.booking_window(queue)
        today = timezone.localtime(earliest, selectors.zone()).date()
        first_day = parse_date(request.GET.get("from") or "") or today
        first_day = min(max(first_day, today), horizon_end)
        slots = selectors.slots_for(queue, service, first_day=first_day, days=DAYS_PER_PAGE)
        next_day = first_day + timedelta(days=DAYS_PER_PAGE)
        previous_day = first_day - timedelta(days=DAYS_PER_PAGE) if first_day > today else None
        context.update(
            days=_days(slots),
            first_day=first_day,
            last_day=min(first_day + timedelta(days=DAYS_PER_PAGE - 1), horizon_end),
            next_day=next_day if next_day <= horizon_end else None,
            previous_day=max(previous_day, today) if previous_day else None,
            horizon_end=horizon_end,
        )
    return render(request, "equeue/queue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def book(request, slug: str):
    queue = _queue_or_404(slug)
    service = _service_or_none(queue, request.GET.get("service") or request.POST.get("service"))
    starts_at = parse_slot(request.GET.get("at") or request.POST.get("at"))
    if service is None or starts_at is None:
        messages.error(request, _("Choose a service and a free time first."))
        return redirect(queue)
    user = request.user
    fresh = []
    if request.method == "POST":
        form = BookingForm(request.POST, queue=queue)
        if form.is_valid():
            try:
                booking = services.booking_create(
                    actor=user,
                    queue_id=queue.pk,
                    service_id=service.pk,
                    starts_at=starts_at,
                    answers=form.answers(),
                    name=form.cleaned_data["name"],
                    phone=form.cleaned_data["phone"],
                )
            except ApplicationError as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
                fresh = [
                    {"at": slot_param(parse_datetime(s)), "moment": parse_datetime(s)}
                    for s in exc.extra.get("free_slots", [])
                ]
            else:
                messages.success(
                    request,
                    _("You are booked. Your ticket is %(number)s; we have e-mailed it to you.")
                    % {"number": booking.number},
                )
                return redirect(booking)
    else:
        form = BookingForm(
            queue=queue, initial={"name": user.full_name, "phone": str(user.phone or "")}
        )
    return render(
        request,
        "equeue/book.html",
        {
            "queue": queue,
            "service": service,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(minutes=service.duration_minutes),
            "at": slot_param(starts_at),
            "form": form,
            "fresh": fresh,
        },
    )


# --- The ticket -------------------------------------------------------------------------------


def ticket(request, code: str):
    """The ticket: the resident's, and for the queue's staff the desk's actions on it."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
    booking = _ticket_or_404(request, code)
    user = request.user
    at_desk = user.has_perm("equeue.work_at_desk", booking)
    context = {
        "booking": booking,
        "lines": documents.ticket_lines(booking),
        "qr": documents.qr_svg(booking),
        "events": list(booking.events.select_related("actor")),
        "files": list(booking.files.all()),
        "next_visits": list(booking.next_visits.all()),
        "at_desk": at_desk,
        "may_change": booking.state == State.BOOKED
        and user.has_perm("equeue.cancel_booking", booking),
        "cutoff": booking.starts_at - timedelta(hours=booking.queue.cutoff_hours),
        "comment_form": CommentForm() if at_desk else None,
        "lookup_form": LookupForm() if at_desk else None,
    }
    if at_desk and booking.state in (State.ARRIVED, State.SERVED, State.BOOKED):
        next_slots = selectors.slots_for(
            booking.queue, booking.service, days=60, beyond_horizon=True
        )
        context["next_slots"] = [
            {"at": slot_param(s), "moment": s} for starts in next_slots.values() for s in starts
        ][:40]
    return render(request, "equeue/ticket.html", context)


@login_required
def ticket_pdf(request, code: str):
    booking = _ticket_or_404(request, code)
    response = HttpResponse(documents.ticket_pdf(booking), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ticket-{booking.code}.pdf"'
    return response


@login_required
def ticket_ics(request, code: str):
    booking = _ticket_or_404(request, code)
    response = HttpResponse(documents.ticket_ics(booking), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="ticket-{booking.code}.ics"'
    return response


@login_required
def ticket_file(request, code: str, file_pk: int):
    booking = _ticket_or_404(request, code)
    stored = booking.files.filter(pk=file_pk).first()
    if stored is None:
        raise Http404(_("No such file."))
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )


def _done(request, booking: Booking, call, success: str):
    try:
        call()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(booking)


@login_required
@require_POST
def ticket_cancel(request, code: str):
    booking = _ticket_or_404(request, code)
    return _done(
        request,
        booking,
        lambda: services.booking_cancel(
            actor=request.user, booking_id=booking.pk, reason=request.POST.get("reason", "")
        ),
        _("The ticket is cancelled; the time is free for others."),
    )


@login_required
@require_POST
def ticket_resend(request, code: str):
    booking = _ticket_or_404(request, code)
    if services.ticket_resend(actor=request.user, booking_id=booking.pk):
        messages.success(
            request, _("The ticket is on its way to %(email)s.") % {"email": booking.citizen_email}
        )
    else:
        messages.info(request, _("The ticket was e-mailed a few minutes ago; check your inbox."))
    return redirect(booking)


@login_required
@require_http_methods(["GET", "POST"])
def ticket_move(request, code: str):
    booking = _ticket_or_404(request, code)
    if request.method == "POST":
        starts_at = parse_slot(request.POST.get("at"))
        if starts_at is None:
            messages.error(request, _("Choose a free time."))
            return redirect(request.path)
        try:
            services.booking_move(actor=request.user, booking_id=booking.pk, starts_at=starts_at)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(request.path)
        messages.success(
            request,
            _("The visit is moved to %(time)s.")
            % {"time": formats.date_format(timezone.localtime(starts_at), "j E Y, H:i")},
        )
        return redirect(booking)
    slots = selectors.slots_for(booking.queue, booking.service, exclude=booking.pk)
    return render(request, "equeue/move.html", {"booking": booking, "days": _days(slots)})


@login_required
def my_bookings(request):
    page = Paginator(selectors.bookings_of_citizen(request.user), MINE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "equeue/mine.html", {"page": page, "now": timezone.now()})
