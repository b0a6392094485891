"""Free appointment times, computed from plain data with no queries.

A queue's plan (weekly hours with breaks, monthly rules such as "the first Thursday",
dated exceptions, vacations and closures, public holidays) gives the open intervals of each
day; appointments start every ``step`` minutes from the start of an interval and must end
within it; a start is free when no live booking overlaps the appointment.
"""

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hromada.core.deadlines import ukrainian_holidays
from hromada.directory.schedules import DayHours

Interval = tuple[time, time]


@dataclass(frozen=True)
class MonthlyHours:
    """Hours on the n-th (1..4, or -1 for the last) weekday of every month."""

    ordinal: int
    weekday: int
    hours: DayHours
    starts_on: date | None = None
    ends_on: date | None = None

    def applies_to(self, day: date) -> bool:
        if day.weekday() != self.weekday:
            return False
        if (self.starts_on and day < self.starts_on) or (self.ends_on and day > self.ends_on):
            return False
        if self.ordinal == -1:
            return (day + timedelta(days=7)).month != day.month
        return (day.day - 1) // 7 + 1 == self.ordinal


@dataclass(frozen=True)
class Plan:
    """A queue's schedule as plain data."""

    week: dict[int, DayHours] = field(default_factory=dict)
    monthly: tuple[MonthlyHours, ...] = ()
    exceptions: dict[date, DayHours] = field(default_factory=dict)
    # Inclusive date ranges on which nobody receives (vacations, closures, absences).
    closures: tuple[tuple[date, date], ...] = ()
    closed_on_public_holidays: bool = True

    def closure_on(self, day: date) -> bool:
        return any(first <= day <= last for first, last in self.closures)

    def intervals_on(self, day: date) -> list[Interval]:
        """The open intervals of a date, in order; a vacation closes even an exception."""
        if self.closure_on(day):
            return []
        if day in self.exceptions:
            return self.exceptions[day].intervals()
        if self.closed_on_public_holidays and day in ukrainian_holidays(day.year):
            return []
        result = list(self.week[day.weekday()].intervals()) if day.weekday() in self.week else []
        for rule in self.monthly:
            if rule.applies_to(day):
                result += rule.hours.intervals()
        return sorted(set(result))


class Busy:
    """Live bookings as merged, sorted intervals, for fast overlap tests."""

    def __init__(self, taken: Iterable[tuple[datetime, datetime]]) -> None:
        merged: list[list[datetime]] = []
        for start, end in sorted(taken):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _end in merged]
        self.ends = [end for _start, end in merged]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        index = bisect_right(self.starts, start) - 1
        if index >= 0 and self.ends[index] > start:
            return True
        return index + 1 < len(self.starts) and self.starts[index + 1] < end


def candidate_starts(
    plan: Plan, day: date, *, duration: timedelta, step: timedelta, zone: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """Every (start, end) on a day that fits the duration within one open interval."""
    result = []
    for opens, closes in plan.intervals_on(day):
        start = datetime.combine(day, opens, zone)
        limit = datetime.combine(day, closes, zone)
        while start + duration <= limit:
            result.append((start, start + duration))
            start += step
    return result


def free_slots(
    plan: Plan,
    *,
    first_day: date,
    last_day: date,
    duration: timedelta,
    step: timedelta,
    earliest: datetime,
    taken: Iterable[tuple[datetime, datetime]],
    zone: ZoneInfo,
) -> dict[date, list[datetime]]:
    """The free starts of each day from ``first_day`` to ``last_day`` (inclusive), no earlier
    than ``earliest``; days with none are left out."""
    busy = Busy(taken)
    result: dict[date, list[datetime]] = {}
    day = first_day
    while day <= last_day:
        starts = [
            start
            for start, end in candidate_starts(plan, day, duration=duration, step=step, zone=zone)
            if start >= earliest and not busy.overlaps(start, end)
        ]
        if starts:
            result[day] = starts
        day += timedelta(days=1)
    return result


def why_not(
    plan: Plan, start: datetime, *, duration: timedelta, step: timedelta, zone: ZoneInfo
) -> tuple[str, int] | None:
    """Why an appointment cannot start at ``start`` by the schedule alone: ("closed", 0),
    ("too_long", minutes left in the interval) or ("off_step", 0); None when it fits."""
    local = start.astimezone(zone)
    day = local.date()
    for opens, closes in plan.intervals_on(day):
        begins = datetime.combine(day, opens, zone)
        ends = datetime.combine(day, closes, zone)
        if begins <= local < ends:
            if (local - begins) % step:
                return ("off_step", 0)
            if local + duration > ends:
                return ("too_long", int((ends - local).total_seconds() // 60))
            return None
    return ("closed", 0)
