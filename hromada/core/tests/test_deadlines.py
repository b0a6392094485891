"""The legal-deadline calendar against the real calendar of Ukraine: 2021 with its public holidays
and transferred days, 2026 under martial law (no public holiday is a day off)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.functional import Promise
from hypothesis import given
from hypothesis import strategies as st

from hromada.core.deadlines import (
    KINDS,
    KYIV,
    add_calendar_days,
    add_month,
    add_months,
    add_working_days,
    appeal_forward_deadline,
    appeal_return_deadline,
    complaint_filed_in_time,
    deadline_for,
    extend,
    is_working_day,
    reminder_dates,
    ukrainian_holidays,
    working_days_between,
)
from hromada.core.errors import ValidationFailed


@pytest.fixture(autouse=True)
def _english():
    # These tests read the rules' wording in the source language; the Ukrainian people see
    # is checked once below.
    with translation.override("en"):
        yield


def test_people_read_the_refusal_in_ukrainian():
    received = datetime(2026, 3, 2, 10, tzinfo=KYIV)
    with translation.override("uk"), pytest.raises(ValidationFailed) as refusal:
        extend(deadline_for("corruption_report", received), received, kind="corruption_report")
    assert "продовжити не можна" in refusal.value.message


def kyiv(*args) -> datetime:
    return datetime(*args, tzinfo=KYIV)


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tzinfo=KYIV)


def assert_in_kyiv(due_at: datetime, utc_hours: int) -> None:
    assert due_at.tzinfo is not None
    assert due_at.tzinfo.key == "Europe/Kyiv"
    assert due_at.utcoffset() == timedelta(hours=utc_hours)


class TestWorkingDays:
    @pytest.mark.parametrize(
        ("day", "working"),
        [
            (date(2021, 8, 20), True),  # Friday
            (date(2021, 8, 22), False),  # Sunday
            (date(2021, 8, 23), False),  # day off transferred from Saturday 28 August
            (date(2021, 8, 24), False),  # Independence Day
            (date(2021, 8, 28), True),  # the Saturday worked in exchange
            (date(2021, 3, 8), False),  # International Women's Day
            (date(2026, 8, 24), True),  # martial law: Independence Day is a working day
            (date(2026, 3, 9), True),
            (date(2026, 8, 22), False),  # Saturday
        ],
    )
    def test_the_calendar_of_ukraine(self, day, working):
        assert is_working_day(day) is working

    def test_the_holiday_calendar_is_built_once_a_year(self):
        assert ukrainian_holidays(2021) is ukrainian_holidays(2021)
        assert date(2021, 8, 24) in ukrainian_holidays(2021)
        assert len(ukrainian_holidays(2026)) == 0

    def test_the_nth_working_day_after_a_date(self):
        friday = date(2021, 8, 20)
        assert add_working_days(friday, 1) == date(2021, 8, 25)
        assert add_working_days(friday, 4) == date(2021, 8, 28)  # the working Saturday
        assert add_working_days(friday, 5) == date(2021, 8, 30)
        assert add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 24)

    def test_zero_working_days_is_the_day_itself_or_the_next_working_day(self):
        assert add_working_days(date(2021, 8, 20), 0) == date(2021, 8, 20)
        assert add_working_days(date(2021, 8, 22), 0) == date(2021, 8, 25)
        assert add_working_days(date(2026, 8, 22), 0) == date(2026, 8, 24)

    def test_counting_backwards_is_refused(self):
        with pytest.raises(ValueError, match="negative"):
            add_working_days(date(2026, 1, 5), -1)

    def test_working_days_between(self):
        assert working_days_between(date(2021, 8, 20), date(2021, 8, 30)) == 5
        assert working_days_between(date(2021, 8, 30), date(2021, 8, 20)) == -5
        assert working_days_between(date(2021, 8, 20), date(2021, 8, 20)) == 0
        assert working_days_between(date(2026, 8, 21), date(2026, 8, 28)) == 5

    @given(
        start=st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
        n=st.integers(min_value=0, max_value=40),
        more=st.integers(min_value=1, max_value=15),
    )
    def test_add_working_days_lands_on_a_working_day_and_grows_with_n(self, start, n, more):
        day = add_working_days(start, n)
        later = add_working_days(start, n + more)
        assert is_working_day(day)
        assert day >= start
        assert later >= day
        if n >= 1:
            assert later > day
            assert working_days_between(start, day) == n


class TestCalendarDays:
    @pytest.mark.parametrize(
        ("start", "due"),
        [
            (date(2026, 3, 15), date(2026, 4, 15)),
            (date(2026, 1, 31), date(2026, 2, 28)),
            (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
            (date(2028, 1, 29), date(2028, 2, 29)),
            (date(2026, 3, 31), date(2026, 4, 30)),
            (date(2026, 2, 28), date(2026, 3, 28)),  # the same day, not the month's end
            (date(2026, 12, 15), date(2027, 1, 15)),
            (date(2026, 12, 31), date(2027, 1, 31)),
        ],
    )
    def test_one_month_is_the_same_day_next_month_clamped(self, start, due):
        assert add_month(start) == due

    def test_months_across_years(self):
        assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
        assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)

    def test_a_term_ending_on_a_non_working_day_may_roll_to_the_next_working_day(self):
        assert add_month(date(2026, 1, 31)) == date(2026, 2, 28)  # Saturday
        assert add_month(date(2026, 1, 31), roll_to_working_day=True) == date(2026, 3, 2)
        # 2021: Monday 23 August was a day off and Tuesday 24 August a holiday.
        assert add_month(date(2021, 7, 23), roll_to_working_day=True) == date(2021, 8, 25)
        # 2026: 24 August is a working day under martial law.
        assert add_month(date(2026, 7, 24), roll_to_working_day=True) == date(2026, 8, 24)

    def test_calendar_days(self):
        assert add_calendar_days(date(2026, 3, 2), 15) == date(2026, 3, 17)
        assert add_calendar_days(date(2026, 3, 2), 5) == date(2026, 3, 7)  # Saturday
        assert add_calendar_days(date(2026, 3, 2), 5, roll_to_working_day=True) == date(2026, 3, 9)


class TestDeadlineFor:
    @pytest.mark.parametrize("kind", ["proposal", "application", "complaint", "problem_report"])
    def test_an_appeal_within_one_month_of_receipt(self, kind):
        deadline = deadline_for(kind, kyiv(2021, 8, 20, 10, 0))
        assert deadline.due_at == end_of(date(2021, 9, 20))
        assert deadline.working_days is False
        with translation.override("en"):
            assert str(deadline.basis) == "Law 393/96-ВР art. 20: within 1 month"

    def test_the_end_of_the_due_day_in_kyiv(self):
        deadline = deadline_for("complaint", kyiv(2026, 3, 2, 9, 0))
        assert deadline.due_at == datetime(2026, 4, 2, 23, 59, 59, 999999, tzinfo=KYIV)
        assert_in_kyiv(deadline.due_at, 3)

    def test_the_month_ends_on_the_last_day_of_a_shorter_month(self):
        assert deadline_for("application", kyiv(2028, 1, 31, 12)).due_at == end_of(
            date(2028, 2, 29)
        )
        # 28 February 2026 is a Saturday: the term ends on Monday (Civil Code art. 254).
        assert deadline_for("application", kyiv(2026, 1, 31, 12)).due_at == end_of(date(2026, 3, 2))

    def test_without_rolling_the_term_may_end_on_a_weekend(self, settings):
        settings.APPEAL_ROLL_TO_WORKING_DAY = False
        assert deadline_for("application", kyiv(2026, 1, 31, 12)).due_at == end_of(
            date(2026, 2, 28)
        )

    def test_the_day_of_receipt_is_the_date_in_kyiv(self):
        # 22:30 UTC on 1 March is 00:30 on 2 March in Kyiv.
        received = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)
        assert deadline_for("proposal", received).due_at == end_of(date(2026, 4, 2))

    def test_an_appeal_needing_no_extra_study(self):
        deadline = deadline_for("application", kyiv(2026, 3, 2, 12), simple=True)
        assert deadline.due_at == end_of(date(2026, 3, 17))
        assert deadline.working_days is False
        with translation.override("en"):
            assert "within 15 days" in str(deadline.basis)

    def test_public_information_in_2021_skips_the_holidays_and_counts_the_working_saturday(self):
        deadline = deadline_for("public_information", kyiv(2021, 8, 20, 11, 0))
        # Wed 25, Thu 26, Fri 27, Sat 28 (worked for Mon 23), Mon 30 August.
        assert deadline.due_at == end_of(date(2021, 8, 30))
        assert deadline.working_days is True
        with translation.override("en"):
            assert str(deadline.basis) == (
                "Law on Access to Public Information art. 20: within 5 working days"
            )

    def test_public_information_in_2026_martial_law_no_holidays(self):
        deadline = deadline_for("public_information", kyiv(2026, 8, 21, 11, 0))
        # Mon 24 August (Independence Day) is a working day.
        assert deadline.due_at == end_of(date(2026, 8, 28))

    def test_received_on_a_saturday_the_count_starts_on_the_next_working_day(self):
        # Monday 8 March 2021 was a holiday: the count starts on Tuesday.
        saturday_2021 = deadline_for("public_information", kyiv(2021, 3, 6, 10))
        assert saturday_2021.due_at == end_of(date(2021, 3, 15))
        saturday_2026 = deadline_for("public_information", kyiv(2026, 3, 7, 10))
        assert saturday_2026.due_at == end_of(date(2026, 3, 13))
        friday_evening = deadline_for("public_information", kyiv(2026, 3, 6, 22, 45))
        assert friday_evening.due_at == saturday_2026.due_at

    def test_the_urgent_track_is_48_hours_exactly(self):
        received = kyiv(2026, 3, 10, 16, 20, 5)
        deadline = deadline_for("public_information", received, urgent=True)
        assert deadline.due_at == kyiv(2026, 3, 12, 16, 20, 5)
        assert deadline.working_days is False
        with translation.override("en"):
            assert "48 hours" in str(deadline.basis)

    def test_the_urgent_track_counts_real_hours_across_the_dst_change(self):
        # Clocks go forward at 03:00 on Sunday 29 March 2026 and back at 04:00 on 25 October.
        spring = deadline_for("public_information", kyiv(2026, 3, 28, 12), urgent=True)
        assert spring.due_at == kyiv(2026, 3, 30, 13)
        assert_in_kyiv(spring.due_at, 3)
        autumn = deadline_for("public_information", kyiv(2026, 10, 24, 12), urgent=True)
        assert autumn.due_at == kyiv(2026, 10, 26, 11)
        assert_in_kyiv(autumn.due_at, 2)
        for received, deadline in (
            (kyiv(2026, 3, 28, 12), spring),
            (kyiv(2026, 10, 24, 12), autumn),
        ):
            # Subtracting two Kyiv times would compare wall clocks; UTC gives elapsed time.
            assert deadline.due_at.astimezone(UTC) - received.astimezone(UTC) == timedelta(hours=48)

    def test_due_dates_across_the_dst_change_are_in_kyiv_time(self):
        before = deadline_for("public_information", kyiv(2026, 3, 26, 10))
        assert before.due_at == end_of(date(2026, 4, 2))
        assert_in_kyiv(before.due_at, 3)
        autumn = deadline_for("public_information", kyiv(2026, 10, 22, 10))
        assert autumn.due_at == end_of(date(2026, 10, 29))
        assert_in_kyiv(autumn.due_at, 2)
        appeal = deadline_for("proposal", kyiv(2026, 3, 2, 10))  # winter time to summer time
        assert_in_kyiv(appeal.due_at, 3)

    def test_a_corruption_report_is_checked_within_10_working_days(self):
        deadline = deadline_for("corruption_report", kyiv(2021, 8, 20, 10))
        assert deadline.due_at == end_of(date(2021, 9, 6))
        assert deadline.working_days is True
        assert deadline_for("corruption_report", kyiv(2026, 8, 21, 10)).due_at == end_of(
            date(2026, 9, 4)
        )

    def test_return_and_forwarding_of_an_appeal(self):
        returned = appeal_return_deadline(kyiv(2026, 3, 2, 10))
        assert returned.due_at == end_of(date(2026, 3, 12))
        with translation.override("en"):
            assert "art. 5" in str(returned.basis)
        # Five days after Monday 2 March is a Saturday: forwarded by Monday 9 March.
        forwarded = appeal_forward_deadline(kyiv(2026, 3, 2, 10))
        assert forwarded.due_at == end_of(date(2026, 3, 9))
        with translation.override("en"):
            assert "art. 7" in str(forwarded.basis)

    def test_every_due_at_is_in_kyiv(self):
        received = datetime(2026, 10, 20, 7, 0, tzinfo=UTC)
        for kind in KINDS:
            due_at = deadline_for(kind, received).due_at
            assert due_at.tzinfo.key == "Europe/Kyiv"
            assert due_at.time() == time.max

    def test_the_basis_is_translated_where_it_is_shown(self):
        deadline = deadline_for("proposal", kyiv(2026, 3, 2, 10))
        assert isinstance(deadline.basis, Promise)

    @pytest.mark.parametrize(
        ("kind", "options"),
        [
            ("petition", {}),
            ("public_information", {"simple": True}),
            ("complaint", {"urgent": True}),
        ],
    )
    def test_a_wrong_question_is_a_programming_error(self, kind, options):
        with pytest.raises(ValueError):
            deadline_for(kind, kyiv(2026, 3, 2, 10), **options)

    def test_a_naive_time_of_receipt_is_refused(self):
        with pytest.raises(ValueError, match="timezone-aware"):
            deadline_for("proposal", datetime(2026, 3, 2, 10))


class TestSettings:
    def test_fewer_working_days_for_public_information(self, settings):
        settings.PUBLIC_INFO_WORKING_DAYS = 3
        deadline = deadline_for("public_information", kyiv(2026, 8, 21, 10))
        assert deadline.due_at == end_of(date(2026, 8, 26))
        with translation.override("en"):
            assert "within 3 working days" in str(deadline.basis)

    def test_the_urgent_hours(self, settings):
        settings.PUBLIC_INFO_URGENT_HOURS = 24
        deadline = deadline_for("public_information", kyiv(2026, 3, 10, 9), urgent=True)
        assert deadline.due_at == kyiv(2026, 3, 11, 9)

    @pytest.mark.parametrize(
        ("term", "due"),
        [
            ("30 days", date(2026, 4, 1)),
            ("30", date(2026, 4, 1)),
            ("2 months", date(2026, 5, 4)),  # 2 May 2026 is a Saturday
            (" 1 Month ", date(2026, 4, 2)),
        ],
    )
    def test_the_appeal_term(self, settings, term, due):
        settings.APPEAL_TERM = term
        assert deadline_for("proposal", kyiv(2026, 3, 2, 10)).due_at == end_of(due)

    @pytest.mark.parametrize("term", ["a fortnight", "0 days", "1 year", ""])
    def test_a_meaningless_appeal_term_is_a_configuration_error(self, settings, term):
        settings.APPEAL_TERM = term
        with pytest.raises(ImproperlyConfigured, match="APPEAL_TERM"):
            deadline_for("proposal", kyiv(2026, 3, 2, 10))

    def test_the_simple_term_the_corruption_check_and_the_cap(self, settings):
        settings.APPEAL_SIMPLE_DEADLINE_DAYS = 10
        settings.CORRUPTION_CHECK_WORKING_DAYS = 5
        settings.APPEAL_MAX_DAYS = 40
        received = kyiv(2026, 3, 2, 10)
        assert deadline_for("proposal", received, simple=True).due_at == end_of(date(2026, 3, 12))
        assert deadline_for("corruption_report", received).due_at == end_of(date(2026, 3, 9))
        extended = extend(
            deadline_for("proposal", received), received, kind="proposal", at=received
        )
        assert extended.due_at == end_of(date(2026, 4, 13))  # day 40 is Saturday 11 April


class TestExtend:
    received = kyiv(2026, 3, 2, 10)  # a Monday; day 45 is Thursday 16 April

    def deadline(self):
        return deadline_for("complaint", self.received)

    def test_day_45_is_accepted(self):
        extended = extend(
            self.deadline(),
            self.received,
            kind="complaint",
            new_due=date(2026, 4, 16),
            at=kyiv(2026, 3, 20, 12),
        )
        assert extended.due_at == end_of(date(2026, 4, 16))
        assert extended.working_days is False
        with translation.override("en"):
            assert str(extended.basis) == (
                "Law 393/96-ВР art. 20: extended with notice to the author, 45 days in total "
                "at most"
            )

    def test_day_46_is_refused_naming_the_latest_allowed_date(self):
        with pytest.raises(ValidationFailed) as refused, translation.override("en"):
            extend(
                self.deadline(),
                self.received,
                kind="complaint",
                new_due=date(2026, 4, 17),
                at=kyiv(2026, 3, 20, 12),
            )
        assert refused.value.message == (
            "The latest allowed date is April 16, 2026: an appeal must be answered within "
            "45 days of receipt in total, extensions included."
        )
        assert refused.value.field == "new_due"
        assert refused.value.extra == {"latest": "2026-04-16"}

    def test_by_default_the_extension_goes_as_far_as_the_law_allows(self):
        extended = extend(self.deadline(), self.received, kind="complaint", at=self.received)
        assert extended.due_at == end_of(date(2026, 4, 16))

    def test_the_cap_rolls_to_a_working_day_like_every_term_of_the_law(self):
        received = kyiv(2026, 3, 4, 10)  # day 45 is Saturday 18 April
        deadline = deadline_for("proposal", received)
        assert extend(deadline, received, kind="proposal", at=received).due_at == end_of(
            date(2026, 4, 20)
        )
        with pytest.raises(ValidationFailed) as refused:
            extend(deadline, received, kind="proposal", new_due=date(2026, 4, 21), at=received)
        assert refused.value.extra == {"latest": "2026-04-20"}

    def test_a_second_extension_stays_within_the_cap(self):
        first = extend(
            self.deadline(),
            self.received,
            kind="complaint",
            new_due=date(2026, 4, 10),
            at=kyiv(2026, 3, 20, 12),
        )
        second = extend(first, self.received, kind="complaint", at=kyiv(2026, 4, 9, 12))
        assert second.due_at == end_of(date(2026, 4, 16))
        with pytest.raises(ValidationFailed, match="later than the current one"):
            extend(second, self.received, kind="complaint", at=kyiv(2026, 4, 10, 12))

    def test_the_new_date_must_be_later_than_the_current_one(self):
        with pytest.raises(ValidationFailed, match="later than the current one") as refused:
            extend(
                self.deadline(),
                self.received,
                kind="complaint",
                new_due=date(2026, 4, 2),
                at=self.received,
            )
        assert refused.value.field == "new_due"

    def test_a_deadline_that_has_passed_cannot_be_extended(self):
        deadline = self.deadline()  # due on 2 April
        assert extend(deadline, self.received, kind="complaint", at=kyiv(2026, 4, 2, 23, 59))
        with pytest.raises(ValidationFailed, match="has passed"):
            extend(deadline, self.received, kind="complaint", at=kyiv(2026, 4, 3, 0, 1))

    @time_machine.travel(datetime(2026, 4, 3, 9, 0, tzinfo=KYIV), tick=False)
    def test_the_time_of_the_extension_is_now_by_default(self):
        with pytest.raises(ValidationFailed, match="has passed"):
            extend(self.deadline(), self.received, kind="complaint")

    def test_public_information_is_extended_to_20_working_days_from_receipt(self):
        received = kyiv(2021, 8, 20, 11)
        deadline = deadline_for("public_information", received)
        extended = extend(deadline, received, kind="public_information", at=kyiv(2021, 8, 25, 9))
        assert extended.due_at == end_of(date(2021, 9, 20))
        assert extended.working_days is True
        assert working_days_between(date(2021, 8, 20), date(2021, 9, 20)) == 20
        with translation.override("en"):
            assert "extended to 20 working days" in str(extended.basis)

    def test_public_information_beyond_20_working_days_is_refused(self):
        received = kyiv(2026, 8, 21, 11)
        deadline = deadline_for("public_information", received)
        with pytest.raises(ValidationFailed) as refused:
            extend(
                deadline,
                received,
                kind="public_information",
                new_due=date(2026, 9, 21),
                at=received,
            )
        assert refused.value.extra == {"latest": "2026-09-18"}

    def test_public_information_is_extended_only_within_the_first_working_days(self):
        received = kyiv(2021, 8, 20, 11)
        deadline = deadline_for("public_information", received)
        assert extend(deadline, received, kind="public_information", at=kyiv(2021, 8, 30, 18))
        with pytest.raises(ValidationFailed, match="only until") as refused:
            extend(deadline, received, kind="public_information", at=kyiv(2021, 8, 31, 9))
        assert "within 5 working days of receipt" in refused.value.message

    def test_a_corruption_report_cannot_be_extended(self):
        deadline = deadline_for("corruption_report", self.received)
        with pytest.raises(ValidationFailed, match="cannot be extended"):
            extend(deadline, self.received, kind="corruption_report", at=self.received)


class TestComplaintFiling:
    def test_within_one_month_of_learning(self):
        decided, learned = date(2025, 3, 3), date(2025, 3, 10)
        assert complaint_filed_in_time(decided, learned, date(2025, 3, 10))
        assert complaint_filed_in_time(decided, learned, date(2025, 4, 10))
        assert not complaint_filed_in_time(decided, learned, date(2025, 4, 11))

    def test_never_later_than_one_year_after_the_decision(self):
        decided, learned = date(2025, 3, 3), date(2026, 2, 20)
        assert complaint_filed_in_time(decided, learned, date(2026, 3, 3))
        assert not complaint_filed_in_time(decided, learned, date(2026, 3, 4))

    def test_a_last_day_on_a_weekend_rolls_to_monday(self, settings):
        decided, learned = date(2026, 1, 20), date(2026, 1, 31)  # 28 February is a Saturday
        assert complaint_filed_in_time(decided, learned, date(2026, 3, 2))
        assert not complaint_filed_in_time(decided, learned, date(2026, 3, 3))
        settings.APPEAL_ROLL_TO_WORKING_DAY = False
        assert complaint_filed_in_time(decided, learned, date(2026, 2, 28))
        assert not complaint_filed_in_time(decided, learned, date(2026, 3, 2))

    def test_the_year_from_a_leap_day(self):
        decided = date(2028, 2, 29)
        learned = date(2029, 2, 10)
        assert complaint_filed_in_time(decided, learned, date(2029, 2, 28))
        assert not complaint_filed_in_time(decided, learned, date(2029, 3, 1))

    def test_learning_of_a_decision_before_it_was_taken_is_refused(self):
        with pytest.raises(ValidationFailed) as refused:
            complaint_filed_in_time(date(2026, 3, 2), date(2026, 3, 1), date(2026, 3, 5))
        assert refused.value.field == "learned_on"


class TestReminders:
    def test_three_days_and_one_day_before(self):
        due_at = end_of(date(2026, 4, 16))
        assert reminder_dates(due_at) == [date(2026, 4, 13), date(2026, 4, 15)]
        assert reminder_dates(due_at, (1, 3, 3)) == [date(2026, 4, 13), date(2026, 4, 15)]

    def test_the_due_date_is_the_date_in_kyiv(self):
        # 22:30 UTC on 15 April is 01:30 on 16 April in Kyiv (the 48-hour track).
        due_at = datetime(2026, 4, 15, 22, 30, tzinfo=UTC)
        assert reminder_dates(due_at, (1,)) == [date(2026, 4, 15)]

    def test_the_days_come_from_the_settings(self, settings):
        settings.DEADLINE_REMINDER_DAYS = (7, 2)
        assert reminder_dates(end_of(date(2026, 4, 16))) == [date(2026, 4, 9), date(2026, 4, 14)]

    def test_the_default_setting(self, settings):
        assert settings.DEADLINE_REMINDER_DAYS == (3, 1)
