"""The legal-deadline calendar: working days of Ukraine, calendar terms, statutory deadlines.

Counting follows the Civil Code (arts. 253-254), which practice applies by analogy to the terms of
Law 393/96-ВР and of the Law on Access to Public Information: a term starts on the day after the
event (here: receipt), a term in months ends on the same-numbered day of its last month, and,
where the rule says so, a term ending on a non-working day ends on the next working day.

Every date is a date in Kyiv; every due_at is the end of the due day in Kyiv, timezone-aware.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from hromada.core.errors import ValidationFailed

# Legal terms run on Ukraine's clock, whatever TIME_ZONE the server has.
KYIV = ZoneInfo("Europe/Kyiv")
ONE_DAY = timedelta(days=1)

# Problem reports are appeals (Law 393/96-ВР art. 3) and follow the same rules.
APPEAL_KINDS = ("proposal", "application", "complaint", "problem_report")
PUBLIC_INFORMATION = "public_information"
CORRUPTION_REPORT = "corruption_report"
KINDS = (*APPEAL_KINDS, PUBLIC_INFORMATION, CORRUPTION_REPORT)


# --- Working days ---------------------------------------------------------------------------


@lru_cache(maxsize=64)
def ukrainian_holidays(year: int) -> holidays.HolidayBase:
    # The package encodes martial law (no public holiday is a day off since spring 2022) and,
    # before it, the Cabinet's transfers: the day off moved next to a holiday, and the Saturday
    # worked in exchange (its weekend_workdays).
    return holidays.country_holidays("UA", years=year)


def is_working_day(day: date) -> bool:
    return ukrainian_holidays(day.year).is_working_day(day)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start``; for n=0, ``start`` if it is one, else the next."""
    if n < 0:
        raise ValueError("n must not be negative.")
    day = start
    if n == 0:
        while not is_working_day(day):
            day += ONE_DAY
        return day
    while n:
        day += ONE_DAY
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """The working days after ``a`` up to and including ``b``; negative when ``b`` precedes ``a``.

    So ``working_days_between(a, add_working_days(a, n)) == n`` for every n >= 1.
    """
    if b < a:
        return -working_days_between(b, a)
    return sum(is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


# --- Calendar days --------------------------------------------------------------------------
# roll_to_working_day: Civil Code art. 254 part 5, applied by analogy: when the last day of a
# term falls on a non-working day, the term ends on the next working day.


def add_calendar_days(start: date, n: int, *, roll_to_working_day: bool = False) -> date:
    due = start + timedelta(days=n)
    return add_working_days(due, 0) if roll_to_working_day else due


def add_months(start: date, months: int, *, roll_to_working_day: bool = False) -> date:
    # Civil Code art. 254 parts 2 and 4: a term in months ends on the same-numbered day of its
    # last month, or on that month's last day when it has no such day.
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    due = date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    return add_working_days(due, 0) if roll_to_working_day else due


def add_month(start: date, *, roll_to_working_day: bool = False) -> date:
    """One month in the sense of Law 393/96-ВР art. 20 ("не більше одного місяця від дня їх
    надходження"): the same day next month, clamped to its last day (31 Jan -> 28/29 Feb).

    The month runs from the day after receipt (Civil Code art. 253), so an appeal received on
    15 March is due on 15 April, not 14 April; 28 February leads to 28 March, not to 31 March.
    """
    return add_months(start, 1, roll_to_working_day=roll_to_working_day)


# --- Statutory deadlines --------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    due_at: datetime
    # For people; translated into the language active where it is shown, not where computed.
    basis: str
    working_days: bool


def _explain(message, **values) -> str:
    return lazy(lambda: message % values, str)()


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=KYIV)


def _received_on(received_at: datetime) -> date:
    if timezone.is_naive(received_at):
        raise ValueError("received_at must be timezone-aware.")
    return received_at.astimezone(KYIV).date()


def _due_date(due_at: datetime) -> date:
    return due_at.astimezone(KYIV).date()


def appeal_term() -> tuple[int, str]:
    """settings.APPEAL_TERM as (count, "months" | "days"), from "1 month", "30 days" or "30"."""
    match = re.fullmatch(
        r"\s*(\d+)\s*(months?|m|days?|d)?\s*", str(settings.APPEAL_TERM), re.IGNORECASE
    )
    if not match or int(match[1]) < 1:
        raise ImproperlyConfigured(
            f'APPEAL_TERM must be like "1 month" or "30 days", not {settings.APPEAL_TERM!r}.'
        )
    unit = "months" if (match[2] or "d").lower().startswith("m") else "days"
    return int(match[1]), unit


def _appeal_due(received_on: date, *, months: int = 0, days: int = 0) -> date:
    roll = settings.APPEAL_ROLL_TO_WORKING_DAY
    if months:
        return add_months(received_on, months, roll_to_working_day=roll)
    return add_calendar_days(received_on, days, roll_to_working_day=roll)


