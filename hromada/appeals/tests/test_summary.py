"""The morning summary for heads: the right figures for the right people, once a day."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from hromada.appeals.models import Kind
from hromada.appeals.services import appeal_answer, appeal_rate
from hromada.appeals.summary import send_appeal_summaries, summaries_build, summaries_send
from hromada.appeals.tests.factories import staff_of, submit
from hromada.core.deadlines import KYIV
from hromada.core.scheduling import registered_jobs
from hromada.directory.tests.factories import AddresseeFactory
from hromada.messaging.models import Delivery, Preference, Status
from hromada.messaging.models import Kind as MessageKind
from hromada.messaging.sending import deliveries_drain

pytestmark = pytest.mark.django_db

DEPARTMENT = "zvernennia@rada.example"
TODAY = date(2026, 3, 18)  # a Wednesday: the summary is of Tuesday, 17 March
MORNING = datetime(2026, 3, 18, 2, 10, tzinfo=KYIV)


def at(day: int, month: int = 3, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=KYIV)


def answered(appeal, by, when: datetime, scores: tuple[int, int, int] | None = None):
    with time_machine.travel(when, tick=False):
        appeal_answer(appeal_id=appeal.pk, actor=by, text="Зроблено.")
    if scores:
        with time_machine.travel(when + timedelta(hours=2), tick=False):
            quality, speed, completeness = scores
            appeal_rate(
                appeal_id=appeal.pk,
                actor=appeal.author,
                quality=quality,
                speed=speed,
                completeness=completeness,
            )


@pytest.fixture
def council(settings):
    """A department with a unit under it, a separate office, and a week of appeals."""
    settings.APPEALS_DEPARTMENT_EMAIL = DEPARTMENT
    department = AddresseeFactory(name="Управління житлово-комунального господарства")
    unit = AddresseeFactory(name="Відділ благоустрою", parent=department)
    office = AddresseeFactory(name="ЦНАП")
    city = {
        "head": staff_of(department, responsible=True),
        "unit_head": staff_of(unit, responsible=True),  # no units under it: not a head
        "office_head": staff_of(office, responsible=True),
        "executor": staff_of(unit),
    }
    city["yesterday"] = submit(addressee=unit, received_at=at(17))
    city["this_week"] = submit(addressee=unit, received_at=at(12))
    city["last_week"] = submit(addressee=unit, received_at=at(10))
    city["overdue"] = submit(addressee=unit, received_at=at(1, month=2))
    on_time = submit(addressee=department, received_at=at(20, month=2))
    answered(on_time, city["head"], at(13), scores=(5, 4, 3))
    late = submit(addressee=unit, received_at=at(5, month=2))
    answered(late, city["unit_head"], at(16), scores=(2, 2, 2))
    city["on_time"], city["late"] = on_time, late
    # Never counted: a report of possible corruption, even one sent to the unit and overdue.
    city["corruption"] = submit(
        addressee=unit,
        kind=Kind.CORRUPTION_REPORT,
        subject="Хабар",
        text="Деталі",
        received_at=at(2, month=2),
    )
    city["elsewhere"] = submit(addressee=office, received_at=at(17, hour=15))
    return city


def test_a_head_gets_the_figures_of_their_department_and_everything_under_it(council):
    with time_machine.travel(MORNING, tick=False):
        owed = summaries_build(today=TODAY, now=MORNING)
    head = council["head"].pk
    assert set(owed) == {head, DEPARTMENT}  # a unit with nothing under it has no head
    (section,) = owed[head]
    assert section.title == "Управління житлово-комунального господарства"
    assert section.received_yesterday == 1
    assert section.received_week == 2  # yesterday's and Thursday's, not the 10th
    assert section.answered_week == 2
    assert section.answered_on_time_week == 1
    assert section.ratings_week == 2
    assert section.average_rating == 3.0  # (5+4+3)/3 and (2+2+2)/3
    assert section.overdue_now == 1
    assert [a.number for a in section.overdue] == [council["overdue"].number]


def test_the_appeals_department_gets_the_whole_council_without_corruption_reports(council):
    with time_machine.travel(MORNING, tick=False):
        (section,) = summaries_build(today=TODAY, now=MORNING)[DEPARTMENT]
    assert section.received_yesterday == 2
    assert section.received_week == 3
    assert section.overdue_now == 1
    assert council["corruption"].number not in [a.number for a in section.overdue]


def send_owed() -> None:
    """The workers' part: send the summaries the messaging layer was owed (the appeals'
    own notifications are left aside)."""
    summaries = Delivery.objects.filter(message__kind=MessageKind.APPEAL_SUMMARY)
    deliveries_drain(channel="email", delivery_ids=list(summaries.values_list("pk", flat=True)))


def test_the_summary_is_mailed_once_a_day_with_the_overdue_appeals_by_number(council):
    with time_machine.travel(MORNING, tick=False):
        assert summaries_send() == 2
        # Recorded before anything is sent, as every notification is.
        summaries = Delivery.objects.filter(message__kind=MessageKind.APPEAL_SUMMARY)
        assert {(d.channel, d.status) for d in summaries} == {("email", Status.QUEUED)}
        send_owed()
    messages = {m.to[0]: m for m in mail.outbox}
    assert set(messages) == {council["head"].email, DEPARTMENT}
    body = messages[council["head"].email].body
    assert council["overdue"].number in body
    assert f"/office/appeals/{council['overdue'].pk}/" in body
    assert council["corruption"].number not in body
    assert council["elsewhere"].number not in messages[DEPARTMENT].body  # not overdue
    assert "&#x27;" not in body and "&quot;" not in body  # plain text, not HTML-escaped
    assert summaries.filter(status=Status.SENT).count() == 2
    assert set(summaries.values_list("address", flat=True)) == {
        council["head"].email,
        DEPARTMENT,
    }

    # The job again the same day (a retried task): nothing is owed twice.
    with time_machine.travel(MORNING + timedelta(hours=3), tick=False):
        assert summaries_send() == 0
        send_owed()
    assert len(mail.outbox) == 2
    # The next morning is another day.
    with time_machine.travel(MORNING + timedelta(days=1), tick=False):
        assert summaries_send() == 2
        send_owed()
    assert len(mail.outbox) == 4


def test_a_head_chooses_the_channels_of_the_summary_like_any_notification(council):
    Preference.objects.create(
        user=council["head"], kind=MessageKind.APPEAL_SUMMARY, channels=["inbox"]
    )
    with time_machine.travel(MORNING, tick=False):
        assert summaries_send() == 2
        send_owed()
    assert [m.to for m in mail.outbox] == [[DEPARTMENT]]
    inbox = Delivery.objects.get(
        user=council["head"], channel="inbox", message__kind=MessageKind.APPEAL_SUMMARY
    )
    assert inbox.status == Status.SENT
    assert inbox.message.subject and council["overdue"].number in inbox.message.body


def test_nobody_is_mailed_to_say_that_nothing_happened(settings):
    settings.APPEALS_DEPARTMENT_EMAIL = DEPARTMENT
    department = AddresseeFactory()
    AddresseeFactory(parent=department)
    staff_of(department, responsible=True)
    with time_machine.travel(MORNING, tick=False):
        assert summaries_send() == 0
    assert mail.outbox == []


def test_an_inactive_head_and_a_missing_department_mailbox_get_nothing(council, settings):
    settings.APPEALS_DEPARTMENT_EMAIL = ""
    head = council["head"]
    head.is_active = False
    head.save(update_fields=["is_active"])
    with time_machine.travel(MORNING, tick=False):
        assert summaries_send() == 0
    assert mail.outbox == []


def test_it_is_a_daily_periodic_job_that_sends_the_summaries(council):
    job = {j.name: j for j in registered_jobs()}["hromada.appeals.summary.send_appeal_summaries"]
    assert job.every == timedelta(days=1)
    with time_machine.travel(MORNING, tick=False):
        assert send_appeal_summaries.call() == 2
        send_owed()
    assert {m.to[0] for m in mail.outbox} == {council["head"].email, DEPARTMENT}
