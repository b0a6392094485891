"""Booking, moving, cancelling and the desk, through the services, on the real database."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError

from hromada.accounts.tests.factories import UserFactory
from hromada.core.errors import Conflict, PermissionDenied, ValidationFailed
from hromada.equeue import services, tasks
from hromada.equeue.models import Booking, Event, State
from hromada.equeue.tests.factories import (
    MONDAY,
    add_field,
    at,
    book,
    make_queue,
    owed,
    staff_of,
)
from hromada.messaging.tests.factories import send_owed

pytestmark = pytest.mark.django_db


def test_a_booking_gets_a_number_an_event_and_an_email_with_the_ticket(queue, citizen):
    booking = book(queue, citizen, starts_at=at(0, 10))
    assert booking.number == "А-001" and booking.state == State.BOOKED
    assert booking.ends_at - booking.starts_at == timedelta(minutes=30)
    assert booking.citizen_name == "Петренко Оксана Іванівна"
    assert [e.action for e in booking.events.all()] == ["booked"]
    second = book(queue, starts_at=at(0, 11))
    assert second.number == "А-002"
    notification = owed(booking).get()
    assert send_owed(notification.pk) and not send_owed(notification.pk)
    message = mail.outbox[-1]
    assert message.to == [citizen.email] and "А-001" in message.subject
    names = [name for name, _content, _type in message.attachments]
    assert names == ["ticket-А-001.pdf", "ticket-А-001.ics"]
    assert message.attachments[0][1].startswith(b"%PDF-")


def test_the_same_slot_twice_is_refused_with_fresh_slots_and_nothing_stored(queue):
    book(queue, starts_at=at(0, 10))
    with pytest.raises(Conflict) as refused:
        book(queue, starts_at=at(0, 10, 15))  # overlaps 10:00–10:30
    assert refused.value.code == "slot_taken"
    assert "Somebody has just booked" in refused.value.message
    fresh = refused.value.extra["free_slots"]
    assert fresh[0].startswith("2026-03-02T09:00") and len(fresh) == 5
    assert Booking.objects.count() == 1 and Event.objects.count() == 1


def test_the_database_refuses_a_second_live_booking_of_a_start(queue, citizen):
    first = book(queue, citizen, starts_at=at(0, 10))
    duplicate = Booking(
        queue=queue,
        service=first.service,
        citizen=citizen,
        code="x",
        number="А-999",
        day=first.day,
        starts_at=first.starts_at,
        ends_at=first.ends_at,
        citizen_name="x",
        citizen_email=citizen.email,
    )
    with pytest.raises(IntegrityError):
        duplicate.save()


@pytest.mark.parametrize(
    ("starts_at", "code"),
    [
        (at(-1, 10), "slot_in_past"),
        (at(0, 12, 45), "service_too_long"),
        (at(0, 16, 45), "service_too_long"),
        (at(0, 13, 15), "outside_hours"),
        (at(5, 10), "outside_hours"),  # Saturday
        (at(0, 10, 5), "outside_hours"),  # between steps
        (at(20, 10), "beyond_horizon"),
    ],
)
def test_bad_times_are_refused_with_clear_messages_and_nothing_stored(queue, starts_at, code):
    with pytest.raises(ValidationFailed) as refused:
        book(queue, starts_at=starts_at)
    assert refused.value.code == code
    assert Booking.objects.count() == 0 and owed().count() == 0


def test_too_long_names_the_minutes_left(queue):
    with pytest.raises(ValidationFailed, match="takes 30 minutes, but only 15 minutes are left"):
        book(queue, starts_at=at(0, 12, 45))


def test_the_limit_of_active_bookings_per_person(queue, citizen):
    first = book(queue, citizen, starts_at=at(1, 11))
    with pytest.raises(ValidationFailed, match="1 active booking") as refused:
        book(queue, citizen, starts_at=at(1, 10))
    assert refused.value.code == "over_limit" and Booking.objects.count() == 1
    # Another queue is another limit; a cancelled booking frees the limit.
    book(make_queue(), citizen, starts_at=at(1, 10))
    services.booking_cancel(actor=citizen, booking_id=first.pk, now=MONDAY)
    book(queue, citizen, starts_at=at(1, 10))


def test_extra_form_fields_are_checked_and_stored(queue, citizen):
    field = add_field(queue, is_required=True)
    choice = add_field(queue, "Як отримати", kind="choice", choices="Особисто\nПоштою")
    with pytest.raises(ValidationFailed, match="Fill in: Суть питання") as refused:
        book(queue, citizen, starts_at=at(0, 10))
    assert refused.value.field == field.key
    with pytest.raises(ValidationFailed, match="choose one of"):
        book(queue, citizen, starts_at=at(0, 10), answers={field.key: "x", choice.key: "Факсом"})
    booking = book(
        queue, citizen, starts_at=at(0, 10), answers={field.key: "Довідка", choice.key: "Поштою"}
    )
    assert booking.answers == [
        {"label": "Суть питання", "value": "Довідка"},
        {"label": "Як отримати", "value": "Поштою"},
    ]


def test_cancel_and_move_up_to_the_cutoff_only(queue, citizen):
    booking = book(queue, citizen, starts_at=at(1, 10))
    moved = services.booking_move(
        actor=citizen, booking_id=booking.pk, starts_at=at(2, 11), now=MONDAY
    )
    assert moved.starts_at == at(2, 11) and moved.number == "А-001"
    assert [e.action for e in moved.events.all()] == ["booked", "moved"]
    late = at(2, 9, 30)  # 90 minutes before; the cut-off is 2 hours
    with pytest.raises(ValidationFailed, match="no later than 2 hours before it") as refused:
        services.booking_cancel(actor=citizen, booking_id=booking.pk, now=late)
    assert refused.value.code == "too_late"
    with pytest.raises(ValidationFailed):
        services.booking_move(actor=citizen, booking_id=booking.pk, starts_at=at(3, 10), now=late)
    services.booking_cancel(actor=citizen, booking_id=booking.pk, now=at(2, 8))
    booking.refresh_from_db()
    assert booking.state == State.CANCELLED
    with pytest.raises(Conflict, match="cannot be cancelled"):
        services.booking_cancel(actor=citizen, booking_id=booking.pk, now=at(2, 8))
    # The freed time can be booked again.
    assert book(queue, starts_at=at(2, 11)).state == State.BOOKED


def test_moving_onto_a_taken_time_is_refused(queue, citizen):
    book(queue, starts_at=at(1, 10))
    mine = book(queue, citizen, starts_at=at(1, 11))
    with pytest.raises(Conflict):
        services.booking_move(actor=citizen, booking_id=mine.pk, starts_at=at(1, 10), now=MONDAY)
    mine.refresh_from_db()
    assert mine.starts_at == at(1, 11)


def test_the_desk_marks_comments_files_and_plans_the_next_visit(queue, citizen):
    from hromada.appeals.tests.factories import pdf

    specialist = staff_of(queue)
    booking = book(queue, citizen, starts_at=at(0, 10))
    with time_machine.travel(at(0, 9, 55), tick=False):
        with pytest.raises(Conflict, match="not begun"):
            services.booking_mark(actor=specialist, booking_id=booking.pk, action="no_show")
        services.booking_mark(actor=specialist, booking_id=booking.pk, action="arrive")
        services.booking_comment(
            actor=specialist, booking_id=booking.pk, text="Принести довідку", files=[pdf()]
        )
        services.booking_mark(actor=specialist, booking_id=booking.pk, action="serve")
        with pytest.raises(Conflict, match="cannot be marked as arrived"):
            services.booking_mark(actor=specialist, booking_id=booking.pk, action="arrive")
        following = services.booking_plan_next(
            actor=specialist, booking_id=booking.pk, starts_at=at(30, 10)
        )
    booking.refresh_from_db()
    assert booking.state == State.SERVED and booking.files.count() == 1
    assert following.previous == booking and following.citizen == citizen
    assert following.starts_at == at(30, 10)  # beyond the horizon: staff may
    assert [e.action for e in booking.events.all()] == [
        "booked",
        "arrived",
        "commented",
        "served",
        "next_visit",
    ]


def test_a_refused_file_leaves_nothing(queue, citizen):
    from django.core.files.uploadedfile import SimpleUploadedFile

    specialist = staff_of(queue)
    booking = book(queue, citizen, starts_at=at(0, 10))
    bad = SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationFailed, match="not an accepted file"):
        services.booking_comment(actor=specialist, booking_id=booking.pk, text="x", files=[bad])
    assert booking.files.count() == 0 and booking.events.count() == 1


def test_booking_for_somebody_else_needs_the_queue_staff(queue, citizen):
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        services.booking_create(
            actor=stranger,
            queue_id=queue.pk,
            service_id=queue.services.first().pk,
            starts_at=at(0, 10),
            citizen=citizen,
            now=MONDAY,
        )
    assert Booking.objects.count() == 0


def test_the_reminder_goes_once_the_day_before(queue, citizen):
    booking = book(queue, citizen, starts_at=at(1, 10))
    assert tasks.remind_tomorrows_visitors.call(now=at(0, 8)) == 0  # before the hour
    assert tasks.remind_tomorrows_visitors.call(now=at(0, 10)) == 1
    assert tasks.remind_tomorrows_visitors.call(now=at(0, 11)) == 0
    reminder = owed(booking, "reminder").get()
    send_owed(reminder.pk)
    assert "Tomorrow at 10:00" in mail.outbox[-1].subject or "10:00" in mail.outbox[-1].subject
    # Moved to another day after tomorrow: no reminder for it tomorrow.
    other = book(queue, starts_at=at(2, 10))
    services.booking_cancel(actor=other.citizen, booking_id=other.pk, now=MONDAY)
    assert tasks.remind_tomorrows_visitors.call(now=at(1, 10)) == 0