def deadline_for(
    kind: str, received_at: datetime, *, simple: bool = False, urgent: bool = False
) -> Deadline:
    """When the answer to an appeal, a request or a report received at ``received_at`` is due.

    Calendar-day terms (appeals) count from the day after the Kyiv date of receipt, whatever
    the hour or the day of the week (Civil Code art. 253). Working-day terms ("з дня отримання",
    Law on Access to Public Information art. 20) count the working days after the date of
    receipt: the first is the next working day, so a request received on Saturday, or on Friday
    evening, starts its count on Monday. The hour of receipt never shortens a term.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of deadline: {kind!r}.")
    if simple and kind not in APPEAL_KINDS:
        raise ValueError("Only an appeal can be simple.")
    if urgent and kind != PUBLIC_INFORMATION:
        raise ValueError("Only a request for public information can be urgent.")
    received_on = _received_on(received_at)

    if kind == PUBLIC_INFORMATION:
        if urgent:
            # Art. 20 part 2 counts hours: real elapsed hours, whatever a DST change does.
            hours = settings.PUBLIC_INFO_URGENT_HOURS
            due_at = (received_at.astimezone(UTC) + timedelta(hours=hours)).astimezone(KYIV)
            basis = ngettext_lazy(
                "Law on Access to Public Information art. 20: an urgent request, within "
                "%(hours)d hour",
                "Law on Access to Public Information art. 20: an urgent request, within "
                "%(hours)d hours",
                "hours",
            )
            return Deadline(due_at, _explain(basis, hours=hours), working_days=False)
        days = settings.PUBLIC_INFO_WORKING_DAYS
        basis = ngettext_lazy(
            "Law on Access to Public Information art. 20: within %(days)d working day",
            "Law on Access to Public Information art. 20: within %(days)d working days",
            "days",
        )
        due = add_working_days(received_on, days)
        return Deadline(_end_of_day(due), _explain(basis, days=days), working_days=True)

    if kind == CORRUPTION_REPORT:
        days = settings.CORRUPTION_CHECK_WORKING_DAYS
        basis = ngettext_lazy(
            "Law on Prevention of Corruption: preliminary check within %(days)d working day",
            "Law on Prevention of Corruption: preliminary check within %(days)d working days",
            "days",
        )
        due = add_working_days(received_on, days)
        return Deadline(_end_of_day(due), _explain(basis, days=days), working_days=True)

    if simple:
        days = settings.APPEAL_SIMPLE_DEADLINE_DAYS
        basis = ngettext_lazy(
            "Law 393/96-ВР art. 20: needs no extra study, at once and within %(days)d day",
            "Law 393/96-ВР art. 20: needs no extra study, at once and within %(days)d days",
            "days",
        )
        due = _appeal_due(received_on, days=days)
        return Deadline(_end_of_day(due), _explain(basis, days=days), working_days=False)

    count, unit = appeal_term()
    if unit == "months":
        basis = ngettext_lazy(
            "Law 393/96-ВР art. 20: within %(count)d month",
            "Law 393/96-ВР art. 20: within %(count)d months",
            "count",
        )
        due = _appeal_due(received_on, months=count)
    else:
        basis = ngettext_lazy(
            "Law 393/96-ВР art. 20: within %(count)d day",
            "Law 393/96-ВР art. 20: within %(count)d days",
            "count",
        )
        due = _appeal_due(received_on, days=count)
    return Deadline(_end_of_day(due), _explain(basis, count=count), working_days=False)


def appeal_return_deadline(received_at: datetime) -> Deadline:
    """Law 393/96-ВР art. 5: an appeal without the required content goes back to its author."""
    days = settings.APPEAL_RETURN_DAYS
    basis = ngettext_lazy(
        "Law 393/96-ВР art. 5: returned to the author within %(days)d day",
        "Law 393/96-ВР art. 5: returned to the author within %(days)d days",
        "days",
    )
    due = _appeal_due(_received_on(received_at), days=days)
    return Deadline(_end_of_day(due), _explain(basis, days=days), working_days=False)


def appeal_forward_deadline(received_at: datetime) -> Deadline:
    """Law 393/96-ВР art. 7: an appeal outside our competence goes to the competent body."""
    days = settings.APPEAL_FORWARD_DAYS
    basis = ngettext_lazy(
        "Law 393/96-ВР art. 7: forwarded to the competent body within %(days)d day",
        "Law 393/96-ВР art. 7: forwarded to the competent body within %(days)d days",
        "days",
    )
    due = _appeal_due(_received_on(received_at), days=days)
    return Deadline(_end_of_day(due), _explain(basis, days=days), working_days=False)


def extend(
    deadline: Deadline,
    received_at: datetime,
    *,
    kind: str,
    new_due: date | None = None,
    at: datetime | None = None,
) -> Deadline:
    """The deadline extended to ``new_due`` (by default, as far as the law allows).

    Refused when the law allows no extension, when it is too late to extend (``at``, by default
    now), or when ``new_due`` lies beyond the limit or is not later than the current due date.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of deadline: {kind!r}.")
    at = at or timezone.now()
    received_on = _received_on(received_at)

    if kind == CORRUPTION_REPORT:
        raise ValidationFailed(
            _("The preliminary check of a report of possible corruption cannot be extended.")
        )

    if kind == PUBLIC_INFORMATION:
        # Art. 20 part 4: the requester is told of the extension within the first working days
        # of the ordinary term (5); after that it is too late to extend.
        notice_days = settings.PUBLIC_INFO_WORKING_DAYS
        notice_by = add_working_days(received_on, notice_days)
        if at > _end_of_day(notice_by):
            raise ValidationFailed(
                ngettext(
                    "A request for public information can be extended only until %(date)s, "
                    "within %(days)d working day of receipt.",
                    "A request for public information can be extended only until %(date)s, "
                    "within %(days)d working days of receipt.",
                    notice_days,
                )
                % {"days": notice_days, "date": formats.date_format(notice_by)}
            )
        days = settings.PUBLIC_INFO_EXTENDED_WORKING_DAYS
        latest = add_working_days(received_on, days)
        too_late = ngettext(
            "The latest allowed date is %(date)s: a request for public information can be "
            "extended to at most %(days)d working day from receipt.",
            "The latest allowed date is %(date)s: a request for public information can be "
            "extended to at most %(days)d working days from receipt.",
            days,
        )
        basis = ngettext_lazy(
            "Law on Access to Public Information art. 20: extended to %(days)d working day "
            "for a large volume of information",
            "Law on Access to Public Information art. 20: extended to %(days)d working days "
            "for a large volume of information",
            "days",
        )
        working_days = True
    else:
        if at > deadline.due_at:
            raise ValidationFailed(
                _("The deadline (%(date)s) has passed: it can no longer be extended.")
                % {"date": formats.date_format(_due_date(deadline.due_at))}
            )
        # Law 393/96-ВР art. 20: never beyond 45 days in total, extensions included. The last
        # day rolls to a working day like every other term of the law (see _appeal_due).
        days = settings.APPEAL_MAX_DAYS
        latest = _appeal_due(received_on, days=days)
        too_late = ngettext(
            "The latest allowed date is %(date)s: an appeal must be answered within %(days)d "
            "day of receipt in total, extensions included.",
            "The latest allowed date is %(date)s: an appeal must be answered within %(days)d "
            "days of receipt in total, extensions included.",
            days,
        )
        basis = ngettext_lazy(
            "Law 393/96-ВР art. 20: extended with notice to the author, %(days)d day in total "
            "at most",
            "Law 393/96-ВР art. 20: extended with notice to the author, %(days)d days in total "
            "at most",
            "days",
        )
        working_days = False

    due = latest if new_due is None else new_due
    if due > latest:
        raise ValidationFailed(
            too_late % {"days": days, "date": formats.date_format(latest)},
            field="new_due",
            extra={"latest": latest.isoformat()},
        )
    current = _due_date(deadline.due_at)
    if due <= current:
        raise ValidationFailed(
            _("The new deadline must be later than the current one (%(date)s).")
            % {"date": formats.date_format(current)},
            field="new_due",
        )
    return Deadline(_end_of_day(due), _explain(basis, days=days), working_days=working_days)


