"""The specialist's desk: the day's list, a ticket by its number, the actions on a visit and
the export of bookings."""

import csv
import re
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hromada.core.errors import ApplicationError
from hromada.equeue import selectors, services
from hromada.equeue.forms import LookupForm
from hromada.equeue.views import _done, _ticket_or_404, parse_slot

EXPORT_MAX_DAYS = 366
PHONE = re.compile(r"\+[\d ()-]+")


def _desk_queues(request):
    if not request.user.has_perm("equeue.use_desk"):
        raise PermissionDenied
    return selectors.desk_queues(request.user)


def _chosen(queues, slug):
    return next((q for q in queues if q.slug == slug), queues[0] if queues else None)


@login_required
def desk(request):
    queues = _desk_queues(request)
    queue = _chosen(queues, request.GET.get("queue"))
    today = timezone.localdate()
    day = parse_date(request.GET.get("date") or "") or today
    lookup = LookupForm(request.GET if "number" in request.GET else None)
    if lookup.is_bound and lookup.is_valid():
        found = selectors.find_by_number(request.user, queues, lookup.cleaned_data["number"], day)
        if found is not None:
            return redirect(found)
        lookup.add_error(
            "number", _("No ticket with this number on %(date)s.") % {"date": day.isoformat()}
        )
    bookings = list(selectors.day_list(queue, day)) if queue else []
    return render(
        request,
        "equeue/desk/desk.html",
        {
            "queues": queues,
            "queue": queue,
            "day": day,
            "today": today,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "bookings": bookings,
            "lookup": lookup,
            "export_from": day,
            "export_to": day + timedelta(days=30),
        },
    )


ACTIONS = {
    "arrive": _("Marked as arrived."),
    "serve": _("Marked as served."),
    "no_show": _("Marked as not come."),
}


@login_required
@require_POST
def act(request, code: str, action: str):
    booking = _ticket_or_404(request, code)
    user = request.user
    if action in ACTIONS:
        return _done(
            request,
            booking,
            lambda: services.booking_mark(
                actor=user,
                booking_id=booking.pk,
                action=action,
                comment=request.POST.get("text", ""),
            ),
            str(ACTIONS[action]),
        )
    if action == "comment":
        return _done(
            request,
            booking,
            lambda: services.booking_comment(
                actor=user,
                booking_id=booking.pk,
                text=request.POST.get("text", ""),
                files=request.FILES.getlist("files"),
            ),
            _("Saved to the visit."),
        )
    if action == "next_visit":
        starts_at = parse_slot(request.POST.get("at"))
        if starts_at is None:
            messages.error(request, _("Choose a free time."))
            return redirect(booking)
        try:
            following = services.booking_plan_next(
                actor=user, booking_id=booking.pk, starts_at=starts_at
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(booking)
        messages.success(
            request,
            _("The next visit is booked: ticket %(number)s.") % {"number": following.number},
        )
        return redirect(following)
    raise Http404(_("Unknown action."))


@login_required
def export(request):
    """Bookings of one queue over a period, as CSV (UTF-8 with a BOM, for spreadsheets)."""
    queues = _desk_queues(request)
    queue = next((q for q in queues if q.slug == request.GET.get("queue")), None)
    if queue is None or not request.user.has_perm("equeue.export_bookings", queue):
        raise Http404(_("No such queue."))
    today = timezone.localdate()
    first = parse_date(request.GET.get("from") or "") or today
    last = parse_date(request.GET.get("to") or "") or first + timedelta(days=30)
    if last < first or (last - first).days > EXPORT_MAX_DAYS:
        return HttpResponse(
            _("Choose a period of at most %(days)d days.") % {"days": EXPORT_MAX_DAYS},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{queue.slug}-{first.isoformat()}-{last.isoformat()}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Ticket"),
            _("Date"),
            _("Time"),
            _("Service"),
            _("State"),
            _("Visitor"),
            _("E-mail"),
            _("Phone"),
            _("Answers"),
        ]
    )
    zone = selectors.zone()
    for booking in selectors.bookings_between(queue, first, last).iterator(chunk_size=1000):
        answers = "; ".join(f"{a['label']}: {a['value']}" for a in booking.answers if a["value"])
        writer.writerow(
            [
                _safe(cell)
                for cell in (
                    booking.number,
                    booking.day.isoformat(),
                    timezone.localtime(booking.starts_at, zone).strftime("%H:%M"),
                    booking.service.name,
                    booking.get_state_display(),
                    booking.citizen_name,
                    booking.citizen_email,
                    booking.citizen_phone,
                    answers,
                )
            ]
        )
    return response


def _safe(value: str) -> str:
    """A cell a spreadsheet would run as a formula starts with a quote instead (CSV
    injection): residents type the names and answers."""
    text = str(value)
    if PHONE.fullmatch(text):
        return text
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
