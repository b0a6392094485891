"""Booking a visit in the browser, on a phone, in Ukrainian: from the addressee's page to the
ticket with its QR code, then cancelled; every page of the way audited with axe-core."""

import pytest
from playwright.sync_api import expect

from hromada.accounts.tests.factories import UserFactory
from hromada.equeue.models import Booking, State
from hromada.equeue.tests.factories import add_field, make_queue

from .support import path_is, tr
from .test_accessibility import violations
from .test_appeals import axe, log_in, submit  # noqa: F401  (axe is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_books_a_visit_and_cancels_it(page, axe):  # noqa: F811
    queue = make_queue(weekdays=range(7), name="Прийом документів", horizon_days=7)
    add_field(queue, "Суть питання", is_required=True)
    resident = UserFactory(last_name="Мельник", first_name="Ганна")
    log_in(page, resident)
    found = {}

    page.goto(queue.addressee.get_absolute_url())
    block = page.get_by_role("region", name=tr("Electronic queue"))
    submit(page, block.get_by_role("link"))
    expect(page).to_have_url(path_is(queue.get_absolute_url()))
    found["queue"] = violations(page, axe)

    submit(page, page.get_by_role("link", name="Консультація"))
    found["slots"] = violations(page, axe)
    submit(page, page.locator("a.slot").last)  # days ahead: beyond the cut-off
    expect(page.get_by_role("heading", level=1)).to_contain_text("3.")
    expect(page.locator("input[name=name]")).to_have_value("Мельник Ганна Іванівна")
    # The required question left empty: refused beside its field, nothing booked.
    page.locator("form.form").evaluate("form => { form.noValidate = true; }")
    submit(page, page.get_by_role("button", name=tr("Book this time")))
    expect(page.locator(".form-errors")).to_be_visible()
    found["form with errors"] = violations(page, axe)
    assert Booking.objects.count() == 0
    page.get_by_label("Суть питання").fill("Довідка про склад сім'ї")
    submit(page, page.get_by_role("button", name=tr("Book this time")))

    booking = Booking.objects.get()
    expect(page).to_have_url(path_is(booking.get_absolute_url()))
    expect(page.get_by_role("heading", level=1)).to_have_text(booking.number)
    expect(page.locator(".ticket-qr svg")).to_be_visible()
    expect(page.locator(".ticket")).to_contain_text("Довідка про склад сім'ї")
    found["ticket"] = violations(page, axe)
    pdf = page.request.get(booking.get_absolute_url() + "ticket.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF-")

    page.goto("/queue/mine/")
    expect(page.get_by_role("link", name=booking.number, exact=False)).to_be_visible()
    found["mine"] = violations(page, axe)

    page.goto(booking.get_absolute_url())
    submit(page, page.get_by_role("button", name=tr("Cancel the visit")))
    booking.refresh_from_db()
    assert booking.state == State.CANCELLED
    assert {name: problems for name, problems in found.items() if problems} == {}
