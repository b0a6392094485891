"""Working hours: validation, the open intervals of a date, and "open now" in Kyiv time."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from hromada.core.deadlines import ukrainian_holidays
from hromada.core.errors import ValidationFailed

# How far ahead "opens at …" looks before it says nothing.
LOOKAHEAD_DAYS = 31
# A closing time of 23:59 (the latest a time field takes) means open until midnight.
END_OF_DAY = time(23, 59)


def validate_hours(
    *,
    opens: time | None,
    closes: time | None,
    break_starts: time | None,
    break_ends: time | None,
) -> None:
    """Refuse hours that cannot be meant: a break outside the hours, an end before a start."""
    if (opens is None) != (closes is None):
        raise ValidationFailed(
            _("Give both the opening and the closing time, or neither (closed)."), field="closes"
        )
    if (break_starts is None) != (break_ends is None):
        raise ValidationFailed(
            _("Give both the start and the end of the break, or neither."), field="break_ends"
        )
    if opens is None:
        if break_starts is not None:
            raise ValidationFailed(_("A closed day cannot have a break."), field="break_starts")
        return
    if closes <= opens:
        raise ValidationFailed(
            _("The closing time must be after the opening time."), field="closes"
        )
    if break_starts is None:
        return
    if break_ends <= break_starts:
        raise ValidationFailed(_("The break must end after it starts."), field="break_ends")
    if break_starts <= opens or break_ends >= closes:
        raise ValidationFailed(
            _("The break (%(break)s) must lie inside the working hours (%(hours)s).")
            % {
                "break": f"{break_starts:%H:%M}–{break_ends:%H:%M}",
                "hours": f"{opens:%H:%M}–{closes:%H:%M}",
            },
            field="break_starts",
        )


@dataclass(frozen=True)
class DayHours:
    opens: time | None
    closes: time | None
    break_starts: time | None = None
    break_ends: time | None = None

    def intervals(self) -> list[tuple[time, time]]:
        if self.opens is None:
            return []
        if self.break_starts is None:
            return [(self.opens, self.closes)]
        return [(self.opens, self.break_starts), (self.break_ends, self.closes)]


@dataclass(frozen=True)
class WeeklySchedule:
    """A schedule as plain data, so the computation needs no queries."""

    week: dict[int, DayHours]
    exceptions: dict[date, DayHours]
    valid_from: date | None = None
    valid_until: date | None = None
    closed_on_public_holidays: bool = True

    @classmethod
    def from_model(cls, schedule) -> "WeeklySchedule":
        def hours(row) -> DayHours:
            return DayHours(row.opens, row.closes, row.break_starts, row.break_ends)

        return cls(
            week={day.weekday: hours(day) for day in schedule.days.all()},
            exceptions={ex.date: hours(ex) for ex in schedule.exceptions.all()},
            valid_from=schedule.valid_from,
            valid_until=schedule.valid_until,
            closed_on_public_holidays=schedule.closed_on_public_holidays,
        )

    def hours_on(self, day: date) -> DayHours:
        closed = DayHours(None, None)
        if (self.valid_from and day < self.valid_from) or (
            self.valid_until and day > self.valid_until
        ):
            return closed
        if day in self.exceptions:
            return self.exceptions[day]
        if self.closed_on_public_holidays and day in ukrainian_holidays(day.year):
            return closed
        return self.week.get(day.weekday(), closed)


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    # While open: when it closes or breaks; while closed: when it next opens (or None).
    changes_at: datetime | None
    on_break: bool = False


def _intervals(schedule: WeeklySchedule, day: date, zone) -> list[tuple[datetime, datetime]]:
    """The open intervals of a date as moments; a closing time of 23:59 means until midnight."""
    result = []
    for start, end in schedule.hours_on(day).intervals():
        if end == END_OF_DAY:
            ends = datetime.combine(day + timedelta(days=1), time(0), zone)
        else:
            ends = datetime.combine(day, end, zone)
        result.append((datetime.combine(day, start, zone), ends))
    return result


def _closing(schedule: WeeklySchedule, day: date, ends: datetime, zone) -> datetime | None:
    """When an interval ending at ``ends`` really closes: an interval that ends at midnight
    joins one that starts at 00:00 the next day. None: open beyond the days looked at."""
    for offset in range(1, LOOKAHEAD_DAYS + 1):
        if ends != datetime.combine(day + timedelta(days=offset), time(0), zone):
            return ends
        following = _intervals(schedule, day + timedelta(days=offset), zone)
        if not following or following[0][0] != ends:
            return ends
        ends = following[0][1]
    beyond = datetime.combine(day + timedelta(days=LOOKAHEAD_DAYS + 1), time(0), zone)
    return None if ends == beyond else ends


def opening_status(schedule: WeeklySchedule, *, at: datetime | None = None) -> OpeningStatus:
    now = timezone.localtime(at or timezone.now())
    zone = now.tzinfo
    today = now.date()
    for start, end in _intervals(schedule, today, zone):
        if start <= now < end:
            return OpeningStatus(True, _closing(schedule, today, end, zone))
    hours_today = schedule.hours_on(today)
    on_break = bool(
        hours_today.break_starts and hours_today.break_starts <= now.time() < hours_today.break_ends
    )
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = today + timedelta(days=offset)
        for opening, _end in _intervals(schedule, day, zone):
            if opening > now:
                return OpeningStatus(False, opening, on_break=on_break)
    return OpeningStatus(False, None, on_break=on_break)
