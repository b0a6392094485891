from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from hromada.core.errors import ValidationFailed
from hromada.directory.schedules import DayHours, WeeklySchedule, opening_status, validate_hours

KYIV = ZoneInfo("Europe/Kyiv")
WEEK = {d: DayHours(time(8), time(17), time(12), time(12, 45)) for d in range(4)} | {
    4: DayHours(time(8), time(15, 45), time(12), time(12, 45))
}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    # 2026-11-23 is a Monday.
    return datetime(2026, 11, 23 + day, hour, minute, tzinfo=KYIV)


def status(schedule, moment):
    return opening_status(schedule, at=moment)


@pytest.fixture
def office():
    return WeeklySchedule(week=WEEK, exceptions={})


def test_open_in_the_morning_until_the_break(office):
    result = status(office, at(0, 9))
    assert result.is_open and result.changes_at == at(0, 12)


def test_on_break_it_says_when_it_opens_again(office):
    result = status(office, at(0, 12, 10))
    assert not result.is_open and result.on_break
    assert result.changes_at == at(0, 12, 45)


def test_after_hours_it_opens_tomorrow(office):
    result = status(office, at(0, 18))
    assert not result.is_open and not result.on_break
    assert result.changes_at == at(1, 8)


def test_friday_evening_it_opens_on_monday(office):
    result = status(office, at(4, 16))
    assert not result.is_open and result.changes_at == at(7, 8)


def test_the_closing_minute_is_closed_and_the_opening_minute_open(office):
    assert not status(office, at(0, 17)).is_open
    assert status(office, at(0, 8)).is_open


def test_an_exception_replaces_the_day(office):
    short = WeeklySchedule(week=WEEK, exceptions={date(2026, 11, 23): DayHours(time(8), time(14))})
    assert status(short, at(0, 13)).is_open  # no break that day
    assert not status(short, at(0, 14, 30)).is_open
    closed = WeeklySchedule(week=WEEK, exceptions={date(2026, 11, 24): DayHours(None, None)})
    assert status(closed, at(0, 18)).changes_at == at(2, 8)


def test_time_is_read_in_kyiv_whatever_the_callers_zone(office):
    utc_morning = datetime(2026, 11, 23, 7, 30, tzinfo=ZoneInfo("UTC"))  # 09:30 in Kyiv
    assert status(office, utc_morning).is_open


def test_outside_its_validity_the_schedule_is_closed():
    later = WeeklySchedule(week=WEEK, exceptions={}, valid_from=date(2026, 12, 1))
    result = status(later, at(0, 9))
    assert not result.is_open and result.changes_at == datetime(2026, 12, 1, 8, tzinfo=KYIV)


def test_public_holidays_follow_the_calendar_of_ukraine():
    schedule = WeeklySchedule(week=WEEK, exceptions={})
    # Before martial law 24 August was a day off; since 2022 it is a working day.
    assert schedule.hours_on(date(2021, 8, 24)).opens is None
    assert schedule.hours_on(date(2026, 8, 24)).opens == time(8)
    ignoring = WeeklySchedule(week=WEEK, exceptions={}, closed_on_public_holidays=False)
    assert ignoring.hours_on(date(2021, 8, 24)).opens == time(8)


def test_a_schedule_with_no_hours_never_opens():
    assert status(WeeklySchedule(week={}, exceptions={}), at(0, 9)).changes_at is None


@pytest.mark.parametrize(
    ("hours", "field", "fragment"),
    [
        ((time(8), time(17), time(7), time(8)), "break_starts", "всередині робочих годин"),
        ((time(8), time(17), time(16, 30), time(17, 30)), "break_starts", "всередині"),
        ((time(8), time(17), time(13), time(12)), "break_ends", "перерва"),
        ((time(17), time(8), None, None), "closes", "закриття"),
        ((time(8), None, None, None), "closes", ""),
        ((time(8), time(17), time(12), None), "break_ends", ""),
        ((None, None, time(12), time(13)), "break_starts", ""),
    ],
)
def test_impossible_hours_are_refused_with_a_clear_message(hours, field, fragment):
    opens, closes, break_starts, break_ends = hours
    with pytest.raises(ValidationFailed) as refusal:
        validate_hours(opens=opens, closes=closes, break_starts=break_starts, break_ends=break_ends)
    assert refusal.value.field == field
    assert fragment.lower() in refusal.value.message.lower()


def test_sensible_hours_pass():
    validate_hours(opens=time(8), closes=time(17), break_starts=time(12), break_ends=time(13))
    validate_hours(opens=None, closes=None, break_starts=None, break_ends=None)


ROUND_THE_CLOCK = {d: DayHours(time(0), time(23, 59)) for d in range(7)}


def test_a_round_the_clock_service_is_open_with_no_closing_in_sight():
    service = WeeklySchedule(week=ROUND_THE_CLOCK, exceptions={}, closed_on_public_holidays=False)
    for moment in (at(0, 0), at(0, 12), at(0, 23, 59), at(0, 23, 59).replace(second=30)):
        assert status(service, moment) == opening_status(service, at=at(1, 3))
        assert status(service, moment).is_open and status(service, moment).changes_at is None


def test_open_until_midnight_joins_the_next_days_hours():
    # Open all of Monday and Tuesday, Wednesday until 18:00: on Monday evening it closes on
    # Wednesday at 18:00, not "until 23:59" and not "closed until 00:00" at 23:59:30.
    week = {0: DayHours(time(0), time(23, 59)), 1: DayHours(time(0), time(23, 59))} | {
        2: DayHours(time(0), time(18))
    }
    service = WeeklySchedule(week=week, exceptions={}, closed_on_public_holidays=False)
    for moment in (at(0, 22), at(0, 23, 59).replace(second=30), at(2, 0)):
        result = status(service, moment)
        assert result.is_open and result.changes_at == at(2, 18)


def test_a_day_ending_at_2359_without_a_next_day_closes_at_midnight():
    week = {0: DayHours(time(20), time(23, 59))}
    service = WeeklySchedule(week=week, exceptions={}, closed_on_public_holidays=False)
    result = status(service, at(0, 23, 59).replace(second=30))
    assert result.is_open and result.changes_at == at(1, 0)
    after = status(service, at(1, 0))
    assert not after.is_open and after.changes_at == at(7, 20)