def complaint_filed_in_time(decided_on: date, learned_on: date, filed_on: date) -> bool:
    """Law 393/96-ВР art. 17: within one year of the decision, but no later than one month
    after the citizen learned of it. Both ends roll to a working day (Civil Code art. 254
    part 5), when the setting says so."""
    if learned_on < decided_on:
        raise ValidationFailed(
            _("One cannot learn of a decision before it was taken."), field="learned_on"
        )
    roll = settings.APPEAL_ROLL_TO_WORKING_DAY
    by_decision = add_months(
        decided_on, 12 * settings.COMPLAINT_FILING_YEARS, roll_to_working_day=roll
    )
    by_learning = add_months(learned_on, settings.COMPLAINT_FILING_MONTHS, roll_to_working_day=roll)
    return filed_on <= min(by_decision, by_learning)


def reminder_dates(due_at: datetime, days_before: tuple[int, ...] | None = None) -> list[date]:
    """The Kyiv dates, earliest first, on which the reminder job writes about ``due_at``;
    ``days_before`` calendar days before it (settings.DEADLINE_REMINDER_DAYS by default)."""
    if days_before is None:
        days_before = settings.DEADLINE_REMINDER_DAYS
    due = _due_date(due_at)
    return sorted({due - timedelta(days=days) for days in days_before})
