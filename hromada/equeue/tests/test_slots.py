"""The pure slot computation: hours, breaks, rules, exceptions, closures, holidays, taken."""

import time as clock
from datetime import date, datetime, time, timedelta

from hromada.directory.schedules import DayHours
from hromada.equeue.selectors import zone
from hromada.equeue.slots import MonthlyHours, Plan, free_slots, why_not

TZ = zone()
WEEK = {d: DayHours(time(9), time(17), time(13), time(14)) for d in range(5)}
HALF_HOUR = timedelta(minutes=30)
QUARTER = timedelta(minutes=15)


def slots(plan, first, last=None, *, duration=HALF_HOUR, step=QUARTER, taken=(), earliest=None):
    return free_slots(
        plan,
        first_day=first,
        last_day=last or first,
        duration=duration,
        step=step,
        earliest=earliest or datetime(2000, 1, 1, tzinfo=TZ),
        taken=taken,
        zone=TZ,
    )


def hhmm(starts):
    return [f"{s:%H:%M}" for s in starts]


def test_only_slots_that_fit_before_the_break_and_the_end_of_the_day():
    day = date(2026, 3, 2)  # Monday
    found = hhmm(slots(Plan(week=WEEK), day)[day])
    assert found[0] == "09:00" and "12:30" in found and "12:45" not in found
    assert "13:00" not in found and "14:00" in found
    assert found[-1] == "16:30"
    assert len(found) == 15 + 11


def test_weekends_and_past_times_give_nothing():
    saturday = date(2026, 3, 7)
    assert slots(Plan(week=WEEK), saturday) == {}
    monday = date(2026, 3, 2)
    earliest = datetime(2026, 3, 2, 16, 20, tzinfo=TZ)
    assert hhmm(slots(Plan(week=WEEK), monday, earliest=earliest)[monday]) == ["16:30"]


def test_taken_time_blocks_every_overlapping_start():
    day = date(2026, 3, 2)
    taken = [(datetime(2026, 3, 2, 10, 0, tzinfo=TZ), datetime(2026, 3, 2, 10, 30, tzinfo=TZ))]
    found = hhmm(slots(Plan(week=WEEK), day, taken=taken)[day])
    assert "09:30" in found and "09:45" not in found
    assert "10:00" not in found and "10:15" not in found and "10:30" in found


def test_first_thursday_rule_extends_month_after_month():
    rule = MonthlyHours(1, 3, DayHours(time(10), time(13)))
    plan = Plan(monthly=(rule,))
    found = slots(plan, date(2026, 1, 1), date(2027, 12, 31), duration=timedelta(minutes=20))
    thursdays = sorted(found)
    assert len(thursdays) == 24
    assert all(d.weekday() == 3 and d.day <= 7 for d in thursdays)
    assert hhmm(found[date(2026, 3, 5)])[:3] == ["10:00", "10:15", "10:30"]
    last = MonthlyHours(-1, 4, DayHours(time(9), time(10)))
    assert sorted(slots(Plan(monthly=(last,)), date(2026, 3, 1), date(2026, 3, 31))) == [
        date(2026, 3, 27)
    ]


def test_exceptions_closures_and_public_holidays():
    monday = date(2026, 3, 2)
    short = Plan(week=WEEK, exceptions={monday: DayHours(time(9), time(10))})
    assert hhmm(slots(short, monday)[monday]) == ["09:00", "09:15", "09:30"]
    closed = Plan(week=WEEK, exceptions={monday: DayHours(None, None)})
    assert slots(closed, monday) == {}
    vacation = Plan(week=WEEK, closures=((monday, monday + timedelta(days=2)),))
    assert sorted(slots(vacation, monday, monday + timedelta(days=4))) == [
        date(2026, 3, 5),
        date(2026, 3, 6),
    ]
    # 3 January 2022, a Monday: a day off before martial law (New Year on a Saturday moved).
    holiday = date(2022, 1, 3)
    assert slots(Plan(week=WEEK), holiday) == {}
    assert slots(Plan(week=WEEK, closed_on_public_holidays=False), holiday) != {}


def test_why_not_explains_a_refused_start():
    plan = Plan(week=WEEK)
    at = datetime(2026, 3, 2, 12, 45, tzinfo=TZ)
    assert why_not(plan, at, duration=HALF_HOUR, step=QUARTER, zone=TZ) == ("too_long", 15)
    assert why_not(plan, at.replace(hour=13), duration=HALF_HOUR, step=QUARTER, zone=TZ) == (
        "closed",
        0,
    )
    off = at.replace(hour=10, minute=5)
    assert why_not(plan, off, duration=HALF_HOUR, step=QUARTER, zone=TZ) == ("off_step", 0)
    assert why_not(plan, at.replace(hour=10), duration=HALF_HOUR, step=QUARTER, zone=TZ) is None


def test_a_month_of_a_busy_queue_is_computed_fast():
    week = {d: DayHours(time(8), time(20), time(13), time(14)) for d in range(7)}
    first = date(2026, 3, 1)
    taken = []
    for day in range(31):
        for minute in range(0, 11 * 60, 10):
            start = datetime.combine(first + timedelta(days=day), time(8), TZ) + timedelta(
                minutes=minute
            )
            if minute % 30 == 0:
                taken.append((start, start + timedelta(minutes=10)))
    started = clock.perf_counter()
    found = slots(
        Plan(week=week),
        first,
        first + timedelta(days=30),
        duration=timedelta(minutes=10),
        step=timedelta(minutes=5),
        taken=taken,
    )
    elapsed = clock.perf_counter() - started
    assert len(found) == 31 and elapsed < 0.5
