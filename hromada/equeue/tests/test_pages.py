"""The resident's journey and the desk through HTTP: choose, book, see the ticket, change it."""

import pytest
import time_machine
from django.core import mail
from django.test import Client

from hromada.equeue.models import Booking, State
from hromada.equeue.tests.factories import MONDAY, add_field, at, book, owed, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_of(settings):
    settings.STAFF_MFA_REQUIRED = False

    def make(user=None):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


def test_from_the_addressee_to_a_ticket(queue, citizen, client_of, monday):
    field = add_field(queue, is_required=True)
    client = client_of(citizen)
    addressee_page = client.get(queue.addressee.get_absolute_url()).content.decode()
    assert queue.get_absolute_url() in addressee_page
    assert queue.name in client.get("/queue/").content.decode()
    service = queue.services.get()
    page = client.get(f"{queue.get_absolute_url()}?service={service.pk}").content.decode()
    assert f"?service={service.pk}&amp;at=2026-03-02T09:00" in page
    assert "2026-03-02T12:45" not in page  # 30 minutes do not fit before the break
    url = f"/queue/{queue.slug}/book/?service={service.pk}&at=2026-03-02T10:00"
    form = client.get(url)
    assert form.status_code == 200 and "Петренко Оксана Іванівна" in form.content.decode()
    refused = client.post(url, {"name": "Петренко Оксана Іванівна"})
    assert refused.status_code == 200 and Booking.objects.count() == 0
    response = client.post(url, {"name": "Петренко Оксана Іванівна", field.key: "Довідка"})
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == booking.get_absolute_url()
    ticket = client.get(booking.get_absolute_url()).content.decode()
    assert booking.number in ticket and "<svg" in ticket and "Довідка" in ticket
    assert booking.number in client.get("/queue/mine/").content.decode()
    pdf = client.get(booking.get_absolute_url() + "ticket.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    ics = client.get(booking.get_absolute_url() + "ticket.ics").content.decode()
    assert "DTSTART:20260302T080000Z" in ics and "BEGIN:VEVENT" in ics


def test_a_taken_time_shows_fresh_times_and_stores_nothing(queue, citizen, client_of, monday):
    book(queue, starts_at=at(0, 10), now=MONDAY)
    service = queue.services.get()
    url = f"/queue/{queue.slug}/book/?service={service.pk}&at=2026-03-02T10:00"
    response = client_of(citizen).post(url, {"name": "Петренко Оксана"})
    text = response.content.decode()
    assert response.status_code == 200 and "at=2026-03-02T09:00" in text
    assert Booking.objects.filter(citizen=citizen).count() == 0


def test_booking_needs_a_sign_in(queue, client_of):
    service = queue.services.get()
    response = client_of().get(f"/queue/{queue.slug}/book/?service={service.pk}&at=x")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_cancel_move_and_resend_from_the_ticket(queue, citizen, client_of, monday):
    booking = book(queue, citizen, starts_at=at(1, 10))
    client = client_of(citizen)
    move_page = client.get(booking.get_absolute_url() + "move/").content.decode()
    assert "2026-03-03T11:00" in move_page
    client.post(booking.get_absolute_url() + "move/", {"at": "2026-03-03T11:00"})
    booking.refresh_from_db()
    assert booking.starts_at == at(1, 11)
    mail.outbox.clear()
    client.post(booking.get_absolute_url() + "email/")
    client.post(booking.get_absolute_url() + "email/")
    assert owed(booking, "ticket").count() == 1
    client.post(booking.get_absolute_url() + "cancel/", {"reason": "Захворів"})
    booking.refresh_from_db()
    assert booking.state == State.CANCELLED


def test_the_desk_lists_the_day_finds_a_number_and_marks(queue, citizen, client_of):
    specialist = staff_of(queue)
    booking = book(queue, citizen, starts_at=at(0, 10))
    client = client_of(specialist)
    with time_machine.travel(at(0, 9, 50), tick=False):
        desk = client.get(f"/office/queue/?queue={queue.slug}").content.decode()
        assert booking.number in desk and booking.citizen_name in desk
        found = client.get(f"/office/queue/?queue={queue.slug}&number=а-001")
        assert found.status_code == 302 and found["Location"] == booking.get_absolute_url()
        missing = client.get(f"/office/queue/?queue={queue.slug}&number=А-777")
        assert missing.status_code == 200
        client.post(f"/office/queue/tickets/{booking.code}/arrive/")
        client.post(f"/office/queue/tickets/{booking.code}/serve/")
        client.post(f"/office/queue/tickets/{booking.code}/next_visit/", {"at": "2026-03-09T10:00"})
    booking.refresh_from_db()
    assert booking.state == State.SERVED and booking.next_visits.count() == 1


def test_the_desk_and_the_export_are_for_staff(queue, citizen, client_of):
    book(queue, citizen, starts_at=at(0, 10))
    assert client_of(citizen).get("/office/queue/").status_code == 403
    outsider = staff_of(make_other_queue())
    assert (
        client_of(outsider).get(f"/office/queue/export.csv?queue={queue.slug}").status_code == 404
    )
    specialist = staff_of(queue)
    csv = client_of(specialist).get(
        f"/office/queue/export.csv?queue={queue.slug}&from=2026-03-01&to=2026-03-31"
    )
    body = csv.content.decode("utf-8-sig")
    assert csv["Content-Type"].startswith("text/csv") and "А-001" in body
    assert "Петренко Оксана Іванівна" in body and "+380 67 123 4567" in body


def make_other_queue():
    from hromada.equeue.tests.factories import make_queue

    return make_queue()


def test_a_formula_typed_by_a_resident_is_not_run_by_a_spreadsheet(queue, client_of):
    from hromada.accounts.tests.factories import UserFactory

    resident = UserFactory()
    book(queue, resident, starts_at=at(0, 10), name="=HYPERLINK(1)")
    body = client_of(staff_of(queue)).get(
        f"/office/queue/export.csv?queue={queue.slug}&from=2026-03-02&to=2026-03-02"
    )
    assert "'=HYPERLINK(1)" in body.content.decode("utf-8-sig")
